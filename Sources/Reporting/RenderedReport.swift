import Radiography

/// One film's report already rendered in the formats a run writes, so that a report made in a
/// worker process crosses the pipe as text and the batch writes exactly the bytes an in-process
/// run would (`ReportWriter.render` is `document` over these).
public struct RenderedReport: Sendable, Codable, Equatable {
    public var file: String
    public var isOK: Bool
    /// The problem, for a film that failed.
    public var error: String?
    /// Header values ignored as implausible (the analysis's warnings).
    public var warnings: [String]
    /// The piece for this film (`FormatRenderer.piece`) of each format asked for, by the format's
    /// raw value.
    public var pieces: [String: String]
    /// `ReportWriter.depositsCSVRows` (each row ends with a newline; empty without deposits, and
    /// unless asked for).
    public var depositsCSVRows: String
    /// Seconds per stage, in pipeline order (empty unless timings were asked for).
    public var timings: [Stage]

    public struct Stage: Sendable, Codable, Equatable {
        public var stage: String
        public var seconds: Double
    }

    /// Renders `formats` only, and the deposit rows only when `depositsCSV` (`--deposits-csv`): a
    /// run writes one or two formats (its output and `--csv`), and a JSON or text piece of a film
    /// with hundreds of deposits is not free. The film's figures are taken once for all of them.
    public init(_ report: FilmReport, formats: Set<ReportFormat>, depositsCSV: Bool) {
        self.init(report, analysed: report.analysedOrError, formats: formats, depositsCSV: depositsCSV)
    }

    /// `film`: the report's `analysedOrError` as the caller took it already (for the files
    /// beside the report), with the report's timings.
    public init(_ report: FilmReport, analysed film: Result<AnalysedFilm, FilmError>, formats: Set<ReportFormat>, depositsCSV: Bool) {
        file = report.file
        isOK = report.isOK
        error = report.error?.description
        warnings = report.analysis?.warnings ?? []
        pieces = Dictionary(uniqueKeysWithValues: ReportFormat.allCases.filter(formats.contains).map {
            ($0.rawValue, $0.renderer.piece(file: report.file, film))
        })
        depositsCSVRows = switch film {
        case .success(let film) where depositsCSV: ReportWriter.depositsCSVRows(film)
        default: ""
        }
        timings = report.timings.map { Stage(stage: $0.stage, seconds: $0.seconds) }
    }

    /// This film in `format` (a JSON line, a CSV row, a text block), without a trailing newline
    /// for JSON and CSV; empty for a format it was not rendered in.
    public func piece(_ format: ReportFormat) -> String { pieces[format.rawValue] ?? "" }

    /// The whole output for these films in one format, as `ReportWriter.render` describes it.
    public static func document(_ films: [RenderedReport], as format: ReportFormat) -> String {
        format.renderer.document(films.map { $0.piece(format) }, anyAnalysed: films.contains(where: \.isOK))
    }
}
