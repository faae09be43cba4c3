import _CCodecs
import Radiography

/// Writes baseline 8-bit grayscale JPEGs with libjpeg (accurate integer DCT, standard tables
/// scaled by `quality`). Lossy: for previews and test fixtures, never for films to be measured.
public enum JPEGEncoder {
    /// 8-bit grayscale baseline JPEG.
    public static func encode(gray: [UInt8], width: Int, height: Int, quality: Int) throws -> [UInt8] {
        // JPEG's frame header has 16-bit sides, and libjpeg stops at 65500.
        guard (1...65500).contains(width), (1...65500).contains(height) else {
            throw FilmError(.unsupported, codec: "JPEG", "cannot write a \(width)×\(height) image (1…65500 per side)")
        }
        guard width * height == gray.count else {
            throw FilmError(.malformed, codec: "JPEG", "\(gray.count) samples given for a \(width)×\(height) image")
        }
        guard (1...100).contains(quality) else {
            throw FilmError(.malformed, codec: "JPEG", "quality \(quality) is not in 1…100")
        }
        var out = ccodecs_buffer()
        var message = ccodecs_message()
        let status = gray.withUnsafeBufferPointer {
            ccodecs_jpeg_encode_gray($0.baseAddress, UInt32(width), UInt32(height), Int32(quality), &out, &message)
        }
        return try take(&out, status: status, message: message, codec: "JPEG")
    }
}
