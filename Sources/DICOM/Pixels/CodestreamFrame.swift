import _CCodecs
import Radiography

/// One frame decoded from a JPEG 2000 / HTJ2K or JPEG-LS codestream, and the codestream's own
/// word on sample size and sign, which may disagree with the pixel module.
///
/// Who wins, as pydicom 3 decides it (`pixels/decoders/base.py`, `_process_frame`): Pixel
/// Representation decides the sign, and a codestream precision below Bits Stored is the number
/// of meaningful bits (the bits above it were never coded). So a codestream that coded signed
/// 13-bit data as unsigned still gives the signed values a file with Pixel Representation 1
/// means. A precision above Bits Stored (a 16-bit codestream of 14-bit data) leaves Bits Stored
/// as the file says, the values being expected to fit; samples always sit at bit 0, whatever
/// High Bit says. `module(for:)` gives the pixel module to read the words with.
struct CodestreamFrame {
    /// `rows × columns × samplesPerPixel` words, samples of a pixel adjacent: each decoded
    /// integer's two's-complement bits (masked and sign-extended later, like stored words).
    let words: [UInt32]
    /// Bits per sample in the codestream (1…16).
    let precision: Int
    /// The codestream's sign (JPEG 2000 SIZ); JPEG-LS has none and says false.
    let isSigned: Bool

    /// The pixel module to read `words` with: Bits Stored = min(precision, the file's Bits
    /// Stored), High Bit one below it.
    func module(for m: PixelModule) -> PixelModule {
        m.adopting(bitsStored: min(precision, m.bitsStored))
    }

    /// The frame's samples: the header checked against the module, then `read(destination,
    /// count, message)` (0: success) into words allocated only after the check.
    static func read(_ header: ccodecs_coded_header, module m: PixelModule, codec: String, isSigned: Bool,
                     message: inout ccodecs_message,
                     read: (UnsafeMutablePointer<UInt32>?, Int, inout ccodecs_message) -> Int32) throws -> CodestreamFrame {
        try check(header, module: m, codec: codec)
        let count = m.rows * m.columns * m.samplesPerPixel
        var status: Int32 = 0
        var failure = message
        let words = [UInt32](unsafeUninitializedCapacity: count) { out, initialised in
            status = read(out.baseAddress, count, &failure)
            initialised = status == 0 ? count : 0
        }
        message = failure
        guard status == 0 else { throw FilmError.codecFailure(message.text()).prefixed("DICOM: \(codec): ") }
        return CodestreamFrame(words: words, precision: Int(header.precision), isSigned: isSigned)
    }

    /// Checks the codestream header against the pixel module before any sample memory exists.
    static func check(_ h: ccodecs_coded_header, module m: PixelModule, codec: String) throws {
        guard Int(h.width) == m.columns, Int(h.height) == m.rows, Int(h.components) == m.samplesPerPixel else {
            throw FilmError(.malformed, "DICOM: \(codec): the frame is \(h.width)×\(h.height) with \(h.components) component\(h.components == 1 ? "" : "s"), but the file says \(m.columns)×\(m.rows) with \(m.samplesPerPixel)")
        }
        guard Int(h.precision) <= m.bitsAllocated else {
            throw FilmError(.malformed, "DICOM: \(codec): the frame holds \(h.precision)-bit samples, more than Bits Allocated \(m.bitsAllocated)")
        }
    }
}

/// JPEG 2000 Part 1 (…4.90, …4.91) and HTJ2K (…4.201–4.203) frames, decoded by the system
/// OpenJPEG through `_CCodecs`; films of a million pixels or more on one worker per CPU.
enum JPEG2000Decoder {
    static func decode(_ codestream: [UInt8], module m: PixelModule, limits: DecodeLimits, codec: String) throws -> CodestreamFrame {
        try codestream.withUnsafeBufferPointer { buffer in
            var header = ccodecs_coded_header()
            var message = ccodecs_message()
            let threads: Int32 = m.rows * m.columns >= 1 << 20 ? 0 : 1
            guard let reader = ccodecs_j2k_open(buffer.baseAddress, buffer.count, max(limits.maxPixels, 0), threads, &header, &message) else {
                throw FilmError.codecFailure(message.text()).prefixed("DICOM: \(codec): ")
            }
            defer { ccodecs_j2k_close(reader) }
            return try CodestreamFrame.read(header, module: m, codec: codec, isSigned: header.is_signed != 0, message: &message) {
                ccodecs_j2k_read(reader, $0, $1, &$2)
            }
        }
    }
}

/// JPEG-LS lossless and near-lossless (…4.80, …4.81) frames, decoded by the system CharLS
/// through its C API in `_CCodecs`.
enum JPEGLSDecoder {
    static func decode(_ codestream: [UInt8], module m: PixelModule, limits: DecodeLimits, codec: String) throws -> CodestreamFrame {
        try codestream.withUnsafeBufferPointer { buffer in
            var header = ccodecs_coded_header()
            var message = ccodecs_message()
            guard let reader = ccodecs_jpegls_open(buffer.baseAddress, buffer.count, max(limits.maxPixels, 0), &header, &message) else {
                throw FilmError.codecFailure(message.text()).prefixed("DICOM: \(codec): ")
            }
            defer { ccodecs_jpegls_close(reader) }
            return try CodestreamFrame.read(header, module: m, codec: codec, isSigned: false, message: &message) {
                ccodecs_jpegls_read(reader, $0, $1, &$2)
            }
        }
    }
}
