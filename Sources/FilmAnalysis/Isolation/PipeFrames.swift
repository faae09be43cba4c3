#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages between `detect` and its worker processes: a 4-byte little-endian length, then that
/// many bytes (JSON). Blocking reads and writes on pipe file descriptors, retried on EINTR; a
/// closed pipe or a short read is `nil` / `false`, which the pool reads as "the worker died".
public enum PipeFrames {
    /// Larger than any report (a film with thousands of deposits renders to a few MB).
    public static let maximumLength = 1 << 30

    public static func write(_ payload: [UInt8], to fd: Int32) -> Bool {
        guard payload.count <= maximumLength else { return false }
        let n = UInt32(payload.count)
        let header: [UInt8] = [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        return writeAll(header, to: fd) && writeAll(payload, to: fd)
    }

    /// The next message, or nil at end of file, on an error or for a length over `maximumLength`.
    public static func read(from fd: Int32) -> [UInt8]? {
        guard let header = readExactly(4, from: fd) else { return nil }
        let n = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
        guard n <= maximumLength else { return nil }
        return n == 0 ? [] : readExactly(n, from: fd)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += written
            }
            return true
        }
    }

    private static func readExactly(_ count: Int, from fd: Int32) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { raw -> Bool in
            var done = 0
            while done < count {
                let got = Glibc.read(fd, raw.baseAddress! + done, count - done)
                if got < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                if got == 0 { return false }
                done += got
            }
            return true
        }
        return ok ? out : nil
    }
}
