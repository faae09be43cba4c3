/// Turns film reports into the text a user asked for: JSON, JSON Lines, CSV or a terminal summary.
///
/// The writers only read `FilmReport` values, so the same numbers appear in every format: JSON
/// and CSV print each quantity with the same fixed decimals (see `NumberText`), and a quantity
/// that is unknown (no spacing, an error film) is `null` in JSON and an empty cell in CSV, never
/// zero and never NaN.
public enum ReportWriter {
    /// Printed under every terminal summary; also for the lead to put in `--help` and the README.
    public static let caveat = "Decision support only: not a diagnosis. Deposits are found by local "
        + "contrast on the image alone and must be confirmed by a radiologist; the distribution "
        + "label describes this film, not the patient; a clinical subtype ranks causes from the facts "
        + "given and does not diagnose."

    /// The whole output for these films in one format, ending with a newline.
    ///
    /// - json: one object for one film, an array for any other number (so `[]` for none).
    /// - jsonl: one object per line, one line per film.
    /// - csv: the header, then one row per film.
    /// - text: each film's summary, then the caveat once (when at least one film was analysed).
    public static func render(_ reports: [FilmReport], as format: ReportFormat) -> String {
        RenderedReport.document(reports.map { RenderedReport($0, formats: [format], depositsCSV: false) }, as: format)
    }
}
