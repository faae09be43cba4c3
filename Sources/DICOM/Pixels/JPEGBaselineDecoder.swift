import _CCodecs
import Radiography

/// JPEG Baseline (process 1, 1.2.840.10008.1.2.4.50): 8-bit lossy frames, decoded by the
/// system libjpeg through `_CCodecs`, whose setjmp/longjmp never leaves C.
///
/// Returns the components as coded (no colour conversion): a YCbCr frame gives Y, Cb, Cr with
/// chroma upsampled by libjpeg, as for YBR_FULL_422 films; a frame coded in RGB (Adobe
/// marker without transform, or component ids R, G, B) gives R, G, B. The codestream's own
/// header must agree with the pixel module (size, components, 8 bits); a disagreement is an
/// error rather than a guess, since either could be the wrong one.
enum JPEGBaselineDecoder {
    struct Frame {
        /// `rows × columns × components` bytes, interleaved.
        let samples: [UInt8]
        /// True when the codestream is YCbCr (so component 0 is luma).
        let isYCbCr: Bool
    }

    static func decode(_ codestream: [UInt8], module m: PixelModule, limits: DecodeLimits) throws -> Frame {
        guard m.bitsAllocated == 8, m.bitsStored <= 8, !m.isSigned || m.samplesPerPixel == 1 else {
            throw fail(.malformed, "the pixel module says \(m.bitsStored) of \(m.bitsAllocated) bits\(m.isSigned ? ", signed" : ""), but JPEG Baseline holds 8-bit samples")
        }
        return try codestream.withUnsafeBufferPointer { buffer in
            var header = ccodecs_jpeg_header()
            var message = ccodecs_message()
            // Working memory as ImageIO allows it: 8 bytes per allowed pixel plus 64 MB of tables.
            let (perPixel, overflow) = max(limits.maxPixels, 0).multipliedReportingOverflow(by: 8)
            let memory = overflow ? Int.max : perPixel &+ (64 << 20)
            guard let reader = ccodecs_jpeg_open(buffer.baseAddress, buffer.count, memory, &header, &message) else {
                throw FilmError.codecFailure(message.text()).prefixed("DICOM: JPEG Baseline: ")
            }
            defer { ccodecs_jpeg_close(reader) }
            guard header.precision == 8 else {
                throw fail(.malformed, "the frame holds \(header.precision)-bit samples; JPEG Baseline is 8-bit")
            }
            guard Int(header.width) == m.columns, Int(header.height) == m.rows,
                  Int(header.components) == m.samplesPerPixel else {
                throw fail(.malformed, "the frame is \(header.width)×\(header.height) with \(header.components) component\(header.components == 1 ? "" : "s"), but the file says \(m.columns)×\(m.rows) with \(m.samplesPerPixel)")
            }
            let isYCbCr: Bool
            switch Int(header.color_space) {
            case Int(CCODECS_JPEG_GRAY), Int(CCODECS_JPEG_RGB): isYCbCr = false
            case Int(CCODECS_JPEG_YCBCR): isYCbCr = true
            default: throw fail(.unsupported, "the frame is coded in CMYK/YCCK or an unknown colour space")
            }
            let count = m.rows * m.columns * m.samplesPerPixel
            var status: Int32 = 0
            let samples = [UInt8](unsafeUninitializedCapacity: count) { out, initialised in
                status = ccodecs_jpeg_read_components(reader, out.baseAddress, count, &message)
                initialised = status == 0 ? count : 0
            }
            guard status == 0 else { throw FilmError.codecFailure(message.text()).prefixed("DICOM: JPEG Baseline: ") }
            return Frame(samples: samples, isYCbCr: isYCbCr)
        }
    }

    private static func fail(_ kind: FilmError.Kind, _ what: String) -> FilmError { FilmError(kind, "DICOM: JPEG Baseline: " + what) }
}
