import ArgumentParser
import FilmAnalysis
import Foundation
import ImageIO

/// `detect merge OUT PARTS...`: the shards' JSON Lines outputs into one file, with a check that
/// every film is there exactly once.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the JSON Lines outputs of shards into one file; report films missing, duplicated or failed.",
        discussion: """
            With --expect (the inputs the shards were given, written the same way, with the same \
            --no-recursive/--include/--exclude), the merged file lists the films in the order one \
            unsharded run writes them and films without a line are reported missing. Without it, \
            lines are sorted by path and only duplicates can be found. Exit code 0 when every film \
            is there once and ok, 1 otherwise (the merged file is written either way), 2 for usage.
            """)

    @Argument(help: "The merged JSON Lines file to write (atomically).")
    var output: String

    @Argument(help: "The shards' JSON Lines files.")
    var parts: [String]

    @Option(name: .customLong("expect"), help: "A film or folder the shards were run on (repeatable).")
    var expect: [String] = []

    @OptionGroup var selection: InputSelection

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but the problems.")
    var quiet = false

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the merged file and at least one part: detect merge OUT PART...") }
        if parts.contains(output) { throw ValidationError("the merged file \(output) is also a part; write it elsewhere") }
    }

    func run() throws {
        var texts: [(name: String, text: String)] = []
        var unreadable: [String] = []
        for part in parts {
            guard let data = FileManager.default.contents(atPath: part) else {
                unreadable.append(part)
                FileHandleStandardError.write("detect merge: \(part): cannot be read (a shard that did not run?)\n")
                continue
            }
            texts.append((part, String(decoding: data, as: UTF8.self)))
        }
        var expected: [String]?
        if !expect.isEmpty || selection.fromList != nil {
            let walk = selection.walker().walk(try selection.paths(expect))
            for (path, reason) in walk.unreadable { FileHandleStandardError.write("detect merge: \(path): \(reason)\n") }
            expected = walk.films.map(\.path)
        }
        let merged = BatchMerge.merge(parts: texts, expected: expected)
        try Analyze.makeFolder(holding: output)  // as every output of detect: a missing folder is made
        do {
            try AtomicFile.write(merged.text, to: output)
        } catch {
            FileHandleStandardError.write("detect merge: \(output): not written: \(error)\n")
            throw ExitCode(1)
        }
        func list(_ title: String, _ files: [String]) {
            guard !files.isEmpty else { return }
            FileHandleStandardError.write("detect merge: \(files.count) \(title):\n" + files.map { "  \($0)\n" }.joined())
        }
        for part in merged.unfinishedParts {
            FileHandleStandardError.write("detect merge: \(part): unfinished last line dropped (the shard was stopped; resume it)\n")
        }
        if merged.garbledLines > 0 {
            FileHandleStandardError.write("detect merge: \(merged.garbledLines) lines that are not JSON objects with a \"file\" dropped\n")
        }
        list("films missing (no line in any part)", merged.missing)
        list("films duplicated (the first line kept)", merged.duplicated)
        list("films not expected (kept)", merged.unexpected)
        list("films failed", merged.failed.map { "\($0.file): \($0.error)" })
        if !quiet {
            var line = "detect merge: \(merged.films) films from \(texts.count) parts into \(output)"
            line += "; \(merged.failed.count) failed, \(merged.missing.count) missing, \(merged.duplicated.count) duplicated"
            FileHandleStandardError.write(line + "\n")
        }
        if !merged.isComplete || !unreadable.isEmpty || !merged.unfinishedParts.isEmpty { throw ExitCode(1) }
    }
}
