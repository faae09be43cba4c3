#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Radiography

/// The whole buffer through `write(2)`, retrying after partial writes and EINTR: the one place
/// both `AtomicFile` and the batch's append-only outputs write bytes to a descriptor.
public enum FileDescriptorWriter {
    /// Throws `FilmError(.io, "cannot write: <reason>")`; `errno` still holds the cause.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                #else
                let written = Darwin.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FilmError(.io, "cannot write: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }
}
