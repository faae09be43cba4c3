import Radiography

/// Reads DICOM films into `Radiograph`s: uncompressed transfer syntaxes (little and big endian,
/// and deflated), RLE Lossless, JPEG Baseline 8-bit, JPEG Extended 8- and 12-bit, JPEG Lossless
/// (process 14), JPEG-LS, JPEG 2000 and HTJ2K (the codec table in `TransferSyntax.swift`), 8 or
/// 16 bits allocated, grayscale (colour films as their luminance). Everything else is refused with a
/// message naming what the file uses (see README.md).
public enum DICOMDecoder {
    /// Reads a Part 10 file (or a preamble-less data set) and returns frame `frame` (1-based)
    /// as a Radiograph.
    ///
    /// The Radiograph's samples are the stored values masked to Bits Stored (garbage above
    /// High Bit dropped), signed data shifted to unsigned, and inverted for MONOCHROME1 or a
    /// negative Rescale Slope so that larger always means more attenuation. `modalityRescale`
    /// maps those samples back to the file's modality units (identity when the file has no
    /// Rescale Slope/Intercept) and `displayWindow` is the file's first window in sample units.
    /// `patientID` is Patient ID (0010,0020) when the file has one.
    ///
    /// Throws `FilmError` for malformed or unsupported files, never traps; no allocation is
    /// sized from a header field before it is checked against the bytes present and `limits`.
    public static func decode(_ bytes: [UInt8], frame: Int = 1, limits: DecodeLimits = .standard) throws -> Radiograph {
        try decode(ParsedFile(bytes, limits: limits), frame: frame, limits: limits)
    }

    /// `decode`, and what the objects derived from the film reference (`DICOMSourceImage`) from
    /// the same parse, so that writing them reads the file no second time. `source` holds the
    /// reason when the film lacks an identity to reference: the film still decodes.
    public static func decodeWithSource(_ bytes: [UInt8], frame: Int = 1, limits: DecodeLimits = .standard) throws
        -> (film: Radiograph, source: Result<DICOMSourceImage, any Error>) {
        let file = try ParsedFile(bytes, limits: limits, keep: DICOMSourceImage.keptTags)
        let film = try decode(file, frame: frame, limits: limits)
        return (film, Result { try DICOMSourceImage(file) })
    }

    private static func decode(_ file: ParsedFile, frame: Int, limits: DecodeLimits) throws -> Radiograph {
        let syntax = file.syntax
        guard syntax.isReadable else { throw syntax.refusal }
        let pixelData = try file.pixelData()
        let module = try PixelModule(file.dataSet, limits: limits, codec: syntax.pixelCodec)
        guard (1...module.numberOfFrames).contains(frame) else {
            throw FilmError(.malformed, "DICOM: frame \(frame) was asked for but the file has \(module.numberOfFrames) frame\(module.numberOfFrames == 1 ? "" : "s")")
        }
        var mapping = SampleMapping(module)
        var bitsStored = module.bitsStored
        let bytes = file.bytes
        let pixels: [UInt16]
        switch syntax.pixelCodec {
        case .native where module.photometric != .ybrFull422:
            guard !pixelData.hasUndefinedLength else {
                throw FilmError(.malformed, "DICOM: Pixel Data is encapsulated (undefined length) but transfer syntax \(syntax.uid) (\(syntax.name)) stores it uncompressed")
            }
            let range = try NativePixelDecoder.frameRange(module, pixelData: pixelData.value, index: frame - 1)
            pixels = NativePixelDecoder.decode(bytes, range: range, module: module, mapping: mapping,
                                               layout: .init(bigEndian: syntax.byteOrder == .big, vr: pixelData.vr, element: pixelData.value))
        case .rle:
            // PS3.5 A.4.2 wants one fragment per RLE frame, but writers split frames too; like
            // pydicom, the frame's fragments are joined.
            let fragments = try encapsulatedFragments(pixelData, frame: frame, module: module, syntax: syntax, bytes: bytes)
            if fragments.count == 1 {
                pixels = try RLEPixelDecoder.decode(bytes, fragment: fragments[0], module: module, mapping: mapping)
            } else {
                let joined = fragments.flatMap { bytes[$0] }
                pixels = try RLEPixelDecoder.decode(joined, fragment: 0..<joined.count, module: module, mapping: mapping)
            }
        case .jpegLossless:
            let data = try codestream(pixelData, frame: frame, module: module, syntax: syntax, bytes: bytes)
            let planes = try JPEGLosslessDecoder.decode(data, rows: module.rows, columns: module.columns,
                                                        components: module.samplesPerPixel)
            pixels = mapping.apply(toPlanes: planes, module: module)
        default:
            // Subsampled YBR, JPEG Baseline, JPEG 2000 and JPEG-LS: through the general stored-word
            // path, whose module may take Bits Stored from the codestream.
            let decoded = try StoredWordsDecoder.decode(file, module: module, frame: frame, limits: limits)
            mapping = SampleMapping(decoded.module)
            bitsStored = decoded.module.bitsStored
            pixels = samples(decoded, module: decoded.module, mapping: mapping)
        }
        let spacing = module.chosenSpacing
        var film = Radiograph(
            width: module.columns, height: module.rows, pixels: pixels, bitsStored: bitsStored,
            spacing: spacing.spacing, spacingSource: spacing.source, format: .dicom,
            modalityRescale: mapping.rescale, displayWindow: mapping.window,
            patientID: file.dataSet.text(.patientID))
        film.warnings = (file.warnings + spacing.warnings + module.warnings).map { "DICOM: " + $0 }
        return film
    }

