import Foundation

/// The software that derives an object from a film: named in General and Enhanced General
/// Equipment, as the SEG's algorithm and as the SR's device observer.
public struct DerivingSoftware: Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// Stable for a name and version: the SR's Device Observer UID.
    var deviceUID: String { FilmUIDs.uid(hashing: Array("device \(name) \(version)".utf8)) }
}

/// One new instance in a new series of the film's study: the modules every derived object
/// shares (Patient, General Study, General Series, General / Enhanced General Equipment, SOP
/// Common), with fresh Series and SOP Instance UIDs.
struct DerivedInstance {
    let source: DICOMSourceImage
    let sopClassUID: String
    let modality: String
    let seriesNumber: Int
    let seriesDescription: String
    let software: DerivingSoftware
    let sopInstanceUID = FilmUIDs.random()
    let seriesInstanceUID = FilmUIDs.random()
    /// Content and instance creation date and time (UTC, with its offset written).
    let date: String
    let time: String

    init(source: DICOMSourceImage, sopClassUID: String, modality: String, seriesNumber: Int,
         seriesDescription: String, software: DerivingSoftware, now: Date = Date()) {
        self.source = source
        self.sopClassUID = sopClassUID
        self.modality = modality
        self.seriesNumber = seriesNumber
        self.seriesDescription = seriesDescription
        self.software = software
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd"
        date = formatter.string(from: now)
        formatter.dateFormat = "HHmmss"
        time = formatter.string(from: now)
    }

    /// Patient, General Study, General Series, equipment and SOP Common; `enhancedEquipment`
    /// adds the type 1 model, serial and version that SEG's Enhanced General Equipment asks for.
    func commonModules(enhancedEquipment: Bool) -> DataSetBuilder {
        var ds = DataSetBuilder()
        // Type 2 attributes of the Patient and General Study modules are written empty when the
        // film lacks them; the others only when present.
        let type2: Set<Tag> = [Tag(0x0008, 0x0020), Tag(0x0008, 0x0030), Tag(0x0008, 0x0050), Tag(0x0008, 0x0090),
                               Tag(0x0010, 0x0010), Tag(0x0010, 0x0020), Tag(0x0010, 0x0030), Tag(0x0010, 0x0040),
                               Tag(0x0020, 0x0010)]
        let seriesLevel: Set<Tag> = [Tag(0x0020, 0x0020), Tag(0x0020, 0x0060), Tag(0x0018, 0x0015)]
        for (tag, vr) in DICOMSourceImage.copiedAttributes where !seriesLevel.contains(tag) {
            if let value = source.copied[tag] {
                ds.set(tag, value.vr, bytes: value.bytes)
            } else if type2.contains(tag) {
                ds.set(tag, vr, bytes: [])
            }
        }
        ds.set(.studyInstanceUID, .UI, text: source.studyInstanceUID)
        ds.set(Tag(0x0008, 0x0012), .DA, text: date)  // Instance Creation Date
        ds.set(Tag(0x0008, 0x0013), .TM, text: time)
        ds.set(.sopClassUID, .UI, text: sopClassUID)
        ds.set(.sopInstanceUID, .UI, text: sopInstanceUID)
        ds.set(Tag(0x0008, 0x0023), .DA, text: date)  // Content Date
        ds.set(Tag(0x0008, 0x0033), .TM, text: time)
        ds.set(Tag(0x0008, 0x0060), .CS, text: modality)
        ds.set(Tag(0x0008, 0x0070), .LO, text: software.name)  // Manufacturer
        ds.set(Tag(0x0008, 0x0201), .SH, text: "+0000")  // Timezone Offset From UTC
        ds.set(Tag(0x0008, 0x103E), .LO, text: seriesDescription)
        ds.set(.seriesInstanceUID, .UI, text: seriesInstanceUID)
        ds.set(Tag(0x0020, 0x0011), .IS, text: String(seriesNumber))
        ds.set(Tag(0x0020, 0x0013), .IS, text: "1")  // Instance Number
        if enhancedEquipment {
            ds.set(Tag(0x0008, 0x1090), .LO, text: software.name)  // Manufacturer's Model Name
            ds.set(Tag(0x0018, 0x1000), .LO, text: "0")  // Device Serial Number: software has none
            ds.set(Tag(0x0018, 0x1020), .LO, text: software.version)  // Software Versions
        }
        return ds
    }

    /// The film as a referenced instance: Referenced SOP Class and Instance UIDs.
    func sourceInstance() -> DataSetBuilder {
        var item = DataSetBuilder()
        item.set(Tag(0x0008, 0x1150), .UI, text: source.sopClassUID)
        item.set(Tag(0x0008, 0x1155), .UI, text: source.sopInstanceUID)
        return item
    }

    /// `sourceInstance` and the frame analysed when the film has several (an image reference).
    func sourceReference(frame: Int) -> DataSetBuilder {
        var item = sourceInstance()
        if source.numberOfFrames > 1 { item.set(Tag(0x0008, 0x1160), .IS, text: String(frame)) }
        return item
    }

    /// An item of Referenced Series Sequence: the film's series and the film in it, in
    /// `instances`: Referenced Instance Sequence (0008,114A) in the Common Instance Reference
    /// module, Referenced SOP Sequence (0008,1199) in an SR's evidence (Hierarchical SOP
    /// Instance Reference macro).
    func referencedSeries(instances: Tag = Tag(0x0008, 0x114A)) -> DataSetBuilder {
        var series = DataSetBuilder()
        series.set(.seriesInstanceUID, .UI, text: source.seriesInstanceUID)
        series.set(instances, sequence: [sourceInstance()])
        return series
    }

    /// The Part 10 file, Explicit VR Little Endian.
    func file(_ ds: DataSetBuilder) -> [UInt8] {
        DICOMEncoder.part10(sopClass: sopClassUID, sopInstance: sopInstanceUID,
                            syntax: .explicitVRLittleEndian, dataSet: ds.bytes)
    }
}
