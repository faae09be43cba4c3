import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import FilmAnalysis

/// `detect _worker`: analyses films for a batch in a process of its own (see `WorkerPool`).
/// Hidden: it speaks length-prefixed JSON on standard input and output, not to a person.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_worker",
        abstract: "Analyse films for a batch, one per message on standard input (internal).",
        shouldDisplay: false)

    func run() throws {
        // Ctrl-C reaches the whole process group; the batch that started this worker handles it
        // (see Interruption) and ends the worker. Dying of it here would be reported as a failed film.
        signal(SIGINT, SIG_IGN)
        let status = WorkerLoop.serve(hint: CommandLineHints.hint(for:))
        if status != 0 { throw ExitCode(status) }
    }
}
