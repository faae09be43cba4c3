import Detection
import Radiography

/// Decides `none` / `circumscripta` / `universalis` from where the deposits lie relative to the
/// imaged body (`SpreadMetrics`), using only the detector's measures (never pixels).
///
/// Clinically, *circumscripta* is calcinosis confined to a small area (of the extremities or a
/// joint) and *universalis* is diffuse through the subcutaneous tissue. On one film that becomes
/// three rules for universalis, any of which suffices, and each needs an absolute spread:
/// - **scattered**: at least `universalMinimumClusters` separate foci (clusters at
///   `clusterLinkageMM`) whose convex hull covers at least `universalHullFraction` of the body;
/// - **diffuse**: at least `universalNeighbourhoodFraction` of the soft tissue lies within
///   `neighbourhoodRadiusMM` of a deposit;
/// - **chained**: one cluster (deposits linked at `clusterLinkageMM`) itself stretches at least
///   `universalMinimumSpanMM`: deposits strung along fascia or through the subcutaneous tissue of a
///   whole limb segment are not a confined focus, though they form a single cluster and cover
///   little of the soft tissue. Held-back hybrids (../shared/eval, each side measured by the model
///   of 8d5ce70 fitted on the other): of the films labelled circumscripta, this rule moved 2 of 98
///   (side A) and 2 of 50 (side B) to universalis, all truly universalis (one chain of 122–186 mm
///   each), and no other;
/// - **and** in every case the deposits span at least `universalMinimumSpanMM`: calcinosis within
///   a region smaller than that is circumscripta however small the film (a close-up of one
///   elbow that the deposits fill is still a local process).
/// Everything else with deposits is circumscripta, including **two small clusters far apart**:
/// each is a confined focus and the soft tissue between them is free, which is what the clinical
/// definition of circumscripta describes (localised, possibly at more than one site), not the
/// diffuse involvement of universalis.
///
/// Score: each rule's strength is the smallest of its figures divided by their thresholds (each
/// ratio capped at 2); the score is half the stronger rule's strength, capped at 1, so a score of
/// 0.5 is exactly the universalis boundary and 1 means every figure is at least twice its threshold.
///
/// Defaults, measured on the phantoms of `DistributionValidationTests` (48 films: typical,
/// hard scenarios, partial limbs and the sample set; the test prints every figure, from the truth
/// deposits and from the detector's). Circumscripta, one focus: span 17–44 mm from the truth
/// (up to 87 mm with the detector's false positives), 1 cluster (up to 3), hull ≤ 0.10,
/// neighbourhood ≤ 0.13. Two distant foci: span 151–174 mm but 2 clusters, hull 0.07–0.13,
/// neighbourhood ≤ 0.16. Universalis (typical, sparse, partial limb): span 169–238 mm, 5–19
/// clusters, hull 0.25–0.88, neighbourhood 0.08–0.91 (the sparse films are the low end, and
/// are caught by the scattered rule). Each threshold sits between the groups: span 100 mm,
/// 4 clusters, hull 0.15, neighbourhood 0.25.
public struct DistributionClassifier: Sendable {
    /// Edge-to-edge distance (mm) within which two deposits belong to one cluster (BI-RADS calls
    /// ≥ 5 calcifications within 10 mm "grouped"; 15 mm joins the nodules of one joint).
    public var clusterLinkageMM: Double = 15
    /// Radius (mm) of the neighbourhood a deposit "covers" for the neighbourhood fraction.
    public var neighbourhoodRadiusMM: Double = 10
    /// Universalis needs the deposits to span at least this (mm): one circumscripta focus spans
    /// ≤ 44 mm on the phantoms (≤ 87 mm with the detector's false positives), universalis ≥ 169 mm. A film
    /// showing less than this much body can therefore not be called universalis; the reason says so.
    public var universalMinimumSpanMM: Double = 100
    /// Scattered rule: at least this many separate clusters (circumscripta: 1, up to 3 with false
    /// positives; universalis ≥ 5) …
    public var universalMinimumClusters: Int = 4
    /// … whose hull covers at least this fraction of the body (one focus ≤ 0.10, two distant
    /// foci ≤ 0.13, sparse universalis ≥ 0.25).
    public var universalHullFraction: Double = 0.15
    /// Diffuse rule: at least this fraction of the soft tissue within `neighbourhoodRadiusMM` of a
    /// deposit (circumscripta ≤ 0.16; typical universalis 0.27–0.81 as detected). It catches dense
    /// deposits that chain into fewer than 4 clusters, which the scattered rule cannot.
    public var universalNeighbourhoodFraction: Double = 0.25

