import ArgumentParser
import Radiography
#if canImport(Glibc)
import Glibc
#endif

// Large temporary blocks go back to the system when freed (ProcessMemory explains why).
ProcessMemory.keepLargeBlocksMapped()

// Exit codes the users' scripts rely on: 0 every film ok, 1 a film failed, 2 usage.
// ArgumentParser's own code for a usage error is 64; map it to 2.
do {
    var command = try Detect.parseAsRoot()
    try command.run()
} catch let problem as FileProblem {
    FileHandleStandardError.write("detect: \(problem.message)\n")
    exit(2)
} catch {
    let code = Detect.exitCode(for: error)
    if code == .validationFailure {
        FileHandleStandardError.write(Detect.fullMessage(for: error) + "\n")
        exit(2)
    }
    Detect.exit(withError: error)
}
