import Foundation
import ImageIO
import Radiography

/// The JSON Lines output of an earlier run, read back for `--resume`: which films are done, and
/// the file text to continue from.
///
/// A film is done when a complete line names its path with the size and modification time the
/// file has now. Everything else that would break "each film exactly once" is removed before the
/// run appends: an unfinished last line (the run was killed mid-write), lines for films of this
/// batch whose file has changed since (they are analysed again), second lines for one film, and
/// lines that are not JSON objects. Lines for films outside this batch are kept untouched. When
/// anything is removed the file is rewritten atomically (`AtomicFile`), so a kill during the
/// rewrite leaves the old file.
public struct ResumeLedger {
    public struct Line: Sendable {
        public var text: Substring
        public var parsed: ResultLine.Parsed?
    }

    public private(set) var lines: [Line] = []
    /// Bytes after the last newline: an unfinished line.
    public private(set) var unfinished = ""

    public init() {}

    /// The file at `path`, or an empty ledger when it does not exist.
    public static func read(path: String) throws -> ResumeLedger {
        var ledger = ResumeLedger()
        guard FileManager.default.fileExists(atPath: path) else { return ledger }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BatchUsageError("\(path): cannot be read to resume from")
        }
        let text = String(decoding: data, as: UTF8.self)
        var start = text.startIndex
        while let newline = text[start...].firstIndex(of: "\n") {
            let end = text.index(after: newline)
            let line = text[start..<end]
            ledger.lines.append(Line(text: line, parsed: parse(line)))
            start = end
        }
        ledger.unfinished = String(text[start...])
        return ledger
    }

    public static func parse(_ line: Substring) -> ResultLine.Parsed? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let file = object["file"] as? String else { return nil }
        var identity: FilmIdentity?
        if let size = (object["file_size"] as? NSNumber)?.int64Value, let modified = object["file_mtime"] as? String {
            identity = FilmIdentity(path: file, size: size, modified: modified)
        }
        return ResultLine.Parsed(file: file, ok: object["status"] as? String == "ok",
                                 error: object["error"] as? String, identity: identity)
    }

    /// What resuming this batch means for the file.
    public struct Plan: Sendable {
        /// Films of the batch already done, by path, with whether they were ok.
        public var done: [String: Bool] = [:]
        /// The lines the file should hold before appending (slices of the text read: no copy).
        public var keptLines: [Substring] = []
        /// The text the file should hold before appending.
        public var kept: String { keptLines.joined() }
        /// Why lines were removed (for the user), empty when the file stays as it is.
        public var removed: [String] = []
    }

    /// - Parameter identities: the batch's films and their identity now (nil: not `stat`able).
    public func plan(for identities: [String: FilmIdentity?], retryFailed: Bool = false) -> Plan {
        var plan = Plan()
        var stale = 0, duplicate = 0, garbled = 0
        for line in lines {
            guard let parsed = line.parsed else {
                garbled += 1
                continue
            }
            guard let current = identities[parsed.file] else {
                plan.keptLines.append(line.text)  // another batch's film: not ours to judge
                continue
            }
            if plan.done[parsed.file] != nil {
                duplicate += 1
            } else if let current, parsed.identity == current, parsed.ok || !retryFailed {
                plan.done[parsed.file] = parsed.ok
                plan.keptLines.append(line.text)
            } else {
                stale += 1
            }
        }
        if !unfinished.isEmpty { plan.removed.append("an unfinished last line (the run was stopped while writing it)") }
        if stale > 0 { plan.removed.append("\(stale) line(s) of films changed since, not readable then, or failed (with --retry-failed): analysed again") }
        if duplicate > 0 { plan.removed.append("\(duplicate) second line(s) for one film") }
        if garbled > 0 { plan.removed.append("\(garbled) line(s) that are not JSON objects with a \"file\"") }
        return plan
    }

    /// Writes `plan.kept` over the file when lines were removed.
    public static func apply(_ plan: Plan, to path: String) throws {
        guard !plan.removed.isEmpty else { return }
        try AtomicFile.write(plan.kept, to: path)
    }
}
