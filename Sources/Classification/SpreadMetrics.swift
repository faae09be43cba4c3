import Detection
import Radiography

/// Where the deposits lie relative to the imaged body, in mm and fractions, from the detector's
/// body map (~1 mm cells) and deposit boxes only: no pixels.
///
/// Every deposit is taken as its bounding box (in mm), so a long streak along a fascia counts
/// over its whole length, not at its centroid.
/// - **Body**: cells of the body map; **soft tissue**: body cells that are not bone.
/// - **Neighbourhood fraction**: share of the soft-tissue cells whose centre lies within
///   `neighbourhoodRadiusMM` of a deposit's box. Diffuse calcinosis keeps most of the soft
///   tissue near a deposit; a single focus only its own surroundings.
/// - **Hull fraction**: share of the body cells inside the convex hull of all deposit box
///   corners. Counted on body cells, so a hull that reaches across air is not inflated by it.
/// - **Clusters**: single linkage: two deposits whose boxes are within `linkageMM` of each
///   other (edge to edge) belong to one cluster. Each cluster has its extent (diagonal of the
///   box around its members), its deposit area and count.
/// - **Span**: the largest distance across the hull (mm).
///
/// Edge cases: no deposits gives zero spread; an empty body map (nothing but air or collimation)
/// gives zero fractions rather than a division by zero; a film without spacing is measured with
/// the spacing the caller assumes, and then the mm figures are only as good as that guess.
public struct SpreadMetrics: Sendable, Equatable {
    /// One group of deposits at the linkage distance.
    public struct Cluster: Sendable, Equatable {
        /// Deposit ids in the cluster, ascending.
        public var depositIDs: [Int]
        public var areaMM2: Double
        /// Diagonal of the box around all its deposits (mm).
        public var extentMM: Double
        /// Area-weighted centre in film pixels (x = column).
        public var centreX: Double
        public var centreY: Double
    }

    public var depositCount: Int
    public var bodyAreaMM2: Double
    public var boneAreaMM2: Double
    /// Body minus bone.
    public var softTissueAreaMM2: Double
    public var depositAreaMM2: Double
    public var neighbourhoodRadiusMM: Double
    public var neighbourhoodFraction: Double
    public var hullFraction: Double
    public var spanMM: Double
    public var linkageMM: Double
    /// Largest deposit area first (ties: lowest first id).
    public var clusters: [Cluster]
    /// Share of the deposit area in the largest cluster (1 for a single cluster, 0 without deposits).
    public var largestClusterAreaShare: Double

    /// Diagonal of the box around the body cells (mm); nil without body.
    public var bodyExtentMM: Double?

    public var largestClusterExtentMM: Double { clusters.map(\.extentMM).max() ?? 0 }

