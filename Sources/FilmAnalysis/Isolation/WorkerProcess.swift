#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Radiography

/// One worker: a child `detect` process started with `posix_spawn`, its standard input and output
/// pipes to us, its standard error a temporary file (unlinked at once) whose last line names what
/// killed it (a Swift runtime error, say).
///
/// Every descriptor is opened close-on-exec, so a worker never inherits another worker's pipes
/// (a leaked write end would keep a dead worker's pipe open and hide its death).
final class WorkerProcess: @unchecked Sendable {
    let pid: pid_t
    private let toWorker: Int32
    private let fromWorker: Int32
    private let errors: Int32
    private var reaped = false
    private static let spawnLock = NSLock()

    /// Starts `executable arguments…` with `environment`; throws a message when it cannot.
    init(executable: String, arguments: [String], environment: [String: String]) throws {
        // pipe() then FD_CLOEXEC is not atomic: under this lock no other worker is spawned in
        // between, so none inherits these descriptors.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        guard pipe(&input) == 0 else { throw FilmError(.io, "cannot create a pipe for a worker: \(String(cString: strerror(errno)))") }
        guard pipe(&output) == 0 else {
            close(input[0]); close(input[1])
            throw FilmError(.io, "cannot create a pipe for a worker: \(String(cString: strerror(errno)))")
        }
        var template = Array((NSTemporaryDirectory() + "/detect-worker-XXXXXX").utf8CString)
        let errorFile = mkstemp(&template)
        if errorFile >= 0 { unlink(template) }
        for fd in input + output + [errorFile] where fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        if errorFile >= 0 {
            posix_spawn_file_actions_adddup2(&actions, errorFile, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(input[0]); close(output[1])
        guard status == 0 else {
            close(input[1]); close(output[0])
            if errorFile >= 0 { close(errorFile) }
            throw FilmError(.io, "cannot start a worker (\(executable)): \(String(cString: strerror(status)))")
        }
        pid = child
        toWorker = input[1]
        fromWorker = output[0]
        errors = errorFile
    }

    deinit {
        close(toWorker); close(fromWorker)
        if errors >= 0 { close(errors) }
        if !reaped { kill(pid, SIGKILL); _ = reap() }
    }

    func send(_ bytes: [UInt8]) -> Bool { PipeFrames.write(bytes, to: toWorker) }

    func receive() -> [UInt8]? { PipeFrames.read(from: fromWorker) }

    /// SIGKILL: for a film over `--timeout` (its pending `receive` then returns nil).
    func terminate() { kill(pid, SIGKILL) }

    /// Closes the worker's input, which ends its loop; waits for it.
    func finish() {
        close(toWorker)
        _ = reap()
    }

    /// Waits for the worker to end and says how it did: "killed by signal 11 (SIGSEGV)",
    /// "exited with status 3", with its last line on standard error when it wrote one.
    func reap() -> String {
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
        reaped = true
        guard result == pid else { return "ended, its status unknown" }
        let signal = status & 0x7F
        var text: String
        if signal != 0 && signal != 0x7F {
            text = "killed by signal \(signal) (\(Self.name(ofSignal: signal)))"
        } else {
            text = "exited with status \((status >> 8) & 0xFF)"
        }
        if let line = lastErrorLine() { text += ": " + line }
        return text
    }

    /// The last line the worker wrote on standard error (at most 300 characters): the Swift
    /// runtime's "Fatal error" line when there is one.
    private func lastErrorLine() -> String? {
        guard errors >= 0 else { return nil }
        let size = lseek(errors, 0, SEEK_END)
        guard size > 0 else { return nil }
        let count = Int(min(size, 4096))
        var buffer = [UInt8](repeating: 0, count: count)
        let got = pread(errors, &buffer, count, size - off_t(count))
        guard got > 0 else { return nil }
        let text = String(decoding: buffer[0..<got], as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        // The Swift runtime prints its message, then a stack trace: the message says more.
        guard let line = lines.last(where: { $0.contains("Fatal error") }) ?? lines.last else { return nil }
        return String(line.trimmingCharacters(in: .whitespaces).prefix(300))
    }

    static func name(ofSignal signal: Int32) -> String {
        switch signal {
        case SIGILL: return "SIGILL: a trap, such as a Swift runtime error"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL: out of memory, or killed"
        case SIGSEGV: return "SIGSEGV"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}
