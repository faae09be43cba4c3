/// A lead side marker ("R" or "L") lying on the detector in the air beside the limb: a blocky
/// letter 8–12 mm high that is nearly opaque, as bright as the collimated band.
///
/// It is a classic false positive (bright, compact, high contrast) that a detector must reject
/// because it lies outside the body.
struct LeadMarker {
    /// 5 × 7 glyphs, top row first, `#` = lead.
    static let glyphs: [String: [String]] = [
        "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        "L": ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
    ]

    var text: String
    /// Top-left pixel and cell size (pixels per glyph cell).
    var left: Int
    var top: Int
    var cell: Int

    var widthPx: Int { 5 * cell }
    var heightPx: Int { 7 * cell }

    /// Looks for a place at least 3 mm from any tissue, collimated band and film edge; nil when the
    /// limb fills the film.
    static func place(in projection: Projection, width: Int, height: Int, spacingMM: Double, seed: UInt64) -> LeadMarker? {
        var rng = SplitMix64(seed: seed, stream: PhantomScene.markerStream)
        let text = rng.chance(0.5) ? "R" : "L"
        let cell = max(1, Int((rng.uniform(8, 12) / 7 / spacingMM).rounded()))
        let margin = Int((3 / spacingMM).rounded(.up))
        let w = 5 * cell, h = 7 * cell
        guard width > w + 2 * margin, height > h + 2 * margin else { return nil }
        for _ in 0..<400 {
            let left = rng.integer(margin...(width - w - margin))
            let top = rng.integer(margin...(height - h - margin))
            if isClear(projection, width: width, x0: left - margin, y0: top - margin, x1: left + w + margin, y1: top + h + margin) {
                return LeadMarker(text: text, left: left, top: top, cell: cell)
            }
        }
        return nil
    }

    private static func isClear(_ projection: Projection, width: Int, x0: Int, y0: Int, x1: Int, y1: Int) -> Bool {
        for y in y0..<y1 {
            for x in x0..<x1 where projection.tissue[y * width + x] != Projection.Tissue.air.rawValue {
                return false
            }
        }
        return true
    }

    /// Adds the lead to the line integral and marks its pixels.
    func draw(into projection: inout Projection, width: Int, integral: Double) {
        guard let rows = Self.glyphs[text] else { return }
        for (r, line) in rows.enumerated() {
            for (c, mark) in line.enumerated() where mark == "#" {
                for y in (top + r * cell)..<(top + (r + 1) * cell) {
                    for x in (left + c * cell)..<(left + (c + 1) * cell) {
                        projection.integral[y * width + x] += Float(integral)
                        projection.tissue[y * width + x] = Projection.Tissue.marker.rawValue
                    }
                }
            }
        }
    }
}
