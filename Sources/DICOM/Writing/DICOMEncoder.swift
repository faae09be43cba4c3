import Radiography

/// Writes `DICOMFilm`s as Part 10 files that pydicom and DCMTK read.
public enum DICOMEncoder {
    /// A valid Part 10 file (preamble, DICM, meta group with correct group length, SOP Class
    /// Digital X-Ray Image Storage – For Presentation or CR as fits the modality, fresh UIDs from a
    /// deterministic seed or the patient ID — pydicom and DCMTK must read it).
    ///
    /// SOP Class by modality: CR → Computed Radiography Image Storage, MG → Digital
    /// Mammography X-Ray Image Storage – For Presentation, anything else → Digital X-Ray Image
    /// Storage – For Presentation. UIDs are `2.25.` UUIDs hashed from the patient ID and the
    /// pixels, so the same film always gives the same bytes and different films different UIDs.
    /// Traps (a programming error, not bad input) when `storedValues.count ≠ width × height`,
    /// a dimension is outside 1…65535 or `bitsStored` outside 1…16.
    public static func encode(_ film: DICOMFilm) -> [UInt8] {
        precondition((1...65535).contains(film.width) && (1...65535).contains(film.height),
                     "DICOMFilm: \(film.width)×\(film.height) does not fit Rows/Columns")
        precondition(film.storedValues.count == film.width * film.height,
                     "DICOMFilm: \(film.storedValues.count) values for \(film.width)×\(film.height)")
        precondition((1...16).contains(film.bitsStored), "DICOMFilm: bitsStored \(film.bitsStored)")

        let sopClass: String
        switch film.modality {
        case "CR": sopClass = "1.2.840.10008.5.1.4.1.1.1"
        case "MG": sopClass = "1.2.840.10008.5.1.4.1.1.1.2"
        default: sopClass = "1.2.840.10008.5.1.4.1.1.1.1"
        }
        let uids = FilmUIDs(film)
        let syntax = film.syntax == .explicitLittle ? TransferSyntax.explicitVRLittleEndian : .implicitVRLittleEndian

        var ds = ElementWriter(explicitVR: film.syntax == .explicitLittle)
        ds.append(Tag(0x0008, 0x0008), .CS, text: "ORIGINAL\\PRIMARY")
        ds.append(Tag(0x0008, 0x0016), .UI, text: sopClass)
        ds.append(Tag(0x0008, 0x0018), .UI, text: uids.sopInstance)
        ds.append(Tag(0x0008, 0x0060), .CS, text: film.modality)
        if film.modality != "CR" {
            ds.append(Tag(0x0008, 0x0068), .CS, text: "FOR PRESENTATION")
        }
        ds.append(Tag(0x0010, 0x0010), .PN, text: film.patientID)
        ds.append(Tag(0x0010, 0x0020), .LO, text: film.patientID)
        if let s = film.imagerPixelSpacing {
            ds.append(.imagerPixelSpacing, decimals: [s.row, s.column])
        }
        ds.append(Tag(0x0020, 0x000D), .UI, text: uids.study)
        ds.append(Tag(0x0020, 0x000E), .UI, text: uids.series)
        ds.append(.samplesPerPixel, us: 1)
        ds.append(.photometricInterpretation, .CS, text: film.photometric.rawValue)
        ds.append(.rows, us: UInt16(film.height))
        ds.append(.columns, us: UInt16(film.width))
        if let s = film.pixelSpacing {
            ds.append(.pixelSpacing, decimals: [s.row, s.column])
        }
        ds.append(.bitsAllocated, us: 16)
        ds.append(.bitsStored, us: UInt16(film.bitsStored))
        ds.append(.highBit, us: UInt16(film.bitsStored - 1))
        ds.append(.pixelRepresentation, us: 0)
        if let c = film.windowCenter, let w = film.windowWidth {
            ds.append(.windowCenter, decimals: [c])
            ds.append(.windowWidth, decimals: [w])
        }
        if film.rescaleSlope != nil || film.rescaleIntercept != nil {
            ds.append(.rescaleIntercept, decimals: [film.rescaleIntercept ?? 0])
            ds.append(.rescaleSlope, decimals: [film.rescaleSlope ?? 1])
            ds.append(Tag(0x0028, 0x1054), .LO, text: "US")  // Rescale Type: unspecified
        }
        var pixels = [UInt8](repeating: 0, count: 2 * film.storedValues.count)
        for (i, v) in film.storedValues.enumerated() {
            pixels[2 * i] = UInt8(v & 0xFF)
            pixels[2 * i + 1] = UInt8(v >> 8)
        }
        ds.append(.pixelData, .OW, pixels)

        return part10(sopClass: sopClass, sopInstance: uids.sopInstance, syntax: syntax, dataSet: ds.bytes)
    }

    /// Preamble, "DICM", the meta group (with its group length) and the encoded data set.
    static func part10(sopClass: String, sopInstance: String, syntax: TransferSyntax, dataSet: [UInt8]) -> [UInt8] {
        var meta = ElementWriter(explicitVR: true)
        meta.append(Tag(0x0002, 0x0001), .OB, [0x00, 0x01])
        meta.append(Tag(0x0002, 0x0002), .UI, text: sopClass)
        meta.append(Tag(0x0002, 0x0003), .UI, text: sopInstance)
        meta.append(Tag(0x0002, 0x0010), .UI, text: syntax.uid)
        meta.append(Tag(0x0002, 0x0012), .UI, text: FilmUIDs.implementationClass)
        meta.append(Tag(0x0002, 0x0013), .SH, text: "DETECT_1")

        var file = [UInt8](repeating: 0, count: 128)
        file.append(contentsOf: Array("DICM".utf8))
        var groupLength = ElementWriter(explicitVR: true)
        groupLength.append(Tag(0x0002, 0x0000), ul: UInt32(meta.bytes.count))
        file.append(contentsOf: groupLength.bytes)
        file.append(contentsOf: meta.bytes)
        file.append(contentsOf: dataSet)
        return file
    }
}
