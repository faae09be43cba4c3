/// Finds collimator blades: bands along a film edge where the beam was blocked.
///
/// A blade is brighter than whatever lies inside it and ends in a straight edge that crosses
/// (nearly) the whole film. Intensity alone cannot tell a blade from bone (scatter makes a blade
/// grade from white to gray), but the straight full-width step can. For each film edge and each
/// line of cells running inward from it, the blade's boundary is the deepest place where the value drops most
/// across three cells, if by more than `jump` and if every cell between the film edge and the
/// step is brighter than the inside by `jump / 2` (a bone parallel to the film edge has air or
/// tissue between it and the edge); when at least 60 % of the lines have one and 80 % of those
/// fit a straight line to within 2 cells (axis-aligned or tilted), every cell between the edge
/// and that line (plus one cell) is collimation. (The WG04 CR hip's two blades had a step on 78 %
/// and 67 % of the lines, the second a double edge with a fifth of its steps off the line; at the
/// earlier 80 % / 90 % both were taken for body and their dust specks for deposits.)
enum CollimationFinder {
    /// A blade covers at most this percentage of the film from its edge (the WG04 hip's deepest: 20 %).
    static let maximumDepthPercent = 35
    /// The step is measured across this many cells (~3 mm: a blade's penumbra and scatter edge).
    static let stepCells = 3
    /// A blade needs a step on at least this share of the lines along its edge …
    static let minimumStepShare = 0.6
    /// … and this share of those steps within `lineToleranceCells` of one straight line.
    static let minimumOnLineShare = 0.8
    static let lineToleranceCells = 2.0
    /// Edges shorter than this many cells (or blades shallower than 4 cells) are not searched.
    static let minimumLines = 8

    /// 1 for blade cells, 0 elsewhere, on the `columns × rows` cell grid.
    static func blades(cellMean: [Float], columns: Int, rows: Int, jump: Float) -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: columns * rows)
        // (lines, depth, cell index of line `l` at depth `k`)
        let edges: [(lines: Int, depth: Int, index: (Int, Int) -> Int)] = [
            (columns, rows, { l, k in k * columns + l }),                    // top
            (columns, rows, { l, k in (rows - 1 - k) * columns + l }),       // bottom
            (rows, columns, { l, k in l * columns + k }),                    // left
            (rows, columns, { l, k in l * columns + (columns - 1 - k) }),    // right
        ]
        for edge in edges {
            let maxDepth = edge.depth * maximumDepthPercent / 100
            guard edge.lines >= minimumLines, maxDepth >= 4 else { continue }
            var positions: [(line: Double, depth: Double)] = []
            for l in 0..<edge.lines {
                var best: Float = jump, depth = -1
                var bandMinimum = Float.infinity
                for k in 0..<maxDepth {
                    bandMinimum = min(bandMinimum, cellMean[edge.index(l, k)])
                    let inside = cellMean[edge.index(l, k + stepCells)]
                    let drop = cellMean[edge.index(l, k)] - inside
                    // The whole band from the film edge to the step is blocked beam, brighter than
                    // the inside: a bone parallel to the film edge has air or tissue beside it.
                    if drop >= best && bandMinimum - inside > jump / 2 {
                        best = drop
                        depth = k
                    }
                }
                if depth >= 0 { positions.append((Double(l), Double(depth))) }
            }
            guard Double(positions.count) >= minimumStepShare * Double(edge.lines), let line = straightLine(positions) else { continue }
            for l in 0..<edge.lines {
                let boundary = Int((line.intercept + line.slope * Double(l)).rounded()) + 1
                for k in 0...min(edge.depth - 1, max(0, boundary)) { mask[edge.index(l, k)] = 1 }
            }
        }
        return mask
    }

    /// Least-squares line through the points, refitted once without the points more than 2 cells
    /// off; nil when too many points are off (the steps are not one straight edge).
    static func straightLine(_ points: [(line: Double, depth: Double)]) -> (intercept: Double, slope: Double)? {
        func fit(_ p: [(line: Double, depth: Double)]) -> (intercept: Double, slope: Double)? {
            let n = Double(p.count)
            guard n >= 2 else { return nil }
            let mx = p.reduce(0) { $0 + $1.line } / n, my = p.reduce(0) { $0 + $1.depth } / n
            let sxx = p.reduce(0) { $0 + ($1.line - mx) * ($1.line - mx) }
            let sxy = p.reduce(0) { $0 + ($1.line - mx) * ($1.depth - my) }
            let slope = sxx > 0 ? sxy / sxx : 0
            return (my - slope * mx, slope)
        }
        guard let first = fit(points) else { return nil }
        let close = points.filter { abs($0.depth - (first.intercept + first.slope * $0.line)) <= lineToleranceCells }
        guard Double(close.count) >= minimumOnLineShare * Double(points.count), let refit = fit(close) else { return nil }
        return refit
    }
}
