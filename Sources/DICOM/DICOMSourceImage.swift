import Radiography

/// What an object derived from a film (a Segmentation, a measurement report, a secondary
/// capture) must carry over from it to land in the same study of a viewer or PACS: its
/// identity (SOP Class and Instance, Series and Study UIDs), the patient and study attributes as
/// the film states them, and its geometry where it has one.
///
/// Patient and study values are kept as the file's bytes (with its Specific Character Set), so
/// a name in Latin-1 or Japanese goes into the derived object exactly as it came.
public struct DICOMSourceImage: Sendable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    /// Frame of Reference UID (0020,0052): present on films with a patient coordinate system.
    public var frameOfReferenceUID: String?
    /// Image Orientation (Patient) (0020,0037), six direction cosines, when the film states them.
    public var imageOrientation: [Double]?
    /// Image Position (Patient) (0020,0032), mm, when the film states it.
    public var imagePosition: [Double]?
    /// Slice Thickness (0018,0050), mm, when the film states it.
    public var sliceThickness: Double?
    /// Number of Frames (0028,0008); 1 for a single-frame film.
    public var numberOfFrames: Int
    public var rows: Int
    public var columns: Int
    /// The patient and study attributes to copy, as stored (padding trimmed), by tag.
    var copied: [Tag: (vr: VR, bytes: [UInt8])]

    /// The attributes of the Patient and General Study modules copied into a derived object,
    /// and Specific Character Set, which says how to read their text. Absent ones are written
    /// empty where the module makes them type 2.
    static let copiedAttributes: [(tag: Tag, vr: VR)] = [
        (Tag(0x0008, 0x0005), .CS),  // Specific Character Set
        (Tag(0x0008, 0x0020), .DA),  // Study Date
        (Tag(0x0008, 0x0030), .TM),  // Study Time
        (Tag(0x0008, 0x0050), .SH),  // Accession Number
        (Tag(0x0008, 0x0090), .PN),  // Referring Physician's Name
        (Tag(0x0008, 0x1030), .LO),  // Study Description
        (Tag(0x0010, 0x0010), .PN),  // Patient's Name
        (Tag(0x0010, 0x0020), .LO),  // Patient ID
        (Tag(0x0010, 0x0030), .DA),  // Patient's Birth Date
        (Tag(0x0010, 0x0040), .CS),  // Patient's Sex
        (Tag(0x0020, 0x0010), .SH),  // Study ID
        (Tag(0x0020, 0x0020), .CS),  // Patient Orientation
        (Tag(0x0020, 0x0060), .CS),  // Laterality
        (Tag(0x0018, 0x0015), .CS),  // Body Part Examined
    ]

    /// The top-level tags a file is parsed with to read its source image from it: the decoder's
    /// and those above.
    static let keptTags: Set<Tag> = ParsedFile.keptTags
        .union([.sopInstanceUID, .studyInstanceUID, .seriesInstanceUID, .frameOfReferenceUID,
                .imageOrientationPatient, .imagePositionPatient, .sliceThickness])
        .union(copiedAttributes.map(\.tag))

    /// Reads the header of a DICOM film (not its pixels). Throws `FilmError(.malformed)` when
    /// it lacks an identity a derived object must reference (SOP Class or Instance, Study or
    /// Series UID, Rows, Columns).
    public static func read(_ bytes: [UInt8], limits: DecodeLimits = .standard) throws -> DICOMSourceImage {
        try DICOMSourceImage(ParsedFile(bytes, limits: limits, keep: keptTags))
    }

    /// The Patient ID (0010,0020) as stored, for tests and messages.
    public var patientID: String? {
        copied[.patientID].map { String(decoding: $0.bytes, as: UTF8.self) }
    }
}

extension DICOMSourceImage {
    /// From a file parsed with `keptTags` (`read`, or the decoder's `decodeWithSource`).
    init(_ file: ParsedFile) throws {
        let ds = file.dataSet
        func required(_ tag: Tag, _ name: String) throws -> String {
            guard let text = ds.text(tag) else {
                throw FilmError(.malformed, "DICOM: the film has no \(name) \(tag), which a derived object must reference")
            }
            return text
        }
        var copied: [Tag: (vr: VR, bytes: [UInt8])] = [:]
        for (tag, vr) in Self.copiedAttributes {
            guard let e = ds[tag] else { continue }
            var value = Array(ds.bytes[e.value])
            while let last = value.last, last == 0x20 || last == 0x00 { value.removeLast() }
            if !value.isEmpty { copied[tag] = (vr, value) }
        }
        guard let rows = try ds.unsigned16(.rows), let columns = try ds.unsigned16(.columns) else {
            throw FilmError(.malformed, "DICOM: the film has no Rows or Columns")
        }
        self.init(
            sopClassUID: try required(.sopClassUID, "SOP Class UID"),
            sopInstanceUID: try required(.sopInstanceUID, "SOP Instance UID"),
            studyInstanceUID: try required(.studyInstanceUID, "Study Instance UID"),
            seriesInstanceUID: try required(.seriesInstanceUID, "Series Instance UID"),
            frameOfReferenceUID: ds.text(.frameOfReferenceUID),
            imageOrientation: (try? ds.decimals(.imageOrientationPatient)).flatMap { $0?.count == 6 ? $0 : nil },
            imagePosition: (try? ds.decimals(.imagePositionPatient)).flatMap { $0?.count == 3 ? $0 : nil },
            sliceThickness: (try? ds.decimals(.sliceThickness))?.flatMap { $0.first },
            numberOfFrames: max(1, (try? ds.integer(.numberOfFrames)).flatMap { $0 } ?? 1),
            rows: Int(rows), columns: Int(columns), copied: copied)
    }
}
