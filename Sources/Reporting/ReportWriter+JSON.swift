import Classification

/// JSON output: one object per film, keys in a fixed order, every key always present.
///
/// The keys (documented in this module's README) are: file, status, error, format, width,
/// height, pixel_spacing_mm, spacing_source, assumed_spacing_mm, deposit_count, total_area_px, total_area_mm2,
/// largest_area_px, largest_area_mm2, body_area_px, body_area_mm2, noise_sigma, distribution,
/// distribution_score, distribution_reason, distribution_metrics, distribution_clusters,
/// clinical_match, clinical_subtypes, timings_s, warnings, deposits.
extension ReportWriter {
    /// Decimals per kind of quantity, shared by JSON, CSV and text.
    enum Decimals {
        static let areaMM2 = 4
        static let centroid = 2
        static let intensity = 2
        static let score = 3
        static let noise = 3
        static let metric = 4
        static let seconds = 4
    }

    /// One film as one line of JSON, without a trailing newline.
    ///
    /// An error film has `file`, `status` and `error`, every other key null and `deposits` [].
    public static func jsonObject(_ report: FilmReport) -> String {
        var json = JSONObjectText()
        json.string("file", report.file)
        json.string("status", report.status.rawValue)
        json.string("error", report.error)
        guard report.status == .ok else {
            for key in ["format", "width", "height", "pixel_spacing_mm", "spacing_source", "assumed_spacing_mm",
                        "deposit_count", "total_area_px", "total_area_mm2", "largest_area_px",
                        "largest_area_mm2", "body_area_px", "body_area_mm2", "noise_sigma", "classifier_model",
                        "distribution", "distribution_score", "distribution_reason",
                        "distribution_metrics", "distribution_clusters", "clinical_match", "clinical_subtypes",
                        "timings_s"] {
                json.raw(key, "null")
            }
            json.raw("warnings", warningsArray(report.warnings))
            json.raw("deposits", "[]")
            return json.result
        }
        json.string("format", report.format?.rawValue)
        json.int("width", report.width)
        json.int("height", report.height)
        if let spacing = report.spacing {
            // As read: rounding would change what the file said.
            json.raw("pixel_spacing_mm", "[" + (NumberText.shortest(spacing.row) ?? "null") + ","
                     + (NumberText.shortest(spacing.column) ?? "null") + "]")
        } else {
            json.raw("pixel_spacing_mm", "null")
        }
        json.string("spacing_source", (report.spacingSource ?? .unknown).rawValue)
        json.number("assumed_spacing_mm", report.assumedSpacingMM, decimals: Decimals.metric)
        json.int("deposit_count", report.depositCount)
        json.int("total_area_px", report.totalAreaPx)
        json.number("total_area_mm2", report.totalAreaMM2, decimals: Decimals.areaMM2)
        json.int("largest_area_px", report.largestAreaPx)
        json.number("largest_area_mm2", report.largestAreaMM2, decimals: Decimals.areaMM2)
        json.int("body_area_px", report.bodyAreaPx)
        json.number("body_area_mm2", report.bodyAreaMM2, decimals: Decimals.areaMM2)
        json.number("noise_sigma", report.noiseSigma, decimals: Decimals.noise)
        json.string("classifier_model", report.classifierModel)
        json.string("distribution", report.distribution?.label.rawValue)
        json.number("distribution_score", report.distribution?.score, decimals: Decimals.score)
        json.string("distribution_reason", report.distribution?.reason)
        if let metrics = report.distribution?.metrics {
            var object = JSONObjectText()
            for metric in metrics {
                object.number(metric.name, metric.value, decimals: Decimals.metric)
            }
            json.raw("distribution_metrics", object.result)
        } else {
            json.raw("distribution_metrics", "null")
        }
        if let clusters = report.distribution?.spread?.clusters {
            json.raw("distribution_clusters", "[" + clusters.map(clusterObject).joined(separator: ",") + "]")
        } else {
            json.raw("distribution_clusters", "null")
        }
        json.string("clinical_match", report.clinical?.matchedBy)
        if let clinical = report.clinical {
            json.raw("clinical_subtypes", "[" + clinical.findings.map(subtypeObject).joined(separator: ",") + "]")
        } else {
            json.raw("clinical_subtypes", "null")
        }
        if report.timings.isEmpty {
            json.raw("timings_s", "null")
        } else {
            var object = JSONObjectText()
            for timing in report.timings {
                object.number(timing.stage, timing.seconds, decimals: Decimals.seconds)
            }
            json.raw("timings_s", object.result)
        }
        json.raw("warnings", warningsArray(report.warnings))
        json.raw("deposits", "[" + report.deposits.map(depositObject).joined(separator: ",") + "]")
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
        json.int("id", deposit.id)
        json.int("area_px", deposit.areaPx)
        json.number("area_mm2", deposit.areaMM2, decimals: Decimals.areaMM2)
        json.raw("centroid", JSONObjectText.array([deposit.centroidX, deposit.centroidY],
                                                  decimals: Decimals.centroid))
        let box = deposit.bbox
        json.raw("bbox", "[\(box.x),\(box.y),\(box.width),\(box.height)]")
        json.number("mean", deposit.mean, decimals: Decimals.intensity)
        json.int("peak", deposit.peak)
        json.number("contrast", deposit.contrast, decimals: Decimals.intensity)
        json.number("peak_snr", deposit.peakSNR, decimals: Decimals.intensity)
        json.number("score", deposit.score, decimals: Decimals.score)
        return json.result
    }
}
