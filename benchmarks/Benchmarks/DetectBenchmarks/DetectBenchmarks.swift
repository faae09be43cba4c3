import BenchSupport
import Benchmark
import Detection
import FilmAnalysis
import Foundation
import ImageIO
import Radiography

/// ordo-one/benchmark suite: `cd benchmarks && swift package benchmark`.
///
/// - `detect N²`: the detector on a decoded film (wall clock, peak resident memory, mallocs),
///   with the detector's own stage times as custom metrics (µs): background, threshold, label,
///   measure. Time per pixel should be flat from 1024² to 4096².
/// - `decode dicom|png 3000²`: the decoders on the same film.
/// - `batch 3000² jobs J`: 4 films (DICOM and PNG alternating) through `FilmAnalyzer` by J workers;
///   throughput is reported in films per second × 1000 (a custom metric).
///
/// Every metric has a tolerance (a threshold left unset defaults to 0 %: any change fails); the
/// 100 % relative tolerance (2×) matches `benchmarks/run --short`.
let stageMetrics: [BenchmarkMetric] = ["background", "threshold", "label", "measure"].map {
    .custom("\($0) µs", polarity: .prefersSmaller, useScalingFactor: false)
}
let throughputMetric = BenchmarkMetric.custom("films/s ×1000", polarity: .prefersLarger, useScalingFactor: false)
/// 100 % relative tolerance (2×) at the median and p75; a function because the type is not Sendable.
func tolerance() -> BenchmarkThresholds { BenchmarkThresholds(relative: [.p50: 100.0, .p75: 100.0], absolute: [:]) }

func configuration(_ metrics: [BenchmarkMetric], iterations: Int) -> Benchmark.Configuration {
    .init(metrics: metrics, timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(10),
          maxIterations: iterations, thresholds: Dictionary(uniqueKeysWithValues: metrics.map { ($0, tolerance()) }))
}

func load(_ path: String) -> Radiograph {
    do { return try FilmLoader.load(path: path) } catch { fatalError("\(path): \(error)") }
}

let benchmarks: @Sendable () -> Void = {
    for side in BenchFilms.sides {
        Benchmark("detect \(side)²",
                  configuration: configuration([.wallClock, .peakMemoryResident, .mallocCountTotal] + stageMetrics,
                                               iterations: side >= 3000 ? 10 : 25)) { benchmark, film in
            for _ in benchmark.scaledIterations {
                let result = DepositDetector.detect(film)
                for (metric, (_, seconds)) in zip(stageMetrics, result.stageSeconds) {
                    benchmark.measurement(metric, Int(seconds * 1e6))
                }
                blackHole(result)
            }
        } setup: {
            load(try BenchFilms.ensure(side: side).dicom)
        }
    }
    for format in ["dicom", "png"] {
        Benchmark("decode \(format) 3000²", configuration: configuration([.wallClock, .peakMemoryResident], iterations: 20)) { benchmark, path in
            for _ in benchmark.scaledIterations { blackHole(load(path)) }
        } setup: {
            let paths = try BenchFilms.ensure(side: 3000)
            return format == "dicom" ? paths.dicom : paths.png
        }
    }
    // The same PNG from memory through libpng alone: the reference for the libdeflate path.
    Benchmark("decode png 3000² libpng", configuration: configuration([.wallClock, .peakMemoryResident], iterations: 20)) { benchmark, bytes in
        for _ in benchmark.scaledIterations { blackHole(try PNGDecoder.decode(bytes, path: .libpng)) }
    } setup: {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try BenchFilms.ensure(side: 3000).png)))
    }
    Benchmark("decode png 3000² libdeflate", configuration: configuration([.wallClock, .peakMemoryResident], iterations: 20)) { benchmark, bytes in
        for _ in benchmark.scaledIterations { blackHole(try PNGDecoder.decode(bytes)) }
    } setup: {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try BenchFilms.ensure(side: 3000).png)))
    }
    for jobs in [1, 2] {
        Benchmark("batch 3000² jobs \(jobs)",
                  configuration: configuration([.wallClock, .peakMemoryResident, throughputMetric], iterations: 3)) { benchmark, paths in
            for _ in benchmark.scaledIterations {
                let rate = StageTimer.throughput(paths: paths, jobs: jobs)
                benchmark.measurement(throughputMetric, Int(rate * 1000))
            }
        } setup: {
            let paths = try BenchFilms.ensure(side: 3000)
            return (0..<4).map { $0 % 2 == 0 ? paths.dicom : paths.png }
        }
    }
}
