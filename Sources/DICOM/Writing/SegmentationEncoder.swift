import Radiography

/// A DICOM Segmentation (PS3.3 A.51, Segmentation Storage) of one film: BINARY, one frame,
/// one segment, in a new series of the film's study.
public enum SegmentationEncoder {
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.66.4"

    /// What the one segment is (Segment Label, Segmented Property Category and Type).
    public struct Segment: Sendable, Equatable {
        public var label: String
        public var category: CodedConcept
        public var type: CodedConcept
        public var description: String

        public init(label: String, category: CodedConcept, type: CodedConcept, description: String) {
            self.label = label
            self.category = category
            self.type = type
            self.description = description
        }
    }

    /// - Parameters:
    ///   - mask: `columns × rows` values of the source's size, row-major; non-zero is in the segment.
    ///   - frame: the source frame the mask was found on (1-based), referenced when the film has several.
    ///   - spacing: the pixel spacing the film was measured with (Pixel Measures); nil writes none.
    /// Traps when the mask does not have the source's size (a programming error).
    public static func encode(mask: [UInt8], source: DICOMSourceImage, frame: Int = 1, spacing: PixelSpacing?,
                              segment: Segment, software: DerivingSoftware) -> [UInt8] {
        precondition(mask.count == source.rows * source.columns, "mask of \(mask.count) for \(source.columns)×\(source.rows)")
        let instance = DerivedInstance(source: source, sopClassUID: sopClassUID, modality: "SEG", seriesNumber: 901,
                                       seriesDescription: "\(software.name) \(segment.label)", software: software)
        var ds = instance.commonModules(enhancedEquipment: true)

        // General Image and Segmentation Image.
        ds.set(Tag(0x0008, 0x0008), .CS, text: "DERIVED\\PRIMARY")
        ds.set(Tag(0x0020, 0x0020), .CS, bytes: source.copied[Tag(0x0020, 0x0020)]?.bytes ?? [])  // Patient Orientation
        if let laterality = source.copied[Tag(0x0020, 0x0060)] { ds.set(Tag(0x0020, 0x0060), laterality.vr, bytes: laterality.bytes) }
        ds.set(Tag(0x0028, 0x2110), .CS, text: "00")  // Lossy Image Compression
        ds.set(Tag(0x0070, 0x0080), .CS, text: segment.label.uppercased().replacingOccurrences(of: " ", with: "_"))  // Content Label
        ds.set(Tag(0x0070, 0x0081), .LO, text: segment.description)  // Content Description
        ds.set(Tag(0x0070, 0x0084), .PN, bytes: [])  // Content Creator's Name (type 2; no person)
        ds.set(Tag(0x0062, 0x0001), .CS, text: "BINARY")  // Segmentation Type

        var segmentItem = DataSetBuilder()
        segmentItem.set(Tag(0x0062, 0x0004), us: 1)  // Segment Number
        segmentItem.set(Tag(0x0062, 0x0005), .LO, text: segment.label)
        segmentItem.set(Tag(0x0062, 0x0006), .ST, text: segment.description)
        segmentItem.set(Tag(0x0062, 0x0008), .CS, text: "AUTOMATIC")  // Segment Algorithm Type
        segmentItem.set(Tag(0x0062, 0x0009), .LO, text: software.name)  // Segment Algorithm Name
        segmentItem.set(Tag(0x0062, 0x0003), code: segment.category)  // Segmented Property Category
        segmentItem.set(Tag(0x0062, 0x000F), code: segment.type)  // Segmented Property Type
        var algorithm = DataSetBuilder()
        algorithm.set(Tag(0x0066, 0x002F), code: CodedConcept("123109", "DCM", "Computer Vision"))  // Algorithm Family
        algorithm.set(Tag(0x0066, 0x0036), .LO, text: software.name)  // Algorithm Name
        algorithm.set(Tag(0x0066, 0x0031), .LO, text: software.version)  // Algorithm Version
        // Recommended Display CIELab Value: the overlay's magenta, L* 60, a* 98, b* −61, scaled as
        // PS3.3 C.10.7.1.1 says (L* 0…100 and a*, b* −128…127 to 0…65535).
        let lightness: Double = 60 * 65535 / 100, a: Double = (98 + 128) * 65535 / 255, b: Double = (-61 + 128) * 65535 / 255
        let lab: [UInt16] = [lightness, a, b].map { UInt16($0.rounded()) }
        segmentItem.set(Tag(0x0062, 0x000D), .US, bytes: lab.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        segmentItem.set(Tag(0x0062, 0x0007), sequence: [algorithm])  // Segmentation Algorithm Identification
        ds.set(Tag(0x0062, 0x0002), sequence: [segmentItem])

        // Image Pixel: 1 bit per pixel, packed least significant bit first (PS3.5 8.1.1).
        ds.set(Tag(0x0028, 0x0002), us: 1)
        ds.set(Tag(0x0028, 0x0004), .CS, text: "MONOCHROME2")
        ds.set(Tag(0x0028, 0x0008), .IS, text: "1")  // Number of Frames
        ds.set(Tag(0x0028, 0x0010), us: UInt16(source.rows))
        ds.set(Tag(0x0028, 0x0011), us: UInt16(source.columns))
        ds.set(Tag(0x0028, 0x0100), us: 1)
        ds.set(Tag(0x0028, 0x0101), us: 1)
        ds.set(Tag(0x0028, 0x0102), us: 0)
        ds.set(Tag(0x0028, 0x0103), us: 0)
        var packed = [UInt8](repeating: 0, count: (mask.count + 7) / 8)
        for i in mask.indices where mask[i] != 0 { packed[i >> 3] |= 1 << UInt8(i & 7) }
        ds.set(Tag(0x7FE0, 0x0010), .OB, bytes: packed)

        // Multi-frame Dimension: one dimension, the segment each frame belongs to.
        let dimensionOrganization = FilmUIDs.random()
        var organization = DataSetBuilder()
        organization.set(Tag(0x0020, 0x9164), .UI, text: dimensionOrganization)
        ds.set(Tag(0x0020, 0x9221), sequence: [organization])
        var index = DataSetBuilder()
        index.set(Tag(0x0020, 0x9164), .UI, text: dimensionOrganization)
        index.set(Tag(0x0020, 0x9165), pointer: Tag(0x0062, 0x000B))  // Referenced Segment Number
        index.set(Tag(0x0020, 0x9167), pointer: Tag(0x0062, 0x000A))  // in Segment Identification Sequence
        index.set(Tag(0x0020, 0x9421), .LO, text: "Segment Number")
        ds.set(Tag(0x0020, 0x9222), sequence: [index])

        // Multi-frame Functional Groups. Shared: the pixel size, and the orientation when the
        // film has a patient coordinate system.
        var shared = DataSetBuilder()
        if let spacing {
            var measures = DataSetBuilder()
            measures.set(Tag(0x0028, 0x0030), decimals: [spacing.row, spacing.column])
            // Slice Thickness is 1C: required with a Frame of Reference (CP 1426), forbidden empty
            // without one (dciodvfy), and meaningless for a projection, so it is the film's own
            // value or absent. (highdicom 0.28's reader wants it always: see the README.)
            if source.frameOfReferenceUID != nil, let thickness = source.sliceThickness {
                measures.set(Tag(0x0018, 0x0050), decimals: [thickness])
            }
            shared.set(Tag(0x0028, 0x9110), sequence: [measures])
        }
        if source.frameOfReferenceUID != nil, let orientation = source.imageOrientation {
            var plane = DataSetBuilder()
            plane.set(Tag(0x0020, 0x0037), decimals: orientation)
            shared.set(Tag(0x0020, 0x9116), sequence: [plane])
        }
        ds.set(Tag(0x5200, 0x9229), sequence: [shared])
        // Per frame: which segment, from which source image, and where.
        var perFrame = DataSetBuilder()
        var content = DataSetBuilder()
        content.set(Tag(0x0020, 0x9157), .UL, bytes: [1, 0, 0, 0])  // Dimension Index Values
        perFrame.set(Tag(0x0020, 0x9111), sequence: [content])
        var segmentIdentification = DataSetBuilder()
        segmentIdentification.set(Tag(0x0062, 0x000B), us: 1)
        perFrame.set(Tag(0x0062, 0x000A), sequence: [segmentIdentification])
        var sourceImage = instance.sourceReference(frame: frame)
        sourceImage.set(Tag(0x0040, 0xA170), code: CodedConcept("121322", "DCM", "Source image for image processing operation"))
        sourceImage.set(Tag(0x0028, 0x135A), .CS, text: "YES")  // Spatial Locations Preserved: same pixel grid
        var derivation = DataSetBuilder()
        derivation.set(Tag(0x0008, 0x9215), code: CodedConcept("113076", "DCM", "Segmentation"))  // Derivation Code
        derivation.set(Tag(0x0008, 0x2112), sequence: [sourceImage])  // Source Image Sequence
        perFrame.set(Tag(0x0008, 0x9124), sequence: [derivation])  // Derivation Image Sequence
        if source.frameOfReferenceUID != nil, let position = source.imagePosition {
            var plane = DataSetBuilder()
            plane.set(Tag(0x0020, 0x0032), decimals: position)
            perFrame.set(Tag(0x0020, 0x9113), sequence: [plane])
        }
        ds.set(Tag(0x5200, 0x9230), sequence: [perFrame])

        // Frame of Reference, when the film has one; Common Instance Reference.
        if let frameOfReference = source.frameOfReferenceUID {
            ds.set(.frameOfReferenceUID, .UI, text: frameOfReference)
            ds.set(Tag(0x0020, 0x1040), .LO, bytes: [])  // Position Reference Indicator
        }
        ds.set(Tag(0x0008, 0x1115), sequence: [instance.referencedSeries()])
        return instance.file(ds)
    }
}
