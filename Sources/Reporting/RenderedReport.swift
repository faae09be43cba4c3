/// One film's report already rendered in every format, so that a report made in a worker
/// process crosses the pipe as text and the batch writes exactly the bytes an in-process run
/// would (`ReportWriter.render` is `document` over these).
public struct RenderedReport: Sendable, Codable, Equatable {
    public var file: String
    public var isOK: Bool
    /// The problem, for a film that failed.
    public var error: String?
    /// Header values ignored as implausible (`FilmReport.warnings`).
    public var warnings: [String]
    /// `ReportWriter.jsonObject`, without a newline.
    public var json: String
    /// `ReportWriter.textBlock`.
    public var text: String
    /// `ReportWriter.csvRow`, without a newline.
    public var csvRow: String
    /// `ReportWriter.depositsCSVRows` (each row ends with a newline; empty without deposits).
    public var depositsCSVRows: String
    /// Seconds per stage, in pipeline order (empty unless timings were asked for).
    public var timings: [Stage]

    public struct Stage: Sendable, Codable, Equatable {
        public var stage: String
        public var seconds: Double
    }

    public init(_ report: FilmReport) {
        file = report.file
        isOK = report.isOK
        error = report.error?.description
        warnings = report.analysis?.warnings ?? []
        json = ReportWriter.jsonObject(report)
        text = ReportWriter.textBlock(report)
        csvRow = ReportWriter.csvRow(report)
        depositsCSVRows = ReportWriter.depositsCSVRows(report)
        timings = report.timings.map { Stage(stage: $0.stage, seconds: $0.seconds) }
    }

    /// The whole output for these films in one format, as `ReportWriter.render` describes it.
    public static func document(_ films: [RenderedReport], as format: ReportFormat) -> String {
        switch format {
        case .json:
            if films.count == 1 { return films[0].json + "\n" }
            if films.isEmpty { return "[]\n" }
            return "[\n" + films.map(\.json).joined(separator: ",\n") + "\n]\n"
        case .jsonl:
            return films.map { $0.json + "\n" }.joined()
        case .csv:
            return ([ReportWriter.csvHeader()] + films.map(\.csvRow)).joined(separator: "\n") + "\n"
        case .text:
            var out = films.map(\.text).joined(separator: "\n")
            if films.contains(where: \.isOK) {
                out += "\n" + ReportWriter.caveat + "\n"
            }
            return out
        }
    }
}
