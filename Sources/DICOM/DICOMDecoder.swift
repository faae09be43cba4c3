import Radiography

/// Reads DICOM films into `Radiograph`s: uncompressed transfer syntaxes (little and big endian)
/// RLE Lossless and JPEG Lossless (process 14), 8 or 16 bits allocated, grayscale (colour films as their luminance).
/// Everything else is refused with a message naming what the file uses (see README.md).
public enum DICOMDecoder {
    /// Reads a Part 10 file (or a preamble-less data set) and returns frame `frame` (1-based)
    /// as a Radiograph.
    ///
    /// The Radiograph's samples are the stored values masked to Bits Stored (garbage above
    /// High Bit dropped), signed data shifted to unsigned, and inverted for MONOCHROME1 or a
    /// negative Rescale Slope so that larger always means more attenuation. `modalityRescale`
    /// maps those samples back to the file's modality units (identity when the file has no
    /// Rescale Slope/Intercept) and `displayWindow` is the file's first window in sample units.
    ///
    /// Throws `FilmError` for malformed or unsupported files, never traps; no allocation is
    /// sized from a header field before it is checked against the bytes present and `limits`.
    public static func decode(_ bytes: [UInt8], frame: Int = 1, limits: DecodeLimits = .standard) throws -> Radiograph {
        guard bytes.count <= limits.maxFileBytes else {
            throw FilmError("DICOM: file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes) bytes")
        }
        let header = try Part10Header.read(bytes)
        let syntax = header.transferSyntax
        guard syntax.isReadable else { throw syntax.refusal }

        let bigEndian = syntax.byteOrder == .big
        var reader = DataSetReader(bytes, offset: header.dataSetOffset, explicitVR: syntax.vrEncoding == .explicit,
                                   bigEndian: bigEndian)
        let elements = try reader.readElements(keep: Set(ElementDictionary.entries.keys), stopAfter: .pixelData)
        let dataSet = DataSet(bytes: bytes, elements: elements, bigEndian: bigEndian)

        guard let pixelData = dataSet[.pixelData] else {
            if dataSet[.floatPixelData] != nil || dataSet[.doubleFloatPixelData] != nil {
                throw FilmError("DICOM: float pixel data (7FE0,0008/0009) is not supported")
            }
            throw FilmError("DICOM: file has no Pixel Data (7FE0,0010): it is not an image")
        }
        let module = try PixelModule(dataSet, limits: limits)
        guard (1...module.numberOfFrames).contains(frame) else {
            throw FilmError("DICOM: frame \(frame) was asked for but the file has \(module.numberOfFrames) frame\(module.numberOfFrames == 1 ? "" : "s")")
        }
        let mapping = SampleMapping(module)
        let pixels: [UInt16]
        switch syntax.pixelCodec {
        case .native:
            guard !pixelData.hasUndefinedLength else {
                throw FilmError("DICOM: Pixel Data is encapsulated (undefined length) but transfer syntax \(syntax.uid) (\(syntax.name)) stores it uncompressed")
            }
            let range = try NativePixelDecoder.frameRange(module, pixelData: pixelData.value, index: frame - 1)
            pixels = NativePixelDecoder.decode(bytes, range: range, module: module, mapping: mapping,
                                               layout: .init(bigEndian: bigEndian, vr: pixelData.vr, element: pixelData.value))
        case .rle:
            let fragments = try encapsulatedFragments(pixelData, frame: frame, module: module, syntax: syntax, bytes: bytes)
            guard fragments.count == 1 else {
                throw FilmError("DICOM: RLE frame \(frame) spans \(fragments.count) fragments; RLE Lossless allows one per frame")
            }
            pixels = try RLEPixelDecoder.decode(bytes, fragment: fragments[0], module: module, mapping: mapping)
        case .jpegLossless:
            let fragments = try encapsulatedFragments(pixelData, frame: frame, module: module, syntax: syntax, bytes: bytes)
            let codestream = fragments.count == 1 ? Array(bytes[fragments[0]]) : fragments.flatMap { bytes[$0] }
            let planes = try JPEGLosslessDecoder.decode(codestream, rows: module.rows, columns: module.columns,
                                                        components: module.samplesPerPixel)
            pixels = mapping.apply(toPlanes: planes, module: module)
        default:
            throw syntax.refusal
        }
        let spacing = module.chosenSpacing
        return Radiograph(
            width: module.columns, height: module.rows, pixels: pixels, bitsStored: module.bitsStored,
            spacing: spacing?.0, spacingSource: spacing?.1 ?? .unknown, format: .dicom,
            modalityRescale: mapping.rescale, displayWindow: mapping.window)
    }

    private static func encapsulatedFragments(
        _ pixelData: DataElement, frame: Int, module: PixelModule, syntax: TransferSyntax, bytes: [UInt8]
    ) throws -> [Range<Int>] {
        guard pixelData.hasUndefinedLength else {
            throw FilmError("DICOM: transfer syntax \(syntax.uid) (\(syntax.name)) needs encapsulated Pixel Data, but it has a defined length")
        }
        return try EncapsulatedFrames.fragments(of: frame - 1, frames: module.numberOfFrames, in: bytes, value: pixelData.value)
    }
}
