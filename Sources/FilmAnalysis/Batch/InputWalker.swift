#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ImageIO
import Radiography

/// Turns files, folders and file lists into the ordered list of films of a batch.
///
/// - A file named directly is always a film, whatever its content (a non-image becomes an error
///   line for it: the user asked for it by name). `--include`/`--exclude` do not apply to it.
/// - A folder contributes the files whose first bytes are DICOM (with or without extension),
///   PNG or JPEG, walked recursively unless `recursive` is false, in byte order of names within
///   each folder (so the order, and every output written in it, is the same on every machine).
///   Other files are counted as skipped.
/// - Symbolic links are followed, but a folder already entered (same device and inode) is not
///   entered again, so link loops end; a folder that cannot be listed is reported and the walk
///   goes on. Folders listed in `avoiding` (the overlay folder) are never entered, so a second
///   run does not analyse the previous run's overlays.
/// - Globs (fnmatch(3), `*` also matches `/`) are tried against the path relative to the folder
///   given and every tail of it after a `/` (so against the bare name too); a folder matching
///   an exclude is not entered.
public struct InputWalker {
    public var recursive = true
    public var include: [String] = []
    public var exclude: [String] = []
    /// Folders never entered (compared by device and inode).
    public var avoiding: [String] = []

    public init() {}

    public struct Walk: Sendable {
        public var films: [BatchInput] = []
        /// Files in folders that are not DICOM, PNG or JPEG (or cannot be opened), with why.
        public var skipped: [(path: String, reason: String)] = []
        /// Files and folders left out by `--exclude`/`--include`, folders seen twice (link loops),
        /// avoided folders: not errors, listed with `--verbose`.
        public var leftOut: [(path: String, reason: String)] = []
        /// Folders that could not be listed: the run reports them and ends with exit code 1,
        /// since films there may have been missed.
        public var unreadable: [(path: String, reason: String)] = []
    }

    private struct Node: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    public func walk(_ inputs: [String]) -> Walk {
        var walk = Walk()
        var visited = Set<Node>()
        var seenPaths = Set<String>()
        let avoided = Set(avoiding.compactMap { Self.node(of: $0) })
        for input in inputs {
            var status = stat()
            guard stat(input, &status) == 0 else {
                // A missing file (or broken link) named directly still gets its error line.
                if seenPaths.insert(input).inserted {
                    walk.films.append(BatchInput(path: input, relativePath: input, foundInFolder: false))
                }
                continue
            }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                visited.insert(Node(device: UInt64(status.st_dev), inode: UInt64(status.st_ino)))
                descend(folder: input, relative: "", walk: &walk, visited: &visited, seenPaths: &seenPaths, avoided: avoided)
            } else if seenPaths.insert(input).inserted {
                walk.films.append(BatchInput(path: input, relativePath: input, foundInFolder: false))
            }
        }
        return walk
    }

    private func descend(folder: String, relative: String, walk: inout Walk, visited: inout Set<Node>,
                         seenPaths: inout Set<String>, avoided: Set<Node>) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            walk.unreadable.append((folder, "folder cannot be read: \(Self.listingError(folder))"))
            return
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = Self.join(folder, name)
            let inner = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            guard stat(path, &status) == 0 else {
                walk.skipped.append((path, "broken symbolic link or vanished file"))
                continue
            }
            let kind = status.st_mode & S_IFMT
            if kind == S_IFDIR {
                let node = Node(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
                if avoided.contains(node) {
                    walk.leftOut.append((path, "the overlay folder"))
                } else if matches(exclude, inner, name) {
                    walk.leftOut.append((path, "excluded"))
                } else if !recursive {
                    walk.leftOut.append((path, "folder not entered (--no-recursive)"))
                } else if !visited.insert(node).inserted {
                    walk.leftOut.append((path, "folder already walked (a symbolic link loop or a second link to it)"))
                } else {
                    descend(folder: path, relative: inner, walk: &walk, visited: &visited, seenPaths: &seenPaths, avoided: avoided)
                }
                continue
            }
            guard kind == S_IFREG else {
                walk.skipped.append((path, "not a regular file"))
                continue
            }
            if matches(exclude, inner, name) || (!include.isEmpty && !matches(include, inner, name)) {
                walk.leftOut.append((path, "excluded"))
                continue
            }
            switch Self.sniff(path) {
            case .film(let format):
                if seenPaths.insert(path).inserted {
                    walk.films.append(BatchInput(path: path, relativePath: inner, foundInFolder: true, format: format))
                }
            case .notFilm:
                walk.skipped.append((path, "not a DICOM, PNG or JPEG file"))
            case .unopenable(let reason):
                walk.skipped.append((path, reason))
            }
        }
    }

    /// True when a pattern matches the relative path or any tail of it that starts at a folder
    /// boundary: `truth/*` matches `knee/truth/a.png`, `*.dcm` matches `knee/a.dcm`, as in
    /// `.gitignore` for patterns without a leading `/`.
    private func matches(_ patterns: [String], _ relative: String, _ name: String) -> Bool {
        guard !patterns.isEmpty else { return false }
        var tails = [relative]
        var rest = Substring(relative)
        while let slash = rest.firstIndex(of: "/") {
            rest = rest[rest.index(after: slash)...]
            tails.append(String(rest))
        }
        return patterns.contains { pattern in tails.contains { fnmatch(pattern, $0, 0) == 0 } }
    }

    private enum Sniff { case film(ImageFormat), notFilm, unopenable(String) }

    /// The format the file's first bytes show (`FormatSniffer`), read as the walk reads those of
    /// the files in a folder; nil when they show none or the file cannot be read.
    public static func format(ofFileAt path: String) -> ImageFormat? {
        if case .film(let format) = sniff(path) { return format }
        return nil
    }

    /// Reads the first 132 bytes: enough for the DICOM preamble and `DICM`.
    private static func sniff(_ path: String) -> Sniff {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .unopenable("cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 132)
        var filled = 0
        while filled < head.count {
            let got = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            filled += got
        }
        return FormatSniffer.format(of: head.prefix(filled)).map(Sniff.film) ?? .notFilm
    }

    private static func node(of path: String) -> Node? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Node(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    private static func listingError(_ folder: String) -> String {
        guard let handle = opendir(folder) else { return String(cString: strerror(errno)) }
        closedir(handle)
        return "listing failed"
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// Lines of a `--from-list` file: one path per line; blank lines and surrounding spaces are
    /// ignored (a path cannot then start or end with a space; such archives are rare).
    public static func listedPaths(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
