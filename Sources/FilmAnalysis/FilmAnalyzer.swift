import Classification
import Detection
import Foundation
import Radiography
import Reporting

/// One film end to end for a batch: read → decode → detect → classify → report (and overlay).
/// A Swift program that wants one film's result calls `analyze(contentsOf:options:)`; this is
/// the same with failures turned into reports.
public struct FilmAnalyzer: Sendable {
    public var options = AnalysisOptions()
    /// How the front end says to get past an error (the command line names its option for a
    /// limit: "raise it with --max-pixels"); set on the error before it becomes the report's
    /// text. The library's own messages name no option.
    public var hint: @Sendable (FilmError) -> String? = { _ in nil }

    public init(options: AnalysisOptions = AnalysisOptions()) {
        self.options = options
    }

    /// Everything one film produced; the radiograph and labels are kept for the overlay.
    public struct Outcome: Sendable {
        public var report: FilmReport
        public var radiograph: Radiograph?
        public var labels: LabelImage?
    }

    /// Never throws: a film that cannot be read or analysed becomes an error report, so a batch
    /// goes on past it.
    public func analyze(path: String) -> Outcome {
        do throws(FilmError) {
            let analysis = try FilmAnalysis.analyze(contentsOf: URL(fileURLWithPath: path), options: options)
            return Outcome(report: FilmReport(file: path, analysis: analysis), radiograph: analysis.film,
                           labels: analysis.detection.labels)
        } catch {
            var error = error
            error.hint = hint(error)
            return Outcome(report: .failure(file: path, error: error), radiograph: nil, labels: nil)
        }
    }
}
