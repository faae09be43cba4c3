import DICOM
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

    /// Never throws: a film that cannot be read or analysed becomes an error report, so a batch
    /// goes on past it. An analysed film's report keeps the film and its label image for the
    /// overlay.
    public func analyze(path: String) -> FilmReport {
        analyze(path: path, keepingDICOMSource: false).report
    }

    /// `analyze(path:)`, and with `keepingDICOMSource`, for a DICOM film, what the objects derived
    /// from it reference (for `DICOMResults`, without reading the film again); nil otherwise.
    func analyze(path: String, keepingDICOMSource: Bool) -> (report: FilmReport, dicomSource: Result<DICOMSourceImage, any Error>?) {
        do throws(FilmError) {
            let analysed = try FilmAnalysis.analyze(contentsOf: URL(fileURLWithPath: path), options: options,
                                                    keepingDICOMSource: keepingDICOMSource)
            return (FilmReport(file: path, analysis: analysed.analysis), analysed.dicomSource)
        } catch {
            var error = error
            error.hint = hint(error)
            return (.failure(file: path, error: error), nil)
        }
    }
}
