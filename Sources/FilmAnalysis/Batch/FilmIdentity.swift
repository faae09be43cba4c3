#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `--resume` compares to decide that a film was already analysed: its path as the batch
/// names it, its size in bytes and its modification time to the nanosecond.
///
/// A film replaced by another file of the same name (re-exported, re-anonymised) has a new size
/// or mtime, so it is analysed again. The mtime is written as an ISO 8601 UTC string with nine
/// decimals (`2026-11-21T08:14:22.123456789Z`) rather than a number of nanoseconds, because
/// 64-bit integers above 2^53 lose digits in JavaScript and spreadsheet JSON readers.
public struct FilmIdentity: Sendable, Hashable {
    public var path: String
    public var size: Int64
    public var modified: String

    public init(path: String, size: Int64, modified: String) {
        self.path = path
        self.size = size
        self.modified = modified
    }

    /// The identity of the file at `path` now, or nil when it cannot be `stat`ed (then the film
    /// is analysed and its error line carries no identity, so a resume tries it again).
    public static func of(path: String) -> FilmIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        #if canImport(Darwin)
        let time = status.st_mtimespec
        #else
        let time = status.st_mtim
        #endif
        return FilmIdentity(path: path, size: Int64(status.st_size), modified: isoTime(seconds: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec)))
    }

    static func isoTime(seconds: Int, nanoseconds: Int) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let nanos = String(nanoseconds)
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2)
            + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2)
            + "." + String(repeating: "0", count: max(0, 9 - nanos.count)) + nanos + "Z"
    }
}
