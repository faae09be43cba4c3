import Classification
import Radiography

/// The terminal summary: what a person reads after `detect film.dcm`.
///
/// Areas are in mm² (with pixels beside them) when the spacing is known, in pixels only
/// otherwise, and the film line then says so and how to fix it. Long deposit lists are cut to
/// the largest `textDepositLimit`, saying how many were left out, because the full list is in
/// the JSON and CSV outputs.
extension ReportWriter {
    /// Deposits listed in the terminal table before it is cut.
    public static let textDepositLimit = 25

    /// The summary of one film followed by the caveat; an error film is one line,
    /// `FILE: error: MESSAGE`. Ends with a newline.
    public static func text(_ report: FilmReport) -> String {
        let block = textBlock(report)
        return report.status == .ok ? block + caveat + "\n" : block
    }

    /// The summary without the caveat, so a batch prints the caveat once.
    static func textBlock(_ report: FilmReport) -> String {
        guard report.status == .ok else {
            return "\(report.file): error: \(report.error ?? "unknown error")\n"
        }
        var out = filmLine(report) + "\n"
        let spacingKnown = report.spacing != nil
        if report.deposits.isEmpty {
            out += "  no deposits found\n"
        } else {
            let count = report.depositCount
            out += "  \(count) deposit\(count == 1 ? "" : "s"): total "
                + area(px: report.totalAreaPx, mm2: report.totalAreaMM2)
            if let largest = report.largestAreaPx {
                out += ", largest " + area(px: largest, mm2: report.largestAreaMM2)
            }
            out += "\n"
        }
        if let body = report.bodyAreaPx {
            out += "  body area " + area(px: body, mm2: report.bodyAreaMM2)
            if let sigma = report.noiseSigma, let text = NumberText.fixed(sigma, decimals: 1) {
                out += ", noise σ \(text)"
            }
            out += "\n"
        }
        if let distribution = report.distribution {
            let score = NumberText.fixed(distribution.score, decimals: Decimals.score) ?? "n/a"
            out += "  distribution: \(distribution.label.rawValue) (score \(score)"
                + (distribution.headline.isEmpty ? "" : "; \(distribution.headline)") + ")"
            out += distribution.reason.isEmpty ? "\n" : ": \(distribution.reason)\n"
        }
        if let clinical = report.clinical {
            out += clinicalLines(clinical)
        }
        if !report.timings.isEmpty {
            out += "  timings: " + report.timings.map { timing in
                "\(timing.stage) \(NumberText.fixed(timing.seconds, decimals: 3) ?? "n/a") s"
            }.joined(separator: ", ") + "\n"
        }
        if !report.deposits.isEmpty {
            out += depositTable(report.deposits, spacingKnown: spacingKnown)
        }
        return out
    }

    /// The ranked subtypes, one line each with the rules that fired and the facts missing.
    static func clinicalLines(_ clinical: ClinicalAssessment) -> String {
        var out = "  clinical subtype (facts matched by \(clinical.matchedBy); decision support, not a diagnosis):\n"
        for finding in clinical.findings {
            out += "    \(finding.rank). \(finding.subtype.rawValue) (score \(finding.score))"
            out += finding.rules.isEmpty ? ": no rule fired" : ": " + finding.rules.joined(separator: "; ")
            if !finding.missing.isEmpty { out += "; missing: " + finding.missing.joined(separator: ", ") }
            out += "\n"
        }
        return out
    }

    private static func filmLine(_ report: FilmReport) -> String {
        var line = "\(report.file): "
        line += report.format.map { $0.rawValue.uppercased() } ?? "image"
        if let width = report.width, let height = report.height {
            line += " \(width)×\(height) px"
        }
        if let spacing = report.spacing,
           let row = NumberText.readable(spacing.row), let column = NumberText.readable(spacing.column) {
            line += ", pixel spacing \(row) × \(column) mm (row × column, "
                + sourceText(report.spacingSource ?? .unknown) + ")"
        } else if report.spacingSource == .ignoredImplausible {
            line += ", pixel spacing in the file implausible, ignored: areas in pixels only" + assumed(report) + " (use --pixel-spacing MM)"
        } else {
            line += ", pixel spacing unknown: areas in pixels only" + assumed(report) + " (use --pixel-spacing MM)"
        }
        return line
    }

    /// "; distribution distances at an assumed 0.15 mm", when they were.
    private static func assumed(_ report: FilmReport) -> String {
        guard let mm = report.assumedSpacingMM, let text = NumberText.readable(mm) else { return "" }
        return "; distribution distances in mm at an assumed \(text) mm"
    }

    private static func sourceText(_ source: SpacingSource) -> String {
        switch source {
        case .pixelSpacing: return "from DICOM Pixel Spacing"
        case .imagerPixelSpacing: return "from DICOM Imager Pixel Spacing: at the detector, not corrected for magnification"
        case .pngPhysicalUnits: return "from the PNG pHYs chunk"
        case .user: return "given with --pixel-spacing"
        case .unknown: return "source unknown"
        case .ignoredImplausible: return "the file's own was implausible"
        }
    }

    /// "12.345 mm² (530 px)" or "530 px".
    private static func area(px: Int, mm2: Double?) -> String {
        guard let mm2, let text = NumberText.fixed(mm2, decimals: 3) else { return "\(px) px" }
        return "\(text) mm² (\(px) px)"
    }

    private static func depositTable(_ deposits: [DepositReport], spacingKnown: Bool) -> String {
        let shown: [DepositReport]
        if deposits.count > textDepositLimit {
            // The largest first; ties in id order so the cut is the same on every run.
            shown = Array(deposits.sorted {
                $0.areaPx != $1.areaPx ? $0.areaPx > $1.areaPx : $0.id < $1.id
            }.prefix(textDepositLimit))
        } else {
            shown = deposits
        }
        // (title, right-aligned): numbers right-aligned, coordinate groups left-aligned.
        var columns = [("id", true)]
        if spacingKnown { columns.append(("area mm²", true)) }
        columns += [("area px", true), ("centroid x, y", false), ("bbox x, y, w×h", false),
                    ("contrast", true), ("peak SNR", true), ("score", true)]
        var rows = [columns.map(\.0)]
        for deposit in shown {
            let box = deposit.bbox
            var row = [String(deposit.id)]
            if spacingKnown {
                row.append(deposit.areaMM2.flatMap { NumberText.fixed($0, decimals: 3) } ?? "n/a")
            }
            row += [
                String(deposit.areaPx),
                (NumberText.fixed(deposit.centroidX, decimals: 1) ?? "n/a") + ", "
                    + (NumberText.fixed(deposit.centroidY, decimals: 1) ?? "n/a"),
                "\(box.x), \(box.y), \(box.width)×\(box.height)",
                NumberText.fixed(deposit.contrast, decimals: 1) ?? "n/a",
                NumberText.fixed(deposit.peakSNR, decimals: 1) ?? "n/a",
                deposit.score.flatMap { NumberText.fixed($0, decimals: 2) } ?? "n/a",
            ]
            rows.append(row)
        }
        var widths = Array(repeating: 0, count: columns.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                line += "  " + (columns[column].1 ? padding + cell : cell + padding)
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        if deposits.count > shown.count {
            out += "  (the \(shown.count) largest of \(deposits.count) deposits; "
                + "\(deposits.count - shown.count) more with --format json or jsonl, or --deposits-csv FILE)\n"
        }
        return out
    }
}
