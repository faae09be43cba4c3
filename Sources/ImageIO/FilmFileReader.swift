#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Radiography

/// Reads a whole film file into memory, never more than `DecodeLimits.maxFileBytes`.
///
/// Only regular files are read: a device (`/dev/zero`, `/dev/urandom`), a FIFO or a socket has
/// no size to check first and may never end, so reading one "to the end" would grow memory
/// without bound or block forever. The file is opened non-blocking (opening a FIFO without a
/// writer would block) and checked with `fstat` on the open descriptor, so a path swapped
/// between the check and the read is still the file checked. Reads stop one byte past the size
/// `fstat` gave, so a file that grows while being read is refused rather than read on.
/// Errors are `FilmError`s without the path (the caller adds it).
public enum FilmFileReader {
    public static func read(path: String, limits: DecodeLimits = .standard) throws -> [UInt8] {
        guard !path.utf8.contains(0) else { throw FilmError(.io, "the path contains a NUL character") }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case ENOENT: throw FilmError(.io, "no such file")
            case EACCES: throw FilmError(.io, "cannot be opened for reading (permission denied)")
            default: throw FilmError(.io, "cannot be opened for reading (\(String(cString: strerror(code))))")
            }
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FilmError(.io, "cannot be examined (\(String(cString: strerror(errno))))") }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FilmError(.io, "is a folder, not a film")
        default: throw FilmError(.io, "is not a regular file (a device, pipe or socket), so it is not read")
        }
        let size = Int(status.st_size)
        guard size <= limits.maxFileBytes else {
            throw FilmError.overLimit(.fileBytes, "file is \(size) bytes, over the limit of \(limits.maxFileBytes) bytes")
        }
        guard size > 0 else { throw FilmError(.truncated, "file is empty") }
        // One spare byte tells a file that grew since fstat from one that did not.
        // Uninitialised: read(2) writes every byte that is kept, and zero-filling first would
        // touch every page twice.
        var failure: FilmError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialised in
            HugePages.advise(buffer)
            var filled = 0
            while filled < buffer.count {
                let n = systemRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if n > 0 { filled += n; continue }
                if n == 0 { break }
                if errno == EINTR { continue }
                failure = FilmError(.io, "read failed (\(String(cString: strerror(errno))))")
                break
            }
            initialised = failure == nil ? filled : 0
        }
        if let failure { throw failure }
        guard bytes.count <= size else {
            throw FilmError(.io, "file grew while it was being read (from \(size) bytes); read it again when it is complete")
        }
        return bytes
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }
}
