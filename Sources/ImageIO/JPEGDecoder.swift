import _CCodecs
import Radiography

/// Reads a JPEG into a `Radiograph` with libjpeg(-turbo) (through the `_CCodecs` shim).
///
/// - 8-bit grayscale as is; colour (YCbCr or RGB) as libjpeg's grayscale output, which for
///   YCbCr is the Y plane, i.e. Rec. 601 luma. `bitsStored` is 8.
/// - Refused: CMYK/YCCK (no meaningful luminance for a film), 12-bit and lossless JPEG (this
///   libjpeg build decodes 8-bit only; DICOM carries those, and the DICOM module owns them).
/// - Truncated or corrupt entropy data is an error, not libjpeg's grey fill.
/// - Spacing is always unknown: JFIF density describes a print or a screen, is 72 or 96 dpi in
///   almost every file, and is not the detector's pixel pitch.
public enum JPEGDecoder {
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = .standard) throws -> Radiograph {
        guard !bytes.isEmpty else { throw FilmError(.truncated, codec: "JPEG", "file is empty") }
        guard bytes.count <= limits.maxFileBytes else {
            throw FilmError.overLimit(.fileBytes, "file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes) bytes").prefixed("JPEG: ")
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            var header = ccodecs_jpeg_header()
            var message = ccodecs_message()
            guard let reader = ccodecs_jpeg_open(buffer.baseAddress, buffer.count, workingMemory(for: limits), &header, &message) else {
                throw FilmError(codec: "JPEG", shim: message.string)
            }
            defer { ccodecs_jpeg_close(reader) }
            switch Int(header.color_space) {
            case Int(CCODECS_JPEG_GRAY), Int(CCODECS_JPEG_YCBCR), Int(CCODECS_JPEG_RGB):
                break
            case Int(CCODECS_JPEG_CMYK), Int(CCODECS_JPEG_YCCK):
                throw FilmError(.unsupported, codec: "JPEG", "CMYK/YCCK colour is not supported (print separations are not radiographs)")
            default:
                throw FilmError(.unsupported, codec: "JPEG", "\(header.components)-component image of unknown colour space is not supported")
            }
            guard header.precision == 8 else {
                throw FilmError(.unsupported, codec: "JPEG", "\(header.precision)-bit samples are not supported (only 8-bit JPEG)")
            }
            let width = Int(header.width)
            let height = Int(header.height)
            try checkLimits(limits, width: width, height: height, codec: "JPEG")

            var status: Int32 = 0
            let pixels = [UInt16](unsafeUninitializedCapacity: width * height) { samples, initialized in
                HugePages.advise(samples)
                status = ccodecs_jpeg_read(reader, samples.baseAddress, samples.count, &message)
                initialized = status == 0 ? samples.count : 0
            }
            guard status == 0 else { throw FilmError(codec: "JPEG", shim: message.string) }
            return Radiograph(width: width, height: height, pixels: pixels, bitsStored: 8, format: .jpeg)
        }
    }

    /// libjpeg's working-memory cap: a progressive colour file keeps every coefficient of every
    /// component (up to 6 bytes per pixel at 4:4:4), so 8 bytes per allowed pixel plus 64 MB of
    /// tables cover every legitimate file within the pixel limit and nothing much beyond it.
    static func workingMemory(for limits: DecodeLimits) -> Int {
        let (perPixel, overflow) = max(limits.maxPixels, 0).multipliedReportingOverflow(by: 8)
        return overflow ? Int.max : perPixel &+ (64 << 20)
    }
}
