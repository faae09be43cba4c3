// swift-tools-version: 6.1
import Foundation
import PackageDescription

// The pixel kernels use SIMD8<Float> and SIMD16<UInt16>. Without target flags an x86-64 build
// gets SSE2 only: each vector is split in two and every lane select becomes three instructions.
// So on x86-64 the kernels are built for AVX2, FMA and BMI2 (x86-64-v3: Intel since 2013, AMD since
// 2015) when the machine that builds them has those (read from /proc/cpuinfo), which is where a
// package built from source runs. `DETECT_PORTABLE=1 swift build` builds for any x86-64 (for a
// binary to copy to older machines). Results are the same bits either way: Swift never fuses
// a multiply and an add on its own, and the tests compare vector and scalar paths.
let vectorFlags: [String] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["DETECT_PORTABLE"] == "1" { return [] }
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    guard ["avx2", "fma", "bmi2"].allSatisfy(flags.contains) else { return [] }
    return ["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mbmi2"]
    #else
    return []
    #endif
}()

// The pixel kernels are compiled with -O even in debug builds: debug Swift runs them 100–400×
// slower (../shared/TOOLCHAIN-NOTES.md), which would make `swift test` on real-sized films crawl.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"] + vectorFlags)]

let package = Package(
    name: "detect",
    products: [
        .executable(name: "detect", targets: ["detect"]),
        // For Swift programs: one import for the whole public API (Sources/DetectKit/README.md).
        .library(name: "DetectKit", targets: ["DetectKit"]),
        // For benchmarks/ (a separate package, so the benchmark plugin never slows this build).
        .library(name: "DetectCore", targets: ["Radiography", "ImageIO", "DICOM", "Detection", "Classification", "Reporting", "Phantom", "FilmAnalysis"]),
    ],
    dependencies: [
        // The command line: subcommands, options, help and usage errors with exit code 2.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Internal C shim over libpng, libjpeg, OpenJPEG and CharLS: every setjmp/longjmp stays
        // in C, every library error comes back as a status and a message.
        .target(
            name: "_CCodecs",
            dependencies: ["COpenJPEG", "CCharLS", "CLibdeflate"],
            exclude: ["README.md"],
            linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]
        ),
        // System libraries found through pkg-config (scripts/system-packages installs them).
        // JPEG 2000 and HTJ2K decoding.
        .systemLibrary(name: "COpenJPEG", pkgConfig: "libopenjp2", providers: [.apt(["libopenjp2-7-dev"])]),
        // JPEG-LS decoding.
        .systemLibrary(name: "CCharLS", pkgConfig: "charls", providers: [.apt(["libcharls-dev"])]),
        // Whole-buffer inflate and CRC-32: the fast PNG path and deflated DICOM data sets.
        .systemLibrary(name: "CLibdeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // The value every decoder produces and everything downstream consumes.
        .target(name: "Radiography", exclude: ["README.md"]),
        // Format sniffing, PNG and JPEG decoding into Radiograph, PNG/JPEG encoding.
        .target(name: "ImageIO", dependencies: ["_CCodecs", "Radiography"], exclude: ["README.md"]),
        // Our own DICOM Part 10 reader (and the small writer the phantoms use).
        .target(name: "DICOM", dependencies: ["_CCodecs", "Radiography"], exclude: ["README.md"], swiftSettings: optimised),
        // SIMD + Dispatch kernels: background, threshold, labelling, per-deposit statistics.
        .target(name: "Detection", dependencies: ["Radiography"], exclude: ["README.md"], swiftSettings: optimised),
        // Distribution label and clinical subtype, from measures and clinical facts only.
        .target(name: "Classification", dependencies: ["Detection", "Radiography"], exclude: ["README.md"]),
        // Report value, JSON / JSONL / CSV / text writers, overlay renderer.
        .target(
            name: "Reporting",
            dependencies: ["Radiography", "Detection", "Classification", "ImageIO"],
            exclude: ["README.md"],
            swiftSettings: optimised
        ),
        // Radiograph-like films with known truth.
        .target(name: "Phantom", dependencies: ["Radiography", "ImageIO", "DICOM"], exclude: ["README.md"], swiftSettings: optimised),
        // One film end to end: bytes → Radiograph → deposits → distribution → report.
        .target(
            name: "FilmAnalysis",
            dependencies: ["Radiography", "ImageIO", "DICOM", "Detection", "Classification", "Reporting"],
            exclude: ["README.md"]
        ),
        // The front door: re-exports every public module above (no code of its own).
        .target(
            name: "DetectKit",
            dependencies: ["Radiography", "ImageIO", "DICOM", "Detection", "Classification", "Reporting", "FilmAnalysis"],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "detect",
            dependencies: [
                "FilmAnalysis", "Phantom", "Reporting", "ImageIO", "DICOM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),

        // libFuzzer targets (scripts/fuzz): libFuzzer's driver under -DFUZZ_DRIVER, a replayer of
        // files otherwise. Not part of the `detect` product.
        .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzDICOM", dependencies: ["FuzzSupport", "DICOM", "Radiography"], path: "Fuzz/FuzzDICOM"),
        .executableTarget(name: "FuzzImage", dependencies: ["FuzzSupport", "ImageIO", "Radiography"], path: "Fuzz/FuzzImage"),
        .executableTarget(
            name: "FuzzPipeline",
            dependencies: ["FuzzSupport", "FilmAnalysis", "Detection", "Classification", "Reporting", "Radiography"],
            path: "Fuzz/FuzzPipeline"
        ),
        // Whole pipeline on well-formed films whose header numbers and parameters lie (issue 12).
        .executableTarget(
            name: "FuzzHeaders",
            dependencies: ["FuzzSupport", "FilmAnalysis", "DICOM", "Detection", "Classification", "Reporting", "Radiography"],
            path: "Fuzz/FuzzHeaders"
        ),

        // What several test targets share: seeded randomness, small films, hand-made data sets,
        // byte patching, FilmError assertions, a .npy reader (one copy instead of one per target).
        .target(name: "TestSupport", dependencies: ["Radiography", "ImageIO", "DICOM", "Phantom"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ImageIOTests", dependencies: ["ImageIO", "Radiography", "Phantom", "TestSupport"],
            exclude: ["make_fixtures.py", "make_jpeg_fixtures.py"], resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DICOMTests", dependencies: ["DICOM", "Radiography", "Phantom", "TestSupport"],
            exclude: ["make_fixtures.py"], resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "Radiography", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ClassificationTests", dependencies: ["Classification", "Detection"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "ImageIO", "Detection", "Classification", "Radiography"]),
        .testTarget(name: "PhantomTests", dependencies: ["Phantom", "ImageIO", "DICOM", "Radiography"]),
        // The distribution classifier on phantoms (typical and hard scenarios) through the real detector.
        .testTarget(name: "DistributionValidationTests", dependencies: ["Phantom", "Detection", "Classification", "Radiography"]),
        .testTarget(name: "FilmAnalysisTests", dependencies: ["FilmAnalysis", "Reporting", "Radiography"]),
        // Hostile input: truncations, byte changes, lying lengths and sizes, cut and corrupted
        // codec streams, limits, fuzzer regressions, atomic writes (issue 7).
        .testTarget(
            name: "MalformedInputTests",
            dependencies: ["DICOM", "ImageIO", "FilmAnalysis", "Detection", "Classification", "Reporting", "Radiography", "Phantom", "TestSupport"],
            exclude: ["Regressions"]
        ),
        // The library as a Swift program sees it: only `import DetectKit` (and the README's example).
        .testTarget(name: "DetectKitTests", dependencies: ["DetectKit"]),
        // Runs the built `detect` executable on sample-images/ and scores it against the truth.
        .testTarget(name: "EndToEndTests", dependencies: ["detect", "TestSupport"], exclude: ["ConvertExpected"]),
    ]
)