    /// Frame `frame` (1-based) as stored values: see `DICOMStoredFrame`. Reads 1, 8, 16 and
    /// 32 bits allocated and any photometric interpretation, in every transfer syntax
    /// `decode` reads. Holds the frame as 32-bit words while decoding, so it needs about
    /// 4 bytes per sample more than `decode` (for `detect convert`, not for batch analysis).
    /// 8-bit YCbCr becomes RGB as in pydicom 3's default `pixel_array` unless `colour` is
    /// `.asStored`.
    public static func storedValues(_ bytes: [UInt8], frame: Int = 1, limits: DecodeLimits = .standard,
                                    colour: DICOMStoredFrame.Colour = .rgb) throws -> DICOMStoredFrame {
        let file = try ParsedFile(bytes, limits: limits)
        guard file.syntax.isReadable else { throw file.syntax.refusal }
        _ = try file.pixelData()
        let module = try PixelModule(file.dataSet, limits: limits, purpose: .storedValues, codec: file.syntax.pixelCodec)
        var decoded = try StoredWordsDecoder.decode(file, module: module, frame: frame, limits: limits)
        if colour == .rgb, decoded.colourIsYCbCr, decoded.module.bitsAllocated == 8 {
            YBRFullToRGB.convert(&decoded.words)
            return DICOMStoredFrame(words: decoded.words, module: decoded.module, photometric: "RGB")
        }
        return DICOMStoredFrame(words: decoded.words, module: decoded.module)
    }

    /// Film samples from interleaved stored words: grayscale mapped, colour reduced to its
    /// luma component (YCbCr) or Rec. 601 luma (RGB) first.
    private static func samples(_ frame: StoredWordsDecoder.Frame, module m: PixelModule, mapping: SampleMapping) -> [UInt16] {
        let count = m.rows * m.columns
        let shift = UInt32(mapping.shift), mask = UInt32(mapping.mask), xor = mapping.xor
        return [UInt16](unsafeUninitializedCapacity: count) { out, initialised in
            frame.words.withUnsafeBufferPointer { w in
                if m.samplesPerPixel == 1 || frame.firstComponentIsLuma {
                    let step = m.samplesPerPixel
                    for i in 0..<count { out[i] = UInt16(truncatingIfNeeded: (w[i &* step] &>> shift) & mask) ^ xor }
                } else {
                    for i in 0..<count {
                        let r = UInt16(truncatingIfNeeded: (w[3 &* i] &>> shift) & mask)
                        let g = UInt16(truncatingIfNeeded: (w[3 &* i &+ 1] &>> shift) & mask)
                        let b = UInt16(truncatingIfNeeded: (w[3 &* i &+ 2] &>> shift) & mask)
                        out[i] = ColourLuminance.luma(r, g, b) ^ xor
                    }
                }
            }
            initialised = count
        }
    }

    static func encapsulatedFragments(
        _ pixelData: DataElement, frame: Int, module: PixelModule, syntax: TransferSyntax, bytes: [UInt8]
    ) throws -> [Range<Int>] {
        guard pixelData.hasUndefinedLength else {
            throw FilmError(.malformed, "DICOM: transfer syntax \(syntax.uid) (\(syntax.name)) needs encapsulated Pixel Data, but it has a defined length")
        }
        return try EncapsulatedFrames.fragments(of: frame - 1, frames: module.numberOfFrames, in: bytes, value: pixelData.value)
    }

    /// The frame's fragments joined into one codestream (JPEG frames may span fragments).
    static func codestream(
        _ pixelData: DataElement, frame: Int, module: PixelModule, syntax: TransferSyntax, bytes: [UInt8]
    ) throws -> [UInt8] {
        let fragments = try encapsulatedFragments(pixelData, frame: frame, module: module, syntax: syntax, bytes: bytes)
        return fragments.count == 1 ? Array(bytes[fragments[0]]) : fragments.flatMap { bytes[$0] }
    }
}
