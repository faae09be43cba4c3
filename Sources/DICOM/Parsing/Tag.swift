import Radiography

/// A data element tag (group, element), ordered as DICOM orders elements in a data set.
struct Tag: Hashable, Comparable, Sendable, CustomStringConvertible {
    let group: UInt16
    let element: UInt16

    init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    static func < (a: Tag, b: Tag) -> Bool {
        (a.group, a.element) < (b.group, b.element)
    }

    /// `(7FE0,0010)`, the way DICOM documents and dcmdump print tags.
    var description: String { "(\(Tag.hex(group)),\(Tag.hex(element)))" }

    private static func hex(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    /// Items and delimiters live in group FFFE and never carry a VR, even in explicit VR.
    var isItemOrDelimiter: Bool { group == 0xFFFE }

    static let item = Tag(0xFFFE, 0xE000)
    static let itemDelimiter = Tag(0xFFFE, 0xE00D)
    static let sequenceDelimiter = Tag(0xFFFE, 0xE0DD)

    static let transferSyntaxUID = Tag(0x0002, 0x0010)
    static let sopClassUID = Tag(0x0008, 0x0016)
    static let sopInstanceUID = Tag(0x0008, 0x0018)
    static let modality = Tag(0x0008, 0x0060)
    static let patientID = Tag(0x0010, 0x0020)
    static let sliceThickness = Tag(0x0018, 0x0050)
    static let imagerPixelSpacing = Tag(0x0018, 0x1164)
    static let studyInstanceUID = Tag(0x0020, 0x000D)
    static let seriesInstanceUID = Tag(0x0020, 0x000E)
    static let imagePositionPatient = Tag(0x0020, 0x0032)
    static let imageOrientationPatient = Tag(0x0020, 0x0037)
    static let frameOfReferenceUID = Tag(0x0020, 0x0052)
    static let samplesPerPixel = Tag(0x0028, 0x0002)
    static let photometricInterpretation = Tag(0x0028, 0x0004)
    static let planarConfiguration = Tag(0x0028, 0x0006)
    static let numberOfFrames = Tag(0x0028, 0x0008)
    static let rows = Tag(0x0028, 0x0010)
    static let columns = Tag(0x0028, 0x0011)
    static let pixelSpacing = Tag(0x0028, 0x0030)
    static let bitsAllocated = Tag(0x0028, 0x0100)
    static let bitsStored = Tag(0x0028, 0x0101)
    static let highBit = Tag(0x0028, 0x0102)
    static let pixelRepresentation = Tag(0x0028, 0x0103)
    static let windowCenter = Tag(0x0028, 0x1050)
    static let windowWidth = Tag(0x0028, 0x1051)
    static let rescaleIntercept = Tag(0x0028, 0x1052)
    static let rescaleSlope = Tag(0x0028, 0x1053)
    static let floatPixelData = Tag(0x7FE0, 0x0008)
    static let doubleFloatPixelData = Tag(0x7FE0, 0x0009)
    static let pixelData = Tag(0x7FE0, 0x0010)
}

/// The small dictionary implicit VR needs: the VR and a readable name of every top-level
/// element the decoder reads. Everything else is skipped by its length, so its VR never
/// matters (an undefined length there can only be a sequence).
enum ElementDictionary {
    static let entries: [Tag: (vr: VR, name: String)] = [
        .sopClassUID: (.UI, "SOP Class UID"),
        .modality: (.CS, "Modality"),
        .patientID: (.LO, "Patient ID"),
        .imagerPixelSpacing: (.DS, "Imager Pixel Spacing"),
        .samplesPerPixel: (.US, "Samples per Pixel"),
        .photometricInterpretation: (.CS, "Photometric Interpretation"),
        .planarConfiguration: (.US, "Planar Configuration"),
        .numberOfFrames: (.IS, "Number of Frames"),
        .rows: (.US, "Rows"),
        .columns: (.US, "Columns"),
        .pixelSpacing: (.DS, "Pixel Spacing"),
        .bitsAllocated: (.US, "Bits Allocated"),
        .bitsStored: (.US, "Bits Stored"),
        .highBit: (.US, "High Bit"),
        .pixelRepresentation: (.US, "Pixel Representation"),
        .windowCenter: (.DS, "Window Center"),
        .windowWidth: (.DS, "Window Width"),
        .rescaleIntercept: (.DS, "Rescale Intercept"),
        .rescaleSlope: (.DS, "Rescale Slope"),
        .floatPixelData: (.OF, "Float Pixel Data"),
        .doubleFloatPixelData: (.OD, "Double Float Pixel Data"),
        .pixelData: (.OW, "Pixel Data"),
    ]

    /// "Rows (0028,0010)" for messages.
    static func label(_ tag: Tag) -> String {
        if let name = entries[tag]?.name { return "\(name) \(tag)" }
        return "element \(tag)"
    }
}
