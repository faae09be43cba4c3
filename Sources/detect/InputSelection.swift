import ArgumentParser
import FilmAnalysis
import Foundation

/// How the command line's files and folders become films: shared by `analyze` and `merge`
/// (which walks the same inputs to know which films to expect).
struct InputSelection: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Walk folders recursively (--no-recursive: only the files directly inside).")
    var recursive = true

    @Option(name: .customLong("include"), help: ArgumentHelp(
        "Only films in folders matching this glob (repeatable).",
        discussion: "Globs are matched against the path inside the folder given (knee/a.dcm) and against the file name; * also matches /."))
    var include: [String] = []

    @Option(name: .customLong("exclude"), help: "Leave out files and folders matching this glob (repeatable), e.g. 'truth/*'.")
    var exclude: [String] = []

    @Option(name: .customLong("from-list"), help: "Also read films and folders from this file, one per line ('-': standard input).")
    var fromList: String?

    func walker(avoiding: [String] = []) -> InputWalker {
        var walker = InputWalker()
        walker.recursive = recursive
        walker.include = include
        walker.exclude = exclude
        walker.avoiding = avoiding
        return walker
    }

    /// The command line's inputs followed by the list's.
    func paths(_ arguments: [String]) throws -> [String] {
        guard let fromList else { return arguments }
        let data: Data?
        if fromList == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = FileManager.default.contents(atPath: fromList)
        }
        guard let data else { throw ValidationError("--from-list \(fromList): cannot be read") }
        return arguments + InputWalker.listedPaths(String(decoding: data, as: UTF8.self))
    }
}
