import Classification
import Radiography

/// JSON output: one object per film, keys in `ReportSchema.filmFields` order, every key always
/// present (documented in the README's field table, which is generated from the same list).
extension ReportWriter {
    typealias Decimals = ReportSchema.Decimals

    /// One film as one line of JSON, without a trailing newline.
    ///
    /// An error film has `file`, `status` and `error`, `warnings`, `deposits` [] and every other key null.
    public static func jsonObject(_ report: FilmReport) -> String {
        jsonObject(file: report.file, report.analysedOrError)
    }

    /// `jsonObject` from the report's `analysedOrError`, taken once by a caller writing several formats.
    static func jsonObject(file: String, _ film: Result<AnalysedFilm, FilmError>) -> String {
        var json = JSONObjectText()
        switch film {
        case .success(let film):
            for field in ReportSchema.filmFields { json.raw(field.name, field.json(film)) }
        case .failure(let error):
            for field in ReportSchema.filmFields { json.raw(field.name, field.failedJSON(file, error)) }
        }
        return json.result
    }

    /// What the decoder read leniently or ignored as implausible, as a JSON list of strings.
    static func warningsArray(_ warnings: [String]) -> String {
        "[" + warnings.map(JSONObjectText.quoted).joined(separator: ",") + "]"
    }

    /// `{"deposit_ids": [...], "area_mm2", "extent_mm", "centre": [x, y] px}`.
    static func clusterObject(_ cluster: SpreadMetrics.Cluster) -> String {
        var json = JSONObjectText()
        json.raw("deposit_ids", "[" + cluster.depositIDs.map(String.init).joined(separator: ",") + "]")
        json.number("area_mm2", cluster.areaMM2, decimals: Decimals.areaMM2)
        json.number("extent_mm", cluster.extentMM, decimals: Decimals.metric)
        json.raw("centre", JSONObjectText.array([cluster.centreX, cluster.centreY], decimals: Decimals.centroid))
        return json.result
    }

    /// `{"subtype", "rank", "score", "rules": [...], "missing": [...]}`.
    static func subtypeObject(_ finding: SubtypeFinding) -> String {
        var json = JSONObjectText()
        json.string("subtype", finding.subtype.rawValue)
        json.int("rank", finding.rank)
        json.int("score", finding.score)
        json.raw("rules", "[" + finding.rules.map(JSONObjectText.quoted).joined(separator: ",") + "]")
        json.raw("missing", "[" + finding.missing.map(JSONObjectText.quoted).joined(separator: ",") + "]")
        return json.result
    }

    static func depositObject(_ deposit: DepositReport) -> String {
        var json = JSONObjectText()
        for field in ReportSchema.depositFields { json.raw(field.name, field.json(deposit)) }
        return json.result
    }
}
