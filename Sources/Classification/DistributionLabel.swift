/// How deposits are spread over the imaged body.
public enum DistributionLabel: String, Sendable, Codable, CaseIterable {
    /// No deposits found.
    case none
    /// Confined to a small area (a joint, a fingertip, the buttocks).
    case circumscripta
    /// Diffuse through the subcutaneous tissue of the imaged region.
    case universalis
}

/// The label with the figures that decided it, so a clinician can check it.
public struct DistributionAssessment: Sendable {
    public var label: DistributionLabel
    /// 0 = all deposits in one spot, 1 = spread over the whole imaged body.
    public var score: Double
    /// Named figures in a stable order (names are the JSON keys of `distribution_metrics`).
    public var metrics: [(name: String, value: Double)]
    /// One sentence saying why, with the deciding numbers.
    public var reason: String
    public init(label: DistributionLabel, score: Double, metrics: [(name: String, value: Double)], reason: String) {
        self.label = label
        self.score = score
        self.metrics = metrics
        self.reason = reason
    }
}
