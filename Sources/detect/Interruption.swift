#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// Ctrl-C (SIGINT) during `analyze`: instead of a bare `^C`, one line saying how many films were
/// done, where their results are, and how to go on (`--resume`), then exit code 130 (128 + SIGINT,
/// as a shell reports a process ended by Ctrl-C).
///
/// The signal is taken off its default action and delivered on a dispatch queue, so the handler
/// may lock, write and exit. Workers ignore SIGINT (`WorkerCommand`): the terminal sends it to the
/// whole process group, and a worker dying of it would otherwise be reported, and kept by
/// `--resume`, as a failed film; the handler kills them instead.
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var ok = 0
    private var failed = 0
    private let total: Int
    private let hint: String
    private var source: DispatchSourceSignal?

    /// - Parameters:
    ///   - total: films this run analyses (those already done by an earlier run not counted).
    ///   - hint: where the results are and how to continue, for `message`.
    init(total: Int, hint: String) {
        self.total = total
        self.hint = hint
    }

    /// The hint for a run writing `format` to `output` (nil: standard output).
    static func hint(output: String?, streamed: Bool, resumable: Bool, resuming: Bool) -> String {
        guard let output else {
            return "the results went to standard output. To stop and go on later, write them with --output FILE.jsonl and continue with --resume"
        }
        if resumable {
            let again = resuming ? "run the same command again (with its --resume)" : "run the same command with --resume"
            return "the results of the films done are in \(output). To analyse the rest, \(again): the films done are kept, the others are added"
        }
        if streamed {
            return "the results of the films done are in \(output), but --resume continues only a JSON Lines file: use --output FILE.jsonl to be able to go on"
        }
        return "nothing was written (\(output) is written at the end). To stop and go on later, use --output FILE.jsonl and continue with --resume"
    }

    /// Call with the lock held.
    private var message: String {
        "detect: interrupted (Ctrl-C) after \(ok + failed) of \(total) films (\(ok) ok, \(failed) failed); \(hint)\n"
    }

    /// From now on SIGINT runs `cleanUp` (stop workers, flush files), prints `message` and exits 130.
    func install(cleanUp: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in
            // The lock is never released: no film is written or counted after this (a worker
            // killed by cleanUp must not become an error line that --resume would keep).
            lock.lock()
            cleanUp()
            FileHandleStandardError.write((isatty(2) == 1 ? "\r\u{1B}[K" : "") + message)
            exit(130)
        }
        source.resume()
        self.source = source
    }

    /// Writes one film's records and counts the film, so that an interruption comes before or
    /// after both, never between: the count printed is what the files hold.
    func record(ok filmOK: Bool, _ write: () throws -> Void) rethrows {
        lock.lock(); defer { lock.unlock() }
        try write()
        if filmOK { ok += 1 } else { failed += 1 }
    }
}
