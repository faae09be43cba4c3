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
        return report.isOK ? block + caveat + "\n" : block
    }

    /// The summary without the caveat, so a batch prints the caveat once.
    static func textBlock(_ report: FilmReport) -> String {
        textBlock(file: report.file, report.analysedOrError)
    }

    /// `textBlock` from the report's `analysedOrError`, taken once by a caller writing several formats.
    static func textBlock(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String {
        switch film {
        case .failure(let error): return "\(file): error: \(error)\n"
        case .success(let film): return textBlock(film)
        }
    }

    static func textBlock(_ report: AnalysedFilm) -> String {
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
        out += "  body area " + area(px: report.bodyAreaPx, mm2: report.bodyAreaMM2)
        if let text = NumberText.fixed(report.noiseSigma, decimals: 1) {
            out += ", noise σ \(text)"
        }
        out += "\n"
        let distribution = report.distribution
        let score = NumberText.fixed(distribution.score, decimals: Decimals.score) ?? "n/a"
        out += "  distribution: \(distribution.label.rawValue) (score \(score)"
            + (distribution.headline.isEmpty ? "" : "; \(distribution.headline)") + ")"
        out += distribution.reason.isEmpty ? "\n" : ": \(distribution.reason)\n"
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

    private static func filmLine(_ report: AnalysedFilm) -> String {
        var line = "\(report.file): "
        line += report.format.rawValue.uppercased()
        line += " \(report.width)×\(report.height) px"
        if let spacing = report.spacing,
           let row = NumberText.readable(spacing.row), let column = NumberText.readable(spacing.column) {
            line += ", pixel spacing \(row) × \(column) mm (row × column, "
                + sourceText(report.spacingSource) + ")"
        } else if report.spacingSource == .ignoredImplausible {
            line += ", pixel spacing in the file implausible, ignored: areas in pixels only" + assumed(report) + " (use --pixel-spacing MM)"
        } else {
            line += ", pixel spacing unknown: areas in pixels only" + assumed(report) + " (use --pixel-spacing MM)"
        }
        return line
    }

    /// "; distribution distances at an assumed 0.15 mm", when they were.
    private static func assumed(_ report: AnalysedFilm) -> String {
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
        let columns = ReportSchema.textTable.compactMap { name in ReportSchema.depositFields.first { $0.name == name }?.text }
            .filter { spacingKnown || !$0.needsSpacing }
        var rows = [columns.map(\.title)]
        for deposit in shown {
            rows.append(columns.map { $0.cell(deposit) })
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
                line += "  " + (columns[column].rightAligned ? padding + cell : cell + padding)
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
