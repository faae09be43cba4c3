import _CCodecs
import Radiography

// Glue between the C shim and the public API: messages, limit checks, encoder buffers.

extension ccodecs_message {
    /// The NUL-terminated text the C side wrote, or a fallback when it wrote none.
    var string: String {
        let string = withUnsafeBytes(of: text) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return string.isEmpty ? "unknown error" : string
    }
}

extension FilmError {
    /// `"PNG: IDAT: CRC error"`: the codec name first, so a batch log says which decoder spoke.
    init(_ kind: Kind, codec: String, _ message: String) {
        self.init(kind, "\(codec): \(message)")
    }

    /// A failure the C shim reported for `codec` (see `FilmError.codecFailure`).
    init(codec: String, shim message: String) {
        self = FilmError.codecFailure(message).prefixed("\(codec): ")
    }
}

/// Runs a header check from `Radiography` and prefixes its message with the codec name.
func checkLimits(_ limits: DecodeLimits, width: Int, height: Int, codec: String) throws {
    do {
        try limits.checkDimensions(width: width, height: height)
    } catch let error as FilmError {
        throw error.prefixed("\(codec): ")
    }
}

/// Copies an encoder's C buffer into an array and frees it (the C side already freed it on error).
func take(_ buffer: inout ccodecs_buffer, status: Int32, message: ccodecs_message, codec: String) throws -> [UInt8] {
    guard status == 0 else { throw FilmError(codec: codec, shim: message.string) }
    defer { ccodecs_buffer_free(&buffer) }
    guard let bytes = buffer.bytes else { return [] }
    return Array(UnsafeBufferPointer(start: bytes, count: buffer.count))
}
