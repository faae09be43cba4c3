import Classification
import DICOM
import Detection
import Foundation
import Radiography
import Reporting

/// Analyses a film already in memory: detect the deposits, label their distribution. Never
/// fails: a film of any size and content gives an analysis (perhaps with no deposits).
public func analyze(_ film: Radiograph, options: AnalysisOptions = AnalysisOptions()) -> Analysis {
    let film = options.spacingOverride.map { film.withSpacing($0, source: .user) } ?? film
    var clock = StageClock()
    let found = DepositDetector.detect(film, parameters: options.detection)
    // The detector's own stages (background, threshold, label, measure), then the classifier.
    clock.record(found.stageSeconds)
    // The classifier's reason says when its distances were taken at an assumed spacing.
    let assessment = options.distribution.assess(found)
    clock.lap("classify")
    // Areas stay in pixels without a stated spacing; the report names the one assumed.
    let assumedSpacingMM = film.spacing == nil ? found.spacingMM : nil
    return Analysis(film: film, detection: found, distribution: assessment,
                    classifierModel: options.detection.classifier.map { "\($0.name) \($0.version)" },
                    timings: clock.laps, assumedSpacingMM: assumedSpacingMM)
}

/// Reads a DICOM, PNG or JPEG file (recognised by its first bytes, never its name) and analyses
/// it. Throws a `FilmError` whose `kind` says why a file could not be read (truncated,
/// unsupported, over a limit, malformed, or the file system) and whose message names the problem,
/// not the path.
public func analyze(contentsOf url: URL, options: AnalysisOptions = AnalysisOptions()) throws(FilmError) -> Analysis {
    try analyze(contentsOf: url, options: options, keepingDICOMSource: false).analysis
}

/// `analyze(contentsOf:options:)`, and with `keepingDICOMSource`, for a DICOM film, what the
/// objects derived from it reference (`FilmLoader.load`); nil otherwise.
func analyze(contentsOf url: URL, options: AnalysisOptions, keepingDICOMSource: Bool) throws(FilmError)
    -> (analysis: Analysis, dicomSource: Result<DICOMSourceImage, any Error>?) {
    var clock = StageClock()
    let loaded: (film: Radiograph, dicomSource: Result<DICOMSourceImage, any Error>?)
    do {
        loaded = try FilmLoader.load(path: url.path, frame: options.frame, limits: options.limits,
                                     keepingDICOMSource: keepingDICOMSource)
    } catch let error as FilmError {
        throw error
    } catch {
        throw FilmError(.io, "\(error)")
    }
    clock.lap("decode")
    var analysis = analyze(loaded.film, options: options)
    analysis.timings = clock.laps + analysis.timings
    return (analysis, loaded.dicomSource)
}
