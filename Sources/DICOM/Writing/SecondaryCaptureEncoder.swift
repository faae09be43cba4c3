import Radiography

/// An RGB picture made from a film (the overlay) as a Secondary Capture Image (PS3.3 A.8.1,
/// Secondary Capture Image Storage) in a new series of the film's study: any viewer or PACS
/// shows it beside the film.
public enum SecondaryCaptureEncoder {
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.7"

    /// - Parameters:
    ///   - rgb: `width × height × 3` bytes, interleaved, top row first.
    ///   - spacing: the film's pixel spacing (the picture has the film's size), written as the
    ///     SC Image module's Pixel Spacing; nil writes none.
    /// Traps when the bytes do not match the size or the size does not fit Rows/Columns.
    public static func encode(rgb: [UInt8], width: Int, height: Int, source: DICOMSourceImage, frame: Int = 1,
                              spacing: PixelSpacing?, description: String, software: DerivingSoftware) -> [UInt8] {
        precondition(rgb.count == width * height * 3 && (1...65535).contains(width) && (1...65535).contains(height),
                     "RGB of \(rgb.count) bytes for \(width)×\(height)")
        let instance = DerivedInstance(source: source, sopClassUID: sopClassUID, modality: "OT", seriesNumber: 903,
                                       seriesDescription: description, software: software)
        var ds = instance.commonModules(enhancedEquipment: false)
        // General Image: derived from the film, which Source Image Sequence names.
        ds.set(Tag(0x0008, 0x0008), .CS, text: "DERIVED\\SECONDARY")
        ds.set(Tag(0x0008, 0x2111), .ST, text: description)  // Derivation Description
        var sourceImage = instance.sourceReference(frame: frame)
        sourceImage.set(Tag(0x0040, 0xA170), code: CodedConcept("121322", "DCM", "Source image for image processing operation"))
        ds.set(Tag(0x0008, 0x2112), sequence: [sourceImage])
        ds.set(Tag(0x0020, 0x0020), .CS, bytes: source.copied[Tag(0x0020, 0x0020)]?.bytes ?? [])  // Patient Orientation
        // Laterality (General Series, 2C): the film's, or empty (unknown) when it states none.
        ds.set(Tag(0x0020, 0x0060), .CS, bytes: source.copied[Tag(0x0020, 0x0060)]?.bytes ?? [])
        ds.set(Tag(0x0028, 0x2110), .CS, text: "00")  // Lossy Image Compression: none
        // SC Equipment: made on a workstation.
        ds.set(Tag(0x0008, 0x0064), .CS, text: "WSD")  // Conversion Type
        ds.set(Tag(0x0018, 0x1016), .LO, text: software.name)  // Secondary Capture Device Manufacturer
        ds.set(Tag(0x0018, 0x1019), .LO, text: software.version)  // Secondary Capture Device Software Versions
        // SC Image.
        ds.set(Tag(0x0018, 0x1012), .DA, text: instance.date)  // Date of Secondary Capture
        ds.set(Tag(0x0018, 0x1014), .TM, text: instance.time)
        if let spacing {
            ds.set(Tag(0x0028, 0x0030), decimals: [spacing.row, spacing.column])
            ds.set(Tag(0x0028, 0x0A02), .CS, text: "GEOMETRY")  // Pixel Spacing Calibration Type
            ds.set(Tag(0x0028, 0x0A04), .LO, text: "the source film's spacing")  // … Description
        }
        // Image Pixel: 8-bit RGB, interleaved.
        ds.set(Tag(0x0028, 0x0002), us: 3)
        ds.set(Tag(0x0028, 0x0004), .CS, text: "RGB")
        ds.set(Tag(0x0028, 0x0006), us: 0)  // Planar Configuration: interleaved
        ds.set(Tag(0x0028, 0x0010), us: UInt16(height))
        ds.set(Tag(0x0028, 0x0011), us: UInt16(width))
        ds.set(Tag(0x0028, 0x0100), us: 8)
        ds.set(Tag(0x0028, 0x0101), us: 8)
        ds.set(Tag(0x0028, 0x0102), us: 7)
        ds.set(Tag(0x0028, 0x0103), us: 0)
        ds.set(Tag(0x7FE0, 0x0010), .OB, bytes: rgb)
        return instance.file(ds)
    }
}
