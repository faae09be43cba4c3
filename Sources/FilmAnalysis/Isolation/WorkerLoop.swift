#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Radiography

/// The loop a worker process runs: the setup, then one film per message until its input closes.
public enum WorkerLoop {
    /// Test-only switches, honoured here and nowhere else (never in an in-process run): a film
    /// whose path contains `DETECT_TEST_CRASH_ON` makes the worker raise SIGSEGV, as a decoder
    /// crash would; `DETECT_TEST_TRAP_ON`, a Swift runtime trap (as a Double→Int conversion of
    /// infinity would); `DETECT_TEST_KILL_ON`, SIGKILL (what the kernel's out-of-memory killer
    /// sends); `DETECT_TEST_HANG_ON`, sleep for ever.
    public static let crashSwitch = "DETECT_TEST_CRASH_ON"
    public static let killSwitch = "DETECT_TEST_KILL_ON"
    public static let trapSwitch = "DETECT_TEST_TRAP_ON"
    public static let hangSwitch = "DETECT_TEST_HANG_ON"

    /// Returns the process's exit status: 0 when its input closed, 3 when the setup failed.
    /// `hint` is the front end's (`FilmAnalyzer.hint`): the parent's films and the workers' read alike.
    public static func serve(input: Int32 = 0, output: Int32 = 1,
                             hint: @escaping @Sendable (FilmError) -> String? = { _ in nil }) -> Int32 {
        guard let setupBytes = PipeFrames.read(from: input) else { return 0 }
        guard let setup = WorkerCoding.decode(WorkerSetup.self, setupBytes) else {
            FileHandle.standardError.write(Data("detect worker: unreadable setup message\n".utf8))
            return 3
        }
        var job: FilmJob
        do {
            job = try setup.job()
            job.analyzer.hint = hint
        } catch {
            FileHandle.standardError.write(Data("detect worker: \(error)\n".utf8))
            return 3
        }
        // Ready: the pool starts a film's clock only after this.
        guard PipeFrames.write([], to: output) else { return 0 }
        let environment = ProcessInfo.processInfo.environment
        let crashOn = environment[crashSwitch].flatMap { $0.isEmpty ? nil : $0 }
        let hangOn = environment[hangSwitch].flatMap { $0.isEmpty ? nil : $0 }
        let trapOn = environment[trapSwitch].flatMap { $0.isEmpty ? nil : $0 }
        let killOn = environment[killSwitch].flatMap { $0.isEmpty ? nil : $0 }
        while let bytes = PipeFrames.read(from: input) {
            guard let request = WorkerCoding.decode(WorkerRequest.self, bytes) else {
                FileHandle.standardError.write(Data("detect worker: unreadable request\n".utf8))
                return 3
            }
            if let crashOn, request.path.contains(crashOn) {
                FileHandle.standardError.write(Data("detect worker: \(crashSwitch) matches \(request.path): raising SIGSEGV\n".utf8))
                // The default action, whatever handler a sanitizer installed: die by the signal.
                signal(SIGSEGV, SIG_DFL)
                raise(SIGSEGV)
            }
            if let killOn, request.path.contains(killOn) {
                raise(SIGKILL)
            }
            if let trapOn, request.path.contains(trapOn) {
                preconditionFailure("\(trapSwitch) matches \(request.path)")
            }
            if let hangOn, request.path.contains(hangOn) {
                while true { sleep(1000) }
            }
            let outcome = job.run(path: request.path, files: request.files)
            guard PipeFrames.write(WorkerCoding.encode(outcome), to: output) else { return 0 }
        }
        return 0
    }
}
