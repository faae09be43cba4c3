import Foundation

/// The `main` of every fuzz target: libFuzzer's driver when built with `-DFUZZ_DRIVER` (and
/// `-sanitize=fuzzer`), otherwise a replayer that runs the target once on each file named on
/// the command line (folders: every file inside), so a plain `swift build` links and a crash
/// input found by libFuzzer can be replayed in any build, under a debugger or in a test.
///
/// SwiftPM links executables with its own `main`, so libFuzzer's `main` cannot be used; its
/// `LLVMFuzzerRunDriver` is called instead (../shared/TOOLCHAIN-NOTES.md).
public enum FuzzEntry {
    /// The target's body. A C callback cannot capture context, so it is kept here; set once,
    /// before the driver starts, and only read afterwards.
    nonisolated(unsafe) private static var body: ([UInt8]) -> Void = { _ in }

    /// Never returns: exits with libFuzzer's status, or 0 after replaying every file.
    public static func run(_ target: @escaping ([UInt8]) -> Void) -> Never {
        body = target
        #if FUZZ_DRIVER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput))
        #else
        exit(replay(Array(CommandLine.arguments.dropFirst())))
        #endif
    }

    static func runBody(_ bytes: [UInt8]) { body(bytes) }

    /// Runs the body on every file; returns 0, or 1 when an argument cannot be read.
    static func replay(_ paths: [String]) -> Int32 {
        var status: Int32 = 0
        var count = 0
        for path in paths.filter({ !$0.hasPrefix("-") }) {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("\(file): cannot be read\n".utf8))
                    status = 1
                    continue
                }
                body([UInt8](data))
                count += 1
            }
        }
        print("replayed \(count) input\(count == 1 ? "" : "s") without a crash")
        return status
    }

    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var d: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue
        }
    }
}

#if FUZZ_DRIVER
/// The callback libFuzzer's runtime references by name: its archive's own `main` object needs it
/// to resolve even though `LLVMFuzzerRunDriver` is what runs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.runBody(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's entry for programs that keep their own `main` (compiler-rt FuzzerInterface.h).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
