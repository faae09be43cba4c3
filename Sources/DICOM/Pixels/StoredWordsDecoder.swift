import Radiography

/// One frame as stored words (`UInt32`, before masking), samples interleaved pixel by pixel,
/// from any pixel codec this module reads. Serves `DICOMDecoder.storedValues`, and films in
/// the layouts the fast 8/16-bit paths do not cover (subsampled YBR, JPEG Baseline).
///
/// Native data of 1, 8, 16 or 32 bits allocated, either byte order, planar or interleaved,
/// and YBR_FULL_422 (two Y, then Cb and Cr, per pair of pixels; chroma repeated to full size).
/// Every size is checked against the bytes present before anything is allocated.
enum StoredWordsDecoder {
    struct Frame {
        /// `rows × columns × samplesPerPixel` words, interleaved.
        var words: [UInt32]
        /// True when the first of three components is luma (YBR, or a JPEG coded in YCbCr).
        let firstComponentIsLuma: Bool
        /// True when pydicom 3 reads the three components as Y, Cb, Cr and so converts them to
        /// RGB by default: Photometric Interpretation YBR_FULL or YBR_FULL_422, which for JPEG
        /// the codestream corrects (`YBRFullToRGB.jpegIsYCbCr`).
        let colourIsYCbCr: Bool
        /// The pixel module to read `words` with: the file's, or for JPEG 2000 and JPEG-LS the
        /// file's with the codestream's precision as Bits Stored (`CodestreamFrame`).
        let module: PixelModule
    }

    static func decode(_ file: ParsedFile, module m: PixelModule, frame: Int, limits: DecodeLimits) throws -> Frame {
        let pixelData = try file.pixelData()
        let syntax = file.syntax
        guard syntax.isReadable else { throw syntax.refusal }
        guard (1...m.numberOfFrames).contains(frame) else {
            throw FilmError(.malformed, "DICOM: frame \(frame) was asked for but the file has \(m.numberOfFrames) frame\(m.numberOfFrames == 1 ? "" : "s")")
        }
        let ybrLuma = m.photometric == .ybrFull || m.photometric == .ybrFull422
        let ybr = ybrLuma && m.samplesPerPixel == 3
        switch syntax.pixelCodec {
        case .native:
            guard !pixelData.hasUndefinedLength else {
                throw FilmError(.malformed, "DICOM: Pixel Data is encapsulated (undefined length) but transfer syntax \(syntax.uid) (\(syntax.name)) stores it uncompressed")
            }
            let words = try native(file.bytes, module: m, element: pixelData, index: frame - 1, bigEndian: syntax.byteOrder == .big)
            return Frame(words: words, firstComponentIsLuma: ybrLuma, colourIsYCbCr: ybr, module: m)
        case .rle:
            // Several fragments per frame are joined, as in `DICOMDecoder.decode`.
            let fragments = try DICOMDecoder.encapsulatedFragments(pixelData, frame: frame, module: m, syntax: syntax, bytes: file.bytes)
            let joined = fragments.count == 1 ? nil : fragments.flatMap { file.bytes[$0] }
            let planes = try RLEPixelDecoder.planes(joined ?? file.bytes, fragment: joined.map { 0..<$0.count } ?? fragments[0],
                                                    module: m, as: UInt32.self)
            return Frame(words: interleave(planes, m), firstComponentIsLuma: ybrLuma, colourIsYCbCr: ybr, module: m)
        case .jpegLossless:
            guard m.bitsAllocated <= 16 else {
                throw FilmError(.unsupported, "DICOM: JPEG Lossless with Bits Allocated \(m.bitsAllocated) is not supported")
            }
            let codestream = try DICOMDecoder.codestream(pixelData, frame: frame, module: m, syntax: syntax, bytes: file.bytes)
            let planes = try JPEGLosslessDecoder.decode(codestream, rows: m.rows, columns: m.columns, components: m.samplesPerPixel)
            return Frame(words: interleave(planes.map(UInt32.init), m), firstComponentIsLuma: ybrLuma, colourIsYCbCr: ybr, module: m)
        case .jpegBaseline:
            let codestream = try DICOMDecoder.codestream(pixelData, frame: frame, module: m, syntax: syntax, bytes: file.bytes)
            let decoded = try JPEGBaselineDecoder.decode(codestream, module: m, limits: limits)
            return Frame(words: decoded.samples.map(UInt32.init), firstComponentIsLuma: decoded.isYCbCr,
                         colourIsYCbCr: YBRFullToRGB.jpegIsYCbCr(codestream, module: m), module: m)
        case .jpegExtended:
            let codestream = try DICOMDecoder.codestream(pixelData, frame: frame, module: m, syntax: syntax, bytes: file.bytes)
            let decoded = try JPEGSequentialDecoder.decode(codestream, rows: m.rows, columns: m.columns,
                                                           components: m.samplesPerPixel, codec: syntax.name)
            guard decoded.precision <= m.bitsAllocated else {
                throw FilmError(.malformed, "DICOM: \(syntax.name): the frame holds \(decoded.precision)-bit samples, more than Bits Allocated \(m.bitsAllocated)")
            }
            return Frame(words: decoded.words, firstComponentIsLuma: decoded.isYCbCr,
                         colourIsYCbCr: YBRFullToRGB.jpegIsYCbCr(codestream, module: m), module: m)
        case .jpeg2000, .htj2k:
            let codestream = try DICOMDecoder.codestream(pixelData, frame: frame, module: m, syntax: syntax, bytes: file.bytes)
            let decoded = try JPEG2000Decoder.decode(codestream, module: m, limits: limits, codec: syntax.name)
            // OpenJPEG has undone any colour transform: three components are RGB or as stored.
            return Frame(words: decoded.words, firstComponentIsLuma: ybrLuma, colourIsYCbCr: ybr, module: decoded.module(for: m))
        case .jpegLS:
            let codestream = try DICOMDecoder.codestream(pixelData, frame: frame, module: m, syntax: syntax, bytes: file.bytes)
            let decoded = try JPEGLSDecoder.decode(codestream, module: m, limits: limits, codec: syntax.name)
            return Frame(words: decoded.words, firstComponentIsLuma: ybrLuma, colourIsYCbCr: ybr, module: decoded.module(for: m))
        default:
            throw syntax.refusal
        }
    }