    public init() {}

    /// Measured at the spacing the detector used (`detection.spacingMM`); when that spacing was
    /// assumed, the reason says so, since its figures are distances (wherever the reason is shown:
    /// JSON, CSV, text, overlay).
    public func assess(_ detection: DetectionResult) -> DistributionAssessment {
        let spread = SpreadMetrics(detection, neighbourhoodRadiusMM: neighbourhoodRadiusMM, linkageMM: clusterLinkageMM)
        var assessment = assess(spread)
        if detection.spacingIsAssumed && spread.depositCount > 0 {
            assessment.reason += " (mm at an assumed pixel spacing of \(NumberText.readable(detection.spacingMM) ?? "n/a") mm: the film states none)"
        }
        return assessment
    }

    /// The label for already measured spread figures (which must use this classifier's radius and linkage).
    public func assess(_ spread: SpreadMetrics) -> DistributionAssessment {
        guard spread.depositCount > 0 else {
            return DistributionAssessment(label: .none, score: 0, metrics: spread.named + [("universalis_strength", 0)],
                                          reason: "no deposits found", headline: "", spread: spread)
        }
        func ratio(_ value: Double, _ threshold: Double) -> Double {
            threshold > 0 ? min(2, value / threshold) : 2
        }
        let clusters = spread.clusters.count
        let spanRatio = ratio(spread.spanMM, universalMinimumSpanMM)
        let scattered = min(ratio(Double(clusters), Double(universalMinimumClusters)),
                            ratio(spread.hullFraction, universalHullFraction), spanRatio)
        let diffuse = min(ratio(spread.neighbourhoodFraction, universalNeighbourhoodFraction), spanRatio)
        let chained = ratio(spread.largestClusterExtentMM, universalMinimumSpanMM)
        let strength = max(scattered, diffuse, chained)
        let universal = strength >= 1
        let score = min(1, strength / 2)

        let pct = NumberText.percent
        let n = NumberText.whole
        let foci = "\(clusters) cluster\(clusters == 1 ? "" : "s") at \(n(clusterLinkageMM)) mm linkage"
        let figures = "span \(n(spread.spanMM)) mm (universalis needs ≥ \(n(universalMinimumSpanMM))), \(foci) "
            + "(≥ \(universalMinimumClusters)) with a hull over \(pct(spread.hullFraction)) of the body "
            + "(≥ \(pct(universalHullFraction))), \(pct(spread.neighbourhoodFraction)) of the soft tissue within "
            + "\(n(neighbourhoodRadiusMM)) mm of a deposit (≥ \(pct(universalNeighbourhoodFraction)))"
        var reason: String
        if universal {
            let rule = chained > max(scattered, diffuse) ? "chained: one cluster stretches \(n(spread.largestClusterExtentMM)) mm; "
                : scattered >= diffuse ? "scattered foci: " : "diffuse: "
            reason = rule + figures
        } else {
            let largest = spread.clusters[0]
            reason = "largest cluster holds \(pct(spread.largestClusterAreaShare)) of the deposit area within "
                + "\(n(largest.extentMM)) mm; " + figures
            if let extent = spread.bodyExtentMM, extent < universalMinimumSpanMM {
                reason += "; the film shows only \(n(extent)) mm of body, too little to call universalis"
            }
        }
        let headline = universal && chained > max(scattered, diffuse)
            ? "one cluster over \(n(spread.largestClusterExtentMM)) mm"
            : universal && scattered < diffuse
            ? "\(pct(spread.neighbourhoodFraction)) within \(n(neighbourhoodRadiusMM)) mm"
            : universal ? "hull \(pct(spread.hullFraction)), \(clusters) clusters"
            : "span \(n(spread.spanMM)) mm, \(clusters) cluster\(clusters == 1 ? "" : "s")"
        return DistributionAssessment(label: universal ? .universalis : .circumscripta, score: score,
                                      metrics: spread.named + [("universalis_strength", strength)],
                                      reason: reason, headline: headline, spread: spread)
    }
}
