import Foundation
import XCTest

/// Runs `detect` for the batch tests: with an environment of our choosing (Slurm and Kubernetes
/// variables), or in the background so that a test can kill it part way.
enum BatchProcess {
    /// `detect` with these arguments in `folder`, with the scheduler variables of this
    /// environment removed and `environment` added.
    static func configured(_ arguments: [String], environment: [String: String], in folder: URL) -> Process {
        let process = Process()
        process.executableURL = DetectProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        for key in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX"] {
            env[key] = nil
        }
        env.merge(environment) { $1 }
        process.environment = env
        return process
    }

    static func start(_ arguments: [String], environment: [String: String] = [:], in folder: URL) throws -> Process {
        let process = configured(arguments, environment: environment, in: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs to the end in `folder`, returning the exit status and standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                    in folder: URL) throws -> (status: Int32, stderr: String, stdout: String) {
        let process = configured(arguments, environment: environment, in: folder)
        // Captured in files outside `folder`, which the batch may be walking.
        let scratch = FileManager.default.temporaryDirectory
        let errorFile = scratch.appendingPathComponent("detect-stderr-\(UUID().uuidString)")
        let outputFile = scratch.appendingPathComponent("detect-stdout-\(UUID().uuidString)")
        try Data().write(to: errorFile)
        try Data().write(to: outputFile)
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let outputHandle = try FileHandle(forWritingTo: outputFile)
        process.standardError = errorHandle
        process.standardOutput = outputHandle
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try errorHandle.close()
        try outputHandle.close()
        defer {
            try? FileManager.default.removeItem(at: errorFile)
            try? FileManager.default.removeItem(at: outputFile)
        }
        XCTAssertEqual(process.terminationReason, .exit, "detect crashed: \(arguments)")
        return (process.terminationStatus,
                try String(contentsOf: errorFile, encoding: .utf8),
                try String(contentsOf: outputFile, encoding: .utf8))
    }

    /// `detect phantom` films, `count` seeds from `firstSeed`, written as `name<seed>.png` in `folder`.
    static func phantoms(_ count: Int, firstSeed: UInt64 = 1, width: Int = 256, height: Int = 320,
                         into folder: URL, format: String = "png", prefix: String = "film") throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for seed in firstSeed..<firstSeed + UInt64(count) {
            let result = try run(["phantom", "--width", "\(width)", "--height", "\(height)", "--seed", "\(seed)",
                                  "--format", format, "--output", folder.path, "--name", "\(prefix)\(seed)"], in: folder)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        // The phantoms' truth masks are PNGs too; the tests want films only.
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("truth"))
    }

    /// The complete lines of a JSON Lines file, each parsed.
    static func lines(_ url: URL) throws -> [(text: String, object: [String: Any])] {
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.isEmpty || text.hasSuffix("\n"), "\(url.lastPathComponent) ends with an unfinished line")
        return try text.split(separator: "\n").map { line in
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                                       "not a JSON object: \(line.prefix(80))")
            return (String(line), object)
        }
    }
}
