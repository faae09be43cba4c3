import Radiography

/// CSV output (RFC 4180 quoting): one row per film, or one row per deposit.
///
/// The columns are the `csv` columns of `ReportSchema.filmFields` (JSON's scalar keys in the
/// same order, the spacing split into `pixel_spacing_row_mm` and `pixel_spacing_col_mm`, and
/// `clinical_subtype`, the rank-1 subtype) and of `ReportSchema.depositFields`; metrics,
/// clusters, the subtype rules and timings are left to JSON. A null is an empty cell. Lines end
/// with LF (what every reader we know of accepts), and fields holding a comma, quote, CR or LF
/// are quoted.
extension ReportWriter {
    /// The per-film header line, without a trailing newline.
    public static func csvHeader() -> String {
        ReportSchema.filmFields.flatMap(\.csv).map(\.name).joined(separator: ",")
    }

    /// One film as one CSV line, without a trailing newline. An error film fills only
    /// file, status and error.
    public static func csvRow(_ report: FilmReport) -> String {
        csvRow(file: report.file, report.analysedOrError)
    }

    /// `csvRow` from the report's `analysedOrError`, taken once by a caller writing several formats.
    static func csvRow(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String {
        let cells: [String]
        switch film {
        case .success(let film):
            cells = ReportSchema.filmFields.flatMap { field in field.csv.map { $0.cell(film) } }
        case .failure(let error):
            cells = ReportSchema.filmFields.flatMap { field in
                field.failedCSV?(file, error) ?? Array(repeating: "", count: field.csv.count)
            }
        }
        return cells.map(csvField).joined(separator: ",")
    }

    /// The per-deposit header line (the film's `file` first, to join with the per-film rows),
    /// without a trailing newline.
    public static func depositsCSVHeader() -> String {
        (["file"] + ReportSchema.depositFields.flatMap(\.csv).map(\.name)).joined(separator: ",")
    }

    /// One line per deposit, each ending with a newline, so rows of many films can simply be
    /// concatenated after one header; "" for a film without deposits or an error film.
    public static func depositsCSVRows(_ report: FilmReport) -> String {
        report.analysed.map(depositsCSVRows) ?? ""
    }

    /// `depositsCSVRows` of an analysed film.
    static func depositsCSVRows(_ film: AnalysedFilm) -> String {
        let file = csvField(film.file)
        var out = ""
        for deposit in film.deposits {
            let cells = ReportSchema.depositFields.flatMap { $0.csv.map { $0.cell(deposit) } }
            out += file + "," + cells.joined(separator: ",") + "\n"
        }
        return out
    }

    /// RFC 4180 §2: a field with a comma, double quote, CR or LF is enclosed in double quotes
    /// and its quotes doubled; anything else is written as it is.
    static func csvField(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" { out += "\"" }
            out.unicodeScalars.append(scalar)
        }
        return out + "\""
    }
}
