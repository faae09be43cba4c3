import Radiography

/// The shapes a batch of film reports can be written in.
///
/// `json` and `jsonl` carry everything (deposits, metrics, timings); `csv` is one row per film
/// with the scalar columns only, for spreadsheets; `text` is for a person at a terminal.
///
/// A format is a case here and a `FormatRenderer`: adding one touches nothing else (the batch,
/// the worker pipe and `ReportWriter.render` go through `renderer`).
public enum ReportFormat: String, CaseIterable, Sendable, Codable {
    case text
    case json
    case jsonl
    case csv

    var renderer: any FormatRenderer.Type {
        switch self {
        case .text: TextRenderer.self
        case .json: JSONRenderer.self
        case .jsonl: JSONLinesRenderer.self
        case .csv: CSVRenderer.self
        }
    }
}

/// How one format writes films: each film's piece, made where the film was analysed (in a worker
/// process or not, so a batch writes the same bytes either way), and the whole output around the
/// pieces, which are in input order.
protocol FormatRenderer {
    /// `film`: the report's `analysedOrError`, which the caller takes once for all its formats.
    static func piece(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String
    /// `anyAnalysed`: at least one of the films was analysed (not every one failed).
    static func document(_ pieces: [String], anyAnalysed: Bool) -> String
}

/// One object for one film, an array for any other number (so `[]` for none).
enum JSONRenderer: FormatRenderer {
    static func piece(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String { ReportWriter.jsonObject(file: file, film) }
    static func document(_ pieces: [String], anyAnalysed: Bool) -> String {
        if pieces.count == 1 { return pieces[0] + "\n" }
        if pieces.isEmpty { return "[]\n" }
        return "[\n" + pieces.joined(separator: ",\n") + "\n]\n"
    }
}

/// One object per line, one line per film.
enum JSONLinesRenderer: FormatRenderer {
    static func piece(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String { ReportWriter.jsonObject(file: file, film) }
    static func document(_ pieces: [String], anyAnalysed: Bool) -> String { pieces.map { $0 + "\n" }.joined() }
}

/// The header, then one row per film.
enum CSVRenderer: FormatRenderer {
    static func piece(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String { ReportWriter.csvRow(file: file, film) }
    static func document(_ pieces: [String], anyAnalysed: Bool) -> String {
        ([ReportWriter.csvHeader()] + pieces).joined(separator: "\n") + "\n"
    }
}

/// Each film's summary, then the caveat once (when at least one film was analysed).
enum TextRenderer: FormatRenderer {
    static func piece(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String { ReportWriter.textBlock(file: file, film) }
    static func document(_ pieces: [String], anyAnalysed: Bool) -> String {
        var out = pieces.joined(separator: "\n")
        if anyAnalysed { out += "\n" + ReportWriter.caveat + "\n" }
        return out
    }
}
