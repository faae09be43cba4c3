import ArgumentParser
import FilmAnalysis

/// `detect _worker`: analyses films for a batch in a process of its own (see `WorkerPool`).
/// Hidden: it speaks length-prefixed JSON on standard input and output, not to a person.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_worker",
        abstract: "Analyse films for a batch, one per message on standard input (internal).",
        shouldDisplay: false)

    func run() throws {
        let status = WorkerLoop.serve(hint: CommandLineHints.hint(for:))
        if status != 0 { throw ExitCode(status) }
    }
}
