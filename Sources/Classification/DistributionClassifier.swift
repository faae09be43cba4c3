import Detection
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides `none` / `circumscripta` / `universalis` from where the deposits lie relative to
/// the imaged body, using only the detector's measures (never pixels).
///
/// Two figures decide, both relative to the body so that a close-up of a fingertip and a
/// whole thigh are judged alike:
/// - **span fraction**: the largest distance between two deposits (centroids, plus the mean
///   deposit diameter) divided by the body's extent (its bounding-box diagonal);
/// - **coverage fraction**: the share of body cells within `coverageRadiusMM` of a deposit.
/// Deposits are also grouped into clusters by single linkage at `clusterLinkageMM` (edge to edge,
/// approximating each deposit by a disc of its area), reported as figures.
public struct DistributionClassifier: Sendable {
    /// Distance (mm) within which two deposits belong to one cluster (BI-RADS calls ≥ 5
    /// calcifications within 10 mm "grouped"; 15 mm joins the nodules of one joint).
    public var clusterLinkageMM: Double = 15
    /// Radius (mm) of the neighbourhood a deposit "covers" for the coverage fraction.
    public var coverageRadiusMM: Double = 10
    /// Universalis when the deposits span at least this fraction of the body's extent …
    public var universalSpanFraction: Double = 0.5
    /// … in at least this many clusters, …
    public var universalMinimumClusters: Int = 3
    /// … or when they cover at least this fraction of the body.
    public var universalCoverageFraction: Double = 0.25

    public init() {}

    /// `spacingMM` is the film's mean pixel spacing, or the detector's assumed one.
    public func assess(_ detection: DetectionResult, spacingMM: Double) -> DistributionAssessment {
        let deposits = detection.deposits
        let body = detection.body
        let cellMM = Double(body.cellSize) * spacingMM
        let bodyCells = body.cells.reduce(0) { $0 + Int($1) }
        let bodyAreaMM2 = Double(bodyCells) * cellMM * cellMM
        guard !deposits.isEmpty else {
            return DistributionAssessment(
                label: .none, score: 0,
                metrics: [("deposit_count", 0), ("body_area_mm2", bodyAreaMM2)],
                reason: "no deposits found")
        }

        // Positions and disc radii in mm.
        let points = deposits.map { (x: $0.centroidX * spacingMM, y: $0.centroidY * spacingMM,
                                     r: (Double($0.areaPx) / Double.pi).squareRoot() * spacingMM,
                                     area: Double($0.areaPx)) }
        var span = 0.0
        for i in points.indices {
            for j in points.indices where j > i {
                span = max(span, hypot(points[i].x - points[j].x, points[i].y - points[j].y))
            }
        }
        let meanDiameter = points.reduce(0) { $0 + 2 * $1.r } / Double(points.count)
        let bodyExtent = Self.bodyExtentMM(body, cellMM: cellMM)
        let spanFraction = bodyExtent > 0 ? min(1, (span + meanDiameter) / bodyExtent) : 1

        // Single-linkage clusters, edge to edge.
        var cluster = Array(points.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while cluster[i] != i { i = cluster[i] }
            return i
        }
        for i in points.indices {
            for j in points.indices where j > i {
                let gap = hypot(points[i].x - points[j].x, points[i].y - points[j].y) - points[i].r - points[j].r
                if gap <= clusterLinkageMM { cluster[root(j)] = root(i) }
            }
        }
        var clusterArea: [Int: Double] = [:]
        for i in points.indices { clusterArea[root(i), default: 0] += points[i].area }
        let clusters = clusterArea.count
        let totalArea = points.reduce(0) { $0 + $1.area }
        let largestShare = (clusterArea.values.max() ?? 0) / totalArea

        let coverage = Self.coverageFraction(body, points: points, radiusMM: coverageRadiusMM, cellMM: cellMM, bodyCells: bodyCells)

        let universal = (spanFraction >= universalSpanFraction && clusters >= universalMinimumClusters)
            || coverage >= universalCoverageFraction
        let score = min(1, max(spanFraction * min(1, Double(clusters) / Double(universalMinimumClusters)),
                               coverage / universalCoverageFraction * 0.5))
        let metrics: [(name: String, value: Double)] = [
            ("deposit_count", Double(deposits.count)),
            ("body_area_mm2", bodyAreaMM2),
            ("span_mm", span),
            ("span_fraction", spanFraction),
            ("coverage_fraction", coverage),
            ("clusters", Double(clusters)),
            ("largest_cluster_area_share", largestShare),
        ]
        let figures = "deposits span \(Self.percent(spanFraction)) of the body's extent in \(clusters) cluster\(clusters == 1 ? "" : "s") (\(clusterLinkageMM.formatted0) mm linkage), \(Self.percent(coverage)) of the body within \(coverageRadiusMM.formatted0) mm of a deposit"
        return DistributionAssessment(label: universal ? .universalis : .circumscripta, score: score, metrics: metrics, reason: figures)
    }

    static func bodyExtentMM(_ body: BodyMap, cellMM: Double) -> Double {
        var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
        for cy in 0..<body.rows {
            for cx in 0..<body.columns where body.cells[cy * body.columns + cx] != 0 {
                minX = min(minX, cx); maxX = max(maxX, cx); minY = min(minY, cy); maxY = max(maxY, cy)
            }
        }
        guard minX <= maxX else { return 0 }
        return hypot(Double(maxX - minX + 1), Double(maxY - minY + 1)) * cellMM
    }

    static func coverageFraction(_ body: BodyMap, points: [(x: Double, y: Double, r: Double, area: Double)],
                                 radiusMM: Double, cellMM: Double, bodyCells: Int) -> Double {
        guard bodyCells > 0 else { return 0 }
        var covered = [Bool](repeating: false, count: body.cells.count)
        for p in points {
            let reach = p.r + radiusMM
            let x0 = max(0, Int((p.x - reach) / cellMM)), x1 = min(body.columns - 1, Int((p.x + reach) / cellMM))
            let y0 = max(0, Int((p.y - reach) / cellMM)), y1 = min(body.rows - 1, Int((p.y + reach) / cellMM))
            guard x0 <= x1, y0 <= y1 else { continue }
            for cy in y0...y1 {
                for cx in x0...x1 {
                    let dx = (Double(cx) + 0.5) * cellMM - p.x, dy = (Double(cy) + 0.5) * cellMM - p.y
                    if dx * dx + dy * dy <= reach * reach { covered[cy * body.columns + cx] = true }
                }
            }
        }
        var n = 0
        for i in covered.indices where covered[i] && body.cells[i] != 0 { n += 1 }
        return Double(n) / Double(bodyCells)
    }

    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded())) %" }
}

private extension Double {
    var formatted0: String { String(Int(self.rounded())) }
}