    /// Measures `detection` at the spacing the detector used (`detection.spacingMM`: the film's
    /// mean pixel spacing, or the assumed one).
    public init(_ detection: DetectionResult, neighbourhoodRadiusMM: Double, linkageMM: Double) {
        let spacingMM = detection.spacingMM
        let body = detection.body
        let deposits = detection.deposits
        let mm = spacingMM.isFinite && spacingMM > 0 ? spacingMM : 1
        let cellMM = Double(body.cellSize) * mm
        let cellCount = min(body.cells.count, body.columns * body.rows, body.bone.count)
        var bodyCells = 0, boneCells = 0
        var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
        for i in 0..<cellCount where body.cells[i] != 0 {
            bodyCells += 1
            if body.bone[i] != 0 { boneCells += 1 }
            let cx = i % max(1, body.columns), cy = i / max(1, body.columns)
            minX = min(minX, cx); maxX = max(maxX, cx); minY = min(minY, cy); maxY = max(maxY, cy)
        }
        if bodyCells > 0 {
            let w = Double(maxX - minX + 1) * cellMM, h = Double(maxY - minY + 1) * cellMM
            bodyExtentMM = (w * w + h * h).squareRoot()
        } else {
            bodyExtentMM = nil
        }
        let cellArea = cellMM * cellMM
        depositCount = deposits.count
        bodyAreaMM2 = Double(bodyCells) * cellArea
        boneAreaMM2 = Double(boneCells) * cellArea
        softTissueAreaMM2 = Double(bodyCells - boneCells) * cellArea
        depositAreaMM2 = Double(deposits.reduce(0) { $0 + $1.areaPx }) * mm * mm
        self.neighbourhoodRadiusMM = neighbourhoodRadiusMM
        self.linkageMM = linkageMM

        // Deposit boxes in mm: [x0, x1] × [y0, y1] covering the pixels' full extent.
        let boxes = deposits.map { d in
            (x0: (Double(d.bbox.x) - 0.5) * mm, x1: (Double(d.bbox.x + d.bbox.width) - 0.5) * mm,
             y0: (Double(d.bbox.y) - 0.5) * mm, y1: (Double(d.bbox.y + d.bbox.height) - 0.5) * mm)
        }
        // Cell centres in mm, in the same frame (pixel centres at integer × spacing).
        func cellCentre(_ c: Int) -> Double { (Double(c * body.cellSize) + Double(body.cellSize) / 2 - 0.5) * mm }

        // Neighbourhood: soft-tissue cells within the radius of a deposit's box.
        var near = [Bool](repeating: false, count: cellCount)
        let r = max(0, neighbourhoodRadiusMM)
        for b in boxes where cellMM > 0 {
            let cx0 = Self.cell((b.x0 - r) / cellMM, .down, in: 0...Int.max), cx1 = Self.cell((b.x1 + r) / cellMM, .up, in: Int.min...(body.columns - 1))
            let cy0 = Self.cell((b.y0 - r) / cellMM, .down, in: 0...Int.max), cy1 = Self.cell((b.y1 + r) / cellMM, .up, in: Int.min...(body.rows - 1))
            guard cx0 <= cx1, cy0 <= cy1 else { continue }
            for cy in cy0...cy1 {
                let y = cellCentre(cy), dy = max(0, b.y0 - y, y - b.y1)
                for cx in cx0...cx1 {
                    let x = cellCentre(cx), dx = max(0, b.x0 - x, x - b.x1)
                    if dx * dx + dy * dy <= r * r { near[cy * body.columns + cx] = true }
                }
            }
        }
        var nearSoft = 0
        for i in 0..<cellCount where near[i] && body.cells[i] != 0 && body.bone[i] == 0 { nearSoft += 1 }
        neighbourhoodFraction = bodyCells > boneCells ? Double(nearSoft) / Double(bodyCells - boneCells) : 0

        // Hull of the box corners; body cells whose centre lies inside it.
        let corners = boxes.flatMap { b in
            [ConvexHull.Point(x: b.x0, y: b.y0), ConvexHull.Point(x: b.x1, y: b.y0),
             ConvexHull.Point(x: b.x0, y: b.y1), ConvexHull.Point(x: b.x1, y: b.y1)]
        }
        let hull = ConvexHull.of(corners)
        spanMM = ConvexHull.diameter(hull)
        var inside = 0
        if hull.count > 2, cellMM > 0 {
            let hx0 = hull.map(\.x).min()!, hx1 = hull.map(\.x).max()!
            let hy0 = hull.map(\.y).min()!, hy1 = hull.map(\.y).max()!
            let cx0 = Self.cell(hx0 / cellMM, .down, in: 0...Int.max), cx1 = Self.cell(hx1 / cellMM, .up, in: Int.min...(body.columns - 1))
            let cy0 = Self.cell(hy0 / cellMM, .down, in: 0...Int.max), cy1 = Self.cell(hy1 / cellMM, .up, in: Int.min...(body.rows - 1))
            if cx0 <= cx1, cy0 <= cy1 {
                for cy in cy0...cy1 {
                    for cx in cx0...cx1 where body.cells[cy * body.columns + cx] != 0 {
                        if ConvexHull.contains(hull, ConvexHull.Point(x: cellCentre(cx), y: cellCentre(cy))) { inside += 1 }
                    }
                }
            }
        }
        hullFraction = bodyCells > 0 ? Double(inside) / Double(bodyCells) : 0

        // Single linkage on box gaps.
        var sets = DisjointSets(count: deposits.count)
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let gx = max(0, boxes[j].x0 - boxes[i].x1, boxes[i].x0 - boxes[j].x1)
                let gy = max(0, boxes[j].y0 - boxes[i].y1, boxes[i].y0 - boxes[j].y1)
                if gx * gx + gy * gy <= linkageMM * linkageMM { sets.union(i, j) }
            }
        }
        var members: [Int: [Int]] = [:]
        for i in deposits.indices { members[sets.find(i), default: []].append(i) }
        var clusters = members.values.map { indices -> Cluster in
            var area = 0.0, sx = 0.0, sy = 0.0
            var x0 = Double.infinity, x1 = -Double.infinity, y0 = Double.infinity, y1 = -Double.infinity
            for i in indices {
                let d = deposits[i], a = Double(d.areaPx)
                area += a
                sx += a * d.centroidX
                sy += a * d.centroidY
                x0 = min(x0, boxes[i].x0); x1 = max(x1, boxes[i].x1)
                y0 = min(y0, boxes[i].y0); y1 = max(y1, boxes[i].y1)
            }
            let weight = max(area, 1)
            return Cluster(depositIDs: indices.map { deposits[$0].id }.sorted(), areaMM2: area * mm * mm,
                           extentMM: ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot(),
                           centreX: sx / weight, centreY: sy / weight)
        }
        clusters.sort { $0.areaMM2 != $1.areaMM2 ? $0.areaMM2 > $1.areaMM2 : $0.depositIDs[0] < $1.depositIDs[0] }
        self.clusters = clusters
        largestClusterAreaShare = depositAreaMM2 > 0 ? (clusters.first?.areaMM2 ?? 0) / depositAreaMM2 : 0
    }

    /// The figures under their stable names (the keys of `distribution_metrics`), in a fixed order.
    public var named: [(name: String, value: Double)] {
        [
            ("deposit_count", Double(depositCount)),
            ("deposit_area_mm2", depositAreaMM2),
            ("body_area_mm2", bodyAreaMM2),
            ("bone_area_mm2", boneAreaMM2),
            ("soft_tissue_area_mm2", softTissueAreaMM2),
            ("neighbourhood_radius_mm", neighbourhoodRadiusMM),
            ("neighbourhood_fraction", neighbourhoodFraction),
            ("hull_fraction", hullFraction),
            ("span_mm", spanMM),
            ("linkage_mm", linkageMM),
            ("cluster_count", Double(clusters.count)),
            ("largest_cluster_extent_mm", largestClusterExtentMM),
            ("largest_cluster_area_share", largestClusterAreaShare),
        ]
    }

    /// A cell index from a position in cells, clamped by `CheckedConversion` (a radius of
    /// infinity or a NaN position gives a bound, not a trap).
    private static func cell(_ x: Double, _ rule: FloatingPointRoundingRule, in range: ClosedRange<Int>) -> Int {
        CheckedConversion.clampedInt(x, in: range, rounding: rule)
    }
}