    /// Planes (component-major, as RLE and JPEG Lossless produce them) to interleaved order.
    private static func interleave(_ planes: [UInt32], _ m: PixelModule) -> [UInt32] {
        let spp = m.samplesPerPixel
        guard spp > 1 else { return planes }
        let count = m.rows * m.columns
        return [UInt32](unsafeUninitializedCapacity: planes.count) { out, initialised in
            planes.withUnsafeBufferPointer { src in
                for c in 0..<spp { for i in 0..<count { out[i &* spp &+ c] = src[c &* count &+ i] } }
            }
            initialised = planes.count
        }
    }

    /// Native (uncompressed) frame `index` (0-based).
    private static func native(_ bytes: [UInt8], module m: PixelModule, element: DataElement, index: Int,
                               bigEndian: Bool) throws -> [UInt32] {
        let pixels = m.rows * m.columns
        let subsampled = m.photometric == .ybrFull422
        if subsampled, m.columns % 2 != 0 {
            throw FilmError(.malformed, "DICOM: YBR_FULL_422 needs an even number of columns, not \(m.columns)")
        }
        // Samples in one frame as stored: YBR_FULL_422 keeps 4 samples per 2 pixels.
        let stored = subsampled ? 2 * pixels : pixels * m.samplesPerPixel  // ≤ 3 × DecodeLimits.maxPixels
        let value = element.value
        let (frameBits, o1) = stored.multipliedReportingOverflow(by: m.bitsAllocated)
        let (allBits, o2) = frameBits.multipliedReportingOverflow(by: m.numberOfFrames)
        // Bytes needed, rounded up without `allBits + 7`, which overflows for a lying frame count.
        let allBytes = allBits / 8 + (allBits % 8 == 0 ? 0 : 1)
        guard !o1, !o2, allBytes <= value.count else {
            let frames = m.numberOfFrames == 1 ? "" : " × \(m.numberOfFrames) frames"
            throw FilmError(.truncated, "DICOM: Pixel Data holds \(value.count) bytes but \(m.columns)×\(m.rows) pixels\(frames) × \(m.samplesPerPixel) samples × \(m.bitsAllocated) bits need \(o1 || o2 ? "more" : String(allBytes))")
        }
        // 8-bit (and 1-bit) data in an OW element of a big-endian file is byte-swapped in pairs.
        let swapPairs = bigEndian && element.vr == .OW
        let firstBit = index * frameBits
        var samples = [UInt32](repeating: 0, count: stored)
        bytes.withUnsafeBufferPointer { src in
            samples.withUnsafeMutableBufferPointer { out in
                let base = value.lowerBound
                @inline(__always) func byte(_ k: Int) -> UInt32 {  // k counted from the element start
                    UInt32(src[base &+ (swapPairs ? k ^ 1 : k)])
                }
                switch m.bitsAllocated {
                case 1:
                    for i in 0..<stored {
                        let bit = firstBit &+ i
                        out[i] = (byte(bit >> 3) >> UInt32(bit & 7)) & 1
                    }
                case 8:
                    let first = firstBit / 8
                    for i in 0..<stored { out[i] = byte(first &+ i) }
                case 16:
                    let first = base + firstBit / 8
                    for i in 0..<stored {
                        let lo = UInt32(src[first &+ 2 &* i]), hi = UInt32(src[first &+ 2 &* i &+ 1])
                        out[i] = bigEndian ? lo << 8 | hi : hi << 8 | lo
                    }
                default:
                    let first = base + firstBit / 8
                    for i in 0..<stored {
                        var v: UInt32 = 0
                        for k in 0..<4 {
                            let b = UInt32(src[first &+ 4 &* i &+ (bigEndian ? 3 - k : k)])
                            v |= b << UInt32(8 * k)
                        }
                        out[i] = v
                    }
                }
            }
        }
        if subsampled {
            // Y0 Y1 Cb Cr → Y0 Cb Cr, Y1 Cb Cr.
            return [UInt32](unsafeUninitializedCapacity: pixels * 3) { out, initialised in
                for p in 0..<(pixels / 2) {
                    let y0 = samples[4 * p], y1 = samples[4 * p + 1], cb = samples[4 * p + 2], cr = samples[4 * p + 3]
                    out[6 * p] = y0; out[6 * p + 1] = cb; out[6 * p + 2] = cr
                    out[6 * p + 3] = y1; out[6 * p + 4] = cb; out[6 * p + 5] = cr
                }
                initialised = pixels * 3
            }
        }
        if m.isPlanar {
            return [UInt32](unsafeUninitializedCapacity: stored) { out, initialised in
                for c in 0..<3 { for i in 0..<pixels { out[3 * i + c] = samples[c * pixels + i] } }
                initialised = stored
            }
        }
        return samples
    }
}
