// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that the main build never compiles the benchmark
// plugin (../../shared/TOOLCHAIN-NOTES.md: ~70 s instead of ~25 s for a release build).
//
// - `swift package benchmark` (ordo-one/benchmark): per-stage and end-to-end benchmarks on
//   phantoms of 1024², 2048², 3000² and 4096², and batch throughput with 1 and 2 jobs.
// - `detect-stages`: the same measurements as plain numbers, for `run` and `peers/compare.py`.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "detect-benchmarks",
    dependencies: [
        .package(name: "detect", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The benchmark films (phantoms written once into .films/) and the timed runs.
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "DetectCore", package: "detect")],
            swiftSettings: optimised
        ),
        .executableTarget(
            name: "detect-stages",
            dependencies: ["BenchSupport", .product(name: "DetectCore", package: "detect")],
            swiftSettings: optimised
        ),
        .executableTarget(
            name: "DetectBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "DetectCore", package: "detect"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DetectBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
