#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Radiography
import Reporting

/// Worker processes that analyse films for a batch, so that a crash, a trap, an out-of-memory
/// kill or a hang in a decoder or a kernel costs one film, not the batch.
///
/// `analyze(index:request:)` is called from `BatchRunner`'s threads (at most `jobs` at once, so
/// at most `jobs` workers): it takes an idle worker or starts one, sends the film, and waits for
/// the answer. A worker that dies (the answer never comes) is reaped and its death becomes the
/// film's error ("worker killed by signal 11 (SIGSEGV)"); the next film starts a new worker.
/// `terminate(index:)` kills the worker of a film that ran over `--timeout`.
public final class WorkerPool: @unchecked Sendable {
    private let executable: String
    private let arguments: [String]
    private let environment: [String: String]
    private let setup: [UInt8]
    /// The formats the batch writes, for the reports of films no worker answered for.
    private let formats: Set<ReportFormat>
    private let lock = NSLock()
    private var idle: [WorkerProcess] = []
    private var busy: [Int: WorkerProcess] = [:]
    /// Workers started so far (replacements included), for tests and the summary.
    public private(set) var started = 0

    /// - Parameters:
    ///   - executable: the `detect` binary (`WorkerPool.currentExecutable`).
    ///   - arguments: the hidden worker command, e.g. `["_worker"]`.
    ///   - setup: sent to each worker first.
    public init(executable: String, arguments: [String], setup: WorkerSetup,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.executable = executable
        self.arguments = arguments
        var environment = environment
        // A worker that traps should die at once, not spend seconds symbolicating a backtrace
        // nobody reads (its last stderr line, the runtime's message, is kept).
        environment["SWIFT_BACKTRACE"] = "enable=no"
        self.environment = environment
        self.setup = WorkerCoding.encode(setup)
        formats = setup.formats
        // A worker that dies while we write to it must be an error on that film, not SIGPIPE
        // ending the batch.
        signal(SIGPIPE, SIG_IGN)
    }

    /// This process's executable, to start workers from.
    public static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    /// Film `index` analysed by a worker: its outcome, or an error outcome naming how the worker died.
    public func analyze(index: Int, request: WorkerRequest) -> FilmJob.Outcome {
        let worker: WorkerProcess
        do {
            worker = try checkOut(index: index)
        } catch {
            return .failure(file: request.path, error: error as? FilmError ?? FilmError(.io, "\(error)"), formats: formats)
        }
        if worker.send(WorkerCoding.encode(request)), let answer = worker.receive(),
           let outcome = WorkerCoding.decode(FilmJob.Outcome.self, answer) {
            checkIn(worker, index: index)
            return outcome
        }
        // No answer: the worker died (or was killed for the timeout). Reap it, and start its
        // replacement now, so that the next film's --timeout does not count a worker's start.
        worker.terminate()
        let how = worker.reap()
        lock.lock(); busy[index] = nil; lock.unlock()
        if let replacement = try? launch() {
            lock.lock(); idle.append(replacement); lock.unlock()
        }
        // A worker dies of what the film made its decoder do (a crash, a trap, memory): the
        // film is the malformed input, as far as anyone can tell from outside.
        return .failure(file: request.path, error: FilmError(.malformed, "worker \(how); the batch went on without this film"), formats: formats)
    }

    /// Starts `count` workers at once and waits until each has loaded its setup, so that no
    /// film's --timeout counts a worker's start (~70 ms: the process, the runtime, the model).
    /// A worker that fails to start here is started again, or its error reported, by the film
    /// that needs it.
    public func prestart(_ count: Int) {
        let started = ManagedWorkers()
        DispatchQueue.concurrentPerform(iterations: max(0, count)) { _ in
            if let worker = try? launch() { started.add(worker) }
        }
        lock.lock(); idle.append(contentsOf: started.all); lock.unlock()
    }

    private final class ManagedWorkers: @unchecked Sendable {
        private let lock = NSLock()
        private var workers: [WorkerProcess] = []
        func add(_ w: WorkerProcess) { lock.lock(); workers.append(w); lock.unlock() }
        var all: [WorkerProcess] { lock.lock(); defer { lock.unlock() }; return workers }
    }

    /// Kills the worker analysing film `index`, if any (the film ran over `--timeout`).
    public func terminate(index: Int) {
        lock.lock(); defer { lock.unlock() }
        busy[index]?.terminate()
    }

    /// Kills every worker, busy or idle (the batch was interrupted and is about to exit).
    public func terminateAll() {
        lock.lock(); defer { lock.unlock() }
        for worker in idle { worker.terminate() }
        for worker in busy.values { worker.terminate() }
    }

    /// Ends the idle workers (closing their input ends their loop) and waits for them.
    public func finish() {
        lock.lock()
        let workers = idle
        idle = []
        lock.unlock()
        for worker in workers { worker.finish() }
    }

    private func checkOut(index: Int) throws -> WorkerProcess {
        lock.lock()
        if let worker = idle.popLast() {
            busy[index] = worker
            lock.unlock()
            return worker
        }
        lock.unlock()
        let worker = try launch()
        lock.lock(); busy[index] = worker; lock.unlock()
        return worker
    }

    /// A new worker that has read its setup and said it is ready; throws how it died otherwise
    /// (a model file that no longer loads, say).
    private func launch() throws -> WorkerProcess {
        lock.lock(); started += 1; lock.unlock()
        let worker = try WorkerProcess(executable: executable, arguments: arguments, environment: environment)
        guard worker.send(setup), worker.receive() != nil else {
            worker.terminate()
            throw FilmError(.malformed, "worker \(worker.reap())")
        }
        return worker
    }

    private func checkIn(_ worker: WorkerProcess, index: Int) {
        lock.lock(); defer { lock.unlock() }
        busy[index] = nil
        idle.append(worker)
    }
}
