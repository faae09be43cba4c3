/// How deposits are spread over the imaged body.
public enum DistributionLabel: String, Sendable, Codable, CaseIterable {
    /// No deposits found.
    case none
    /// Confined to a small area (a joint, a fingertip, the buttocks), or to a few such foci.
    case circumscripta
    /// Diffuse through the subcutaneous tissue of the imaged region.
    case universalis
}

/// The label with the figures that decided it, so a clinician can check it.
public struct DistributionAssessment: Sendable {
    public var label: DistributionLabel
    /// 0 = all deposits in one spot, 1 = spread over the whole imaged body; the label is
    /// `universalis` exactly when the score is at least 0.5 (and there are deposits).
    public var score: Double
    /// Named figures in a stable order (names are the JSON keys of `distribution_metrics`).
    public var metrics: [(name: String, value: Double)]
    /// One sentence saying why, with the deciding numbers and the thresholds they were held against.
    public var reason: String
    /// The one figure to show beside the label where space is short (overlay legend),
    /// e.g. "hull 48 %, 6 clusters"; empty when there is nothing to show.
    public var headline: String
    /// The measurements behind `metrics`, with the clusters; nil for assessments made elsewhere.
    public var spread: SpreadMetrics?

    public init(label: DistributionLabel, score: Double, metrics: [(name: String, value: Double)], reason: String,
                headline: String = "", spread: SpreadMetrics? = nil) {
        self.label = label
        self.score = score
        self.metrics = metrics
        self.reason = reason
        self.headline = headline
        self.spread = spread
    }
}
