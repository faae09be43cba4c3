import Radiography

/// CSV output (RFC 4180 quoting): one row per film, or one row per deposit.
///
/// The per-film columns are JSON's scalar keys in the same order, with the spacing split into
/// `pixel_spacing_row_mm` and `pixel_spacing_col_mm`, and `clinical_subtype` (the rank-1
/// subtype, `a/b` on a tie, empty without clinical facts); metrics, clusters, the subtype rules,
/// timings and deposits are left to JSON and to the per-deposit CSV. A null is an empty cell. Lines end with LF (what every
/// reader we know of accepts), and fields holding a comma, quote, CR or LF are quoted.
extension ReportWriter {
    static let filmColumns = [
        "file", "status", "error", "format", "width", "height",
        "pixel_spacing_row_mm", "pixel_spacing_col_mm", "spacing_source",
        "deposit_count", "total_area_px", "total_area_mm2", "largest_area_px", "largest_area_mm2",
        "body_area_px", "body_area_mm2", "noise_sigma",
        "distribution", "distribution_score", "distribution_reason", "clinical_subtype",
    ]

    static let depositColumns = [
        "file", "id", "area_px", "area_mm2", "centroid_x", "centroid_y",
        "bbox_x", "bbox_y", "bbox_width", "bbox_height", "mean", "peak", "contrast", "peak_snr", "score",
    ]

    /// The per-film header line, without a trailing newline.
    public static func csvHeader() -> String {
        filmColumns.joined(separator: ",")
    }

    /// One film as one CSV line, without a trailing newline. An error film fills only
    /// file, status and error.
    public static func csvRow(_ report: FilmReport) -> String {
        var cells = [report.file, report.status.rawValue, report.error ?? ""]
        guard report.status == .ok else {
            cells += Array(repeating: "", count: filmColumns.count - cells.count)
            return cells.map(csvField).joined(separator: ",")
        }
        let decimals = Decimals.self
        cells += [
            report.format?.rawValue ?? "",
            report.width.map(String.init) ?? "",
            report.height.map(String.init) ?? "",
            report.spacing.flatMap { NumberText.shortest($0.row) } ?? "",
            report.spacing.flatMap { NumberText.shortest($0.column) } ?? "",
            (report.spacingSource ?? .unknown).rawValue,
            String(report.depositCount),
            String(report.totalAreaPx),
            fixed(report.totalAreaMM2, decimals.areaMM2),
            report.largestAreaPx.map(String.init) ?? "",
            fixed(report.largestAreaMM2, decimals.areaMM2),
            report.bodyAreaPx.map(String.init) ?? "",
            fixed(report.bodyAreaMM2, decimals.areaMM2),
            fixed(report.noiseSigma, decimals.noise),
            report.distribution?.label.rawValue ?? "",
            fixed(report.distribution?.score, decimals.score),
            report.distribution?.reason ?? "",
            report.clinical?.top ?? "",
        ]
        return cells.map(csvField).joined(separator: ",")
    }

    /// The per-deposit header line (the film's `file` first, to join with the per-film rows),
    /// without a trailing newline.
    public static func depositsCSVHeader() -> String {
        depositColumns.joined(separator: ",")
    }

    /// One line per deposit, each ending with a newline, so rows of many films can simply be
    /// concatenated after one header; "" for a film without deposits or an error film.
    public static func depositsCSVRows(_ report: FilmReport) -> String {
        guard report.status == .ok else { return "" }
        let file = csvField(report.file)
        var out = ""
        for deposit in report.deposits {
            let box = deposit.bbox
            let cells = [
                String(deposit.id), String(deposit.areaPx), fixed(deposit.areaMM2, Decimals.areaMM2),
                fixed(deposit.centroidX, Decimals.centroid), fixed(deposit.centroidY, Decimals.centroid),
                String(box.x), String(box.y), String(box.width), String(box.height),
                fixed(deposit.mean, Decimals.intensity), String(deposit.peak),
                fixed(deposit.contrast, Decimals.intensity), fixed(deposit.peakSNR, Decimals.intensity),
                fixed(deposit.score, Decimals.score),
            ]
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

    private static func fixed(_ value: Double?, _ decimals: Int) -> String {
        value.flatMap { NumberText.fixed($0, decimals: decimals) } ?? ""
    }
}
