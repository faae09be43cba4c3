import Dispatch
import FilmAnalysis
import Foundation

/// Timed runs of the whole pipeline through `FilmAnalyzer` (what `detect analyze` does per film).
public enum StageTimer {
    /// The stages `FilmAnalyzer` reports, in pipeline order.
    public static let stages = ["decode", "background", "threshold", "label", "measure", "classify"]

    /// Median seconds per stage over `repeats` analyses of one file (after one warm-up run).
    public static func medians(path: String, repeats: Int, analyzer: FilmAnalyzer = FilmAnalyzer()) throws -> [String: Double] {
        var samples: [String: [Double]] = [:]
        for run in 0...max(1, repeats) {
            let report = analyzer.analyze(path: path)
            if let error = report.error { throw BenchError("\(path): \(error)") }
            guard run > 0 else { continue }
            var total = 0.0
            for (stage, seconds) in report.timings {
                samples[stage, default: []].append(seconds)
                if stage != "decode" { total += seconds }
            }
            samples["after decode", default: []].append(total)
        }
        return samples.mapValues { values in
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
        }
    }

    /// Films per second over `paths`, analysed the way `detect FOLDER --jobs N` does it: the same
    /// `BatchRunner` (a thread per film, at most `jobs` at once, results handed back in order)
    /// and `FilmAnalyzer`, without writing the reports.
    public static func throughput(paths: [String], jobs: Int, analyzer: FilmAnalyzer = FilmAnalyzer()) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        let runner = BatchRunner<Int>(jobs: max(1, jobs))
        runner.run(count: paths.count,
                   work: { index in analyzer.analyze(path: paths[index]).analysis?.deposits.count ?? 0 },
                   abandoned: { _ in 0 },
                   deliver: { _, _ in })
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(paths.count) / seconds
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
