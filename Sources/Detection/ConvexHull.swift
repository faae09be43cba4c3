/// The convex hull of points in the plane (Andrew's monotone chain): for the spread of deposits
/// (Classification) and the Feret diameters of one deposit (`DepositShape`).
///
/// Collinear and repeated points are dropped, so a hull of fewer than three points has no area:
/// a caller that wants every deposit to have an extent passes its box corners, not its centroid.
public enum ConvexHull {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// Hull vertices counter-clockwise (in a y-up frame; clockwise on the film, where y runs
    /// down), starting from the leftmost-lowest point.
    public static func of(_ points: [Point]) -> [Point] {
        let sorted = points.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: Point, _ a: Point, _ b: Point) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [Point] = []
        for p in sorted {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        var upper: [Point] = []
        for p in sorted.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// Shoelace area of a hull (0 for fewer than three vertices).
    public static func area(_ hull: [Point]) -> Double {
        guard hull.count > 2 else { return 0 }
        var twice = 0.0
        for i in hull.indices {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            twice += a.x * b.y - b.x * a.y
        }
        return abs(twice) / 2
    }

    /// True when `p` lies inside or on the hull (vertices in the order `of` returns them).
    public static func contains(_ hull: [Point], _ p: Point) -> Bool {
        guard hull.count > 2 else { return false }
        for i in hull.indices {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            if (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) < 0 { return false }
        }
        return true
    }

    /// Largest distance between two vertices: the hull's diameter.
    public static func diameter(_ hull: [Point]) -> Double {
        var best = 0.0
        for i in hull.indices {
            for j in hull.indices where j > i {
                let dx = hull[i].x - hull[j].x, dy = hull[i].y - hull[j].y
                best = max(best, (dx * dx + dy * dy).squareRoot())
            }
        }
        return best
    }

    /// Smallest caliper width of a hull: the least, over its edges, of the largest distance of a
    /// vertex from the edge's line (the narrowest width lies flush with an edge); 0 for fewer
    /// than three vertices.
    public static func width(_ hull: [Point]) -> Double {
        guard hull.count > 2 else { return 0 }
        var best = Double.infinity
        for i in hull.indices {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            let ex = b.x - a.x, ey = b.y - a.y, length = (ex * ex + ey * ey).squareRoot()
            guard length > 0 else { continue }
            var farthest = 0.0
            for p in hull { farthest = max(farthest, abs(ex * (p.y - a.y) - ey * (p.x - a.x)) / length) }
            best = min(best, farthest)
        }
        return best.isFinite ? best : 0
    }
}
