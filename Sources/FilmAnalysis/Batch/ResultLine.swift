import Reporting

/// The JSON Lines record of one film in a batch: `ReportWriter.jsonObject` with two more keys
/// at the end, `file_size` (bytes) and `file_mtime` (ISO 8601 UTC, nanoseconds), the identity
/// `--resume` and `detect merge` match on. Both are null when the file could not be `stat`ed.
public enum ResultLine {
    /// One line, ending with a newline.
    public static func json(_ report: FilmReport, identity: FilmIdentity?) -> String {
        json(object: ReportWriter.jsonObject(report), identity: identity)
    }

    /// The same from the object `ReportWriter.jsonObject` made (in a worker process, say).
    public static func json(object: String, identity: FilmIdentity?) -> String {
        var object = object
        // jsonObject always ends with the object's closing brace; splice the keys before it.
        guard object.last == "}" else { return object + "\n" }
        object.removeLast()
        if let identity {
            object += ",\"file_size\":\(identity.size),\"file_mtime\":\"\(identity.modified)\"}\n"
        } else {
            object += ",\"file_size\":null,\"file_mtime\":null}\n"
        }
        return object
    }

    /// What a line says about its film, or nil when the line is not a JSON object with a `file`.
    public struct Parsed: Sendable {
        public var file: String
        public var ok: Bool
        public var error: String?
        public var identity: FilmIdentity?
    }
}
