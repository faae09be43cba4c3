#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ImageIO
import Radiography

/// A results file that grows by whole records: each record (a JSON line, a CSV row, a film's
/// deposit rows) goes to the kernel in one `write(2)` on an `O_APPEND` descriptor, so a process
/// killed at any moment leaves only complete records behind, or at worst one unfinished record
/// at the very end (a write the kernel split, a power cut), which `ResumeLedger` and
/// `CSVRecords.resume` drop before appending again.
///
/// Records are not `fsync`ed one by one (a few ms each on a disk); `sync()` is called every
/// few seconds by the batch and at the end, which is what a power cut can cost.
public final class AppendOnlyFile: @unchecked Sendable {
    private let descriptor: Int32

    /// Opens `path` for appending; `truncate` empties it first (a new run without `--resume`).
    public init(path: String, truncate: Bool) throws {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        descriptor = open(path, flags, 0o666)
        guard descriptor >= 0 else { throw FilmError(.io, "cannot open for writing: \(String(cString: strerror(errno)))") }
    }

    /// The standard output, for `--format jsonl` without `--output`.
    public init(standardOutput: ()) {
        descriptor = 1
    }

    deinit {
        if descriptor > 2 { close(descriptor) }
    }

    public func append(_ text: String) throws {
        try FileDescriptorWriter.writeAll(Array(text.utf8), to: descriptor)
    }

    /// Best effort: the standard output may be a pipe, which has nothing to sync.
    public func sync() {
        _ = fsync(descriptor)
    }
}
