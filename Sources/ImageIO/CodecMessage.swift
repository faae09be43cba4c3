import _CCodecs
import Radiography

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
    init(codec: String, _ message: String) {
        self.init("\(codec): \(message)")
    }
}

/// Runs a header check from `Radiography` and prefixes its message with the codec name.
func checkLimits(_ limits: DecodeLimits, width: Int, height: Int, codec: String) throws {
    do {
        try limits.checkDimensions(width: width, height: height)
    } catch let error as FilmError {
        throw FilmError(codec: codec, error.message)
    }
}
