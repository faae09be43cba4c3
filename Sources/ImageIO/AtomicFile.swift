#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Radiography

/// Writes to a temporary file in the same folder, then renames over `path`: a crash or a failed
/// write never leaves a half-written file, and a previous file at `path` stays intact on failure.
///
/// The temporary file is `.<name>.<pid>-<random>.tmp` beside the target, because `rename` is
/// atomic only within one file system. The data is `fsync`ed before the rename and the folder
/// after it, so a power cut leaves either the old or the new file. A file replaced keeps its
/// permission bits; a new one gets 0666 minus the umask. A symbolic link at `path` is replaced
/// by the file, not followed. Errors are `FilmError`s without the path (the caller adds it).
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let (folder, name) = try split(path)
        let (descriptor, temporary) = try createTemporary(in: folder, for: name, replacing: path)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            try writeAll(bytes, to: descriptor)
            guard fsync(descriptor) == 0 else { throw failure("cannot flush the file to disk") }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw failure("cannot finish writing the file") }
        guard rename(temporary, path) == 0 else { throw failure("cannot replace the file") }
        renamed = true
        syncFolder(folder)
    }

    public static func write(_ string: String, to path: String) throws {
        try write(Array(string.utf8), to: path)
    }

    /// Makes the folder that `path` goes into, with its parents, when missing: every file detect
    /// writes gets its folder made first. Throws `FilmError(.io)` naming the folder (the caller
    /// adds the path).
    public static func makeFolder(holding path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FilmError(.io, "cannot make its folder \(folder): \((error as NSError).localizedDescription)")
        }
    }

    /// Folder (for the temporary file and the fsync) and the last path component.
    static func split(_ path: String) throws -> (folder: String, name: String) {
        guard !path.isEmpty else { throw FilmError(.io, "cannot write: the path is empty") }
        guard !path.utf8.contains(0) else { throw FilmError(.io, "cannot write: the path contains a NUL character") }
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let name = String(path[path.index(after: slash)...])
        guard !name.isEmpty, name != ".", name != ".." else {
            throw FilmError(.io, "cannot write: the path names a folder, not a file")
        }
        let folder = slash == path.startIndex ? "/" : String(path[..<slash])
        return (folder, name)
    }

    private static func createTemporary(in folder: String, for name: String, replacing path: String) throws -> (Int32, String) {
        // Keep the temporary name within NAME_MAX (255 bytes) whatever the target's length.
        var stem = Substring(name)
        while stem.utf8.count > 180 { stem = stem.dropLast() }
        var mode: mode_t = 0o666
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            mode = status.st_mode & 0o7777
        }
        for _ in 0..<16 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let temporary = "\(folder)/.\(stem).\(getpid())-\(suffix).tmp"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if descriptor >= 0 {
                if mode != 0o666 { _ = fchmod(descriptor, mode) }  // an existing file's exact bits
                return (descriptor, temporary)
            }
            if errno != EEXIST { throw failure("cannot create a file in its folder") }
        }
        throw FilmError(.io, "cannot write: no free temporary name in its folder")
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        do {
            try FileDescriptorWriter.writeAll(bytes, to: descriptor)
        } catch {
            throw failure("cannot write the file")
        }
    }

    /// Makes the rename itself durable. Best effort: some file systems refuse fsync on folders.
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// `"cannot write the file: No space left on device"`, from the current errno.
    private static func failure(_ what: String) -> FilmError {
        FilmError(.io, "\(what): \(String(cString: strerror(errno)))")
    }
}
