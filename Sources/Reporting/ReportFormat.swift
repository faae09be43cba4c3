/// The shapes a batch of film reports can be written in.
///
/// `json` and `jsonl` carry everything (deposits, metrics, timings); `csv` is one row per film
/// with the scalar columns only, for spreadsheets; `text` is for a person at a terminal.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text
    case json
    case jsonl
    case csv
}
