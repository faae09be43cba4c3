import Foundation

/// A metal surgical clip (ligation clip, staple) in the limb: a straight strip 4–9 mm long and
/// 0.7–1.5 mm wide, or a V of two such legs, of uniform metal.
///
/// Why: clips are a classic false positive on real films (the CR hip of ../shared/eval carries
/// four): small, sharply outlined, denser than the bone around them, in soft tissue and over bone.
/// A detector must reject them; a classifier learns to only from films that show some.
///
/// Density: steel at the ~45 keV of extremity films attenuates ≈ 1.8 /mm and titanium ≈ 0.4 /mm
/// (NIST XCOM mass attenuation × density); a crushed clip is 0.4–1 mm thick along the beam, so
/// its line integral is 0.4–1.5: as dense as the densest deposits, denser than the cortex.
struct SurgicalClip {
    /// The legs, as segments in pixels (one for a strip, two from a shared end for a V).
    var legs: [(x0: Double, y0: Double, x1: Double, y1: Double)]
    var halfWidthPx: Double
    /// Line integral through the metal (μ × thickness).
    var integral: Double

    /// Pixel box `[x, y, w, h]` of the clip.
    var bbox: [Int] {
        let xs = legs.flatMap { [$0.x0, $0.x1] }, ys = legs.flatMap { [$0.y0, $0.y1] }
        let x0 = Int((xs.min()! - halfWidthPx).rounded(.down)), y0 = Int((ys.min()! - halfWidthPx).rounded(.down))
        let x1 = Int((xs.max()! + halfWidthPx).rounded(.up)), y1 = Int((ys.max()! + halfWidthPx).rounded(.up))
        return [x0, y0, x1 - x0 + 1, y1 - y0 + 1]
    }

    /// Two to five clips at places of the limb (soft tissue or bone) at least 3 mm from air, the
    /// collimated band, a marker and the film's edges; fewer when the limb has no room.
    static func place(in projection: Projection, width: Int, height: Int, spacingMM: Double, seed: UInt64) -> [SurgicalClip] {
        var rng = SplitMix64(seed: seed, stream: PhantomScene.clipStream)
        let count = rng.integer(2...5)
        let margin = 3 / spacingMM
        var clips: [SurgicalClip] = []
        for _ in 0..<count {
            for _ in 0..<200 {
                let length = rng.uniform(4, 9) / spacingMM
                let halfWidth = max(0.5, rng.uniform(0.7, 1.5) / spacingMM / 2)
                let angle = rng.uniform(0, Double.pi)
                let x0 = rng.uniform(0, Double(width)), y0 = rng.uniform(0, Double(height))
                var legs = [(x0, y0, x0 + length * cos(angle), y0 + length * sin(angle))]
                if rng.chance(0.3) {
                    let spread = rng.uniform(0.3, 0.7) * (rng.chance(0.5) ? 1 : -1)
                    legs.append((x0, y0, x0 + length * cos(angle + spread), y0 + length * sin(angle + spread)))
                }
                let clip = SurgicalClip(legs: legs, halfWidthPx: halfWidth, integral: rng.uniform(0.4, 1.5))
                if clip.isClear(projection, width: width, height: height, margin: margin) {
                    clips.append(clip)
                    break
                }
            }
        }
        return clips
    }

    /// Whether every pixel within `margin` of the clip's box is limb (soft tissue or bone) inside the film.
    private func isClear(_ projection: Projection, width: Int, height: Int, margin: Double) -> Bool {
        let box = bbox, m = Int(margin.rounded(.up))
        let x0 = box[0] - m, y0 = box[1] - m, x1 = box[0] + box[2] + m, y1 = box[1] + box[3] + m
        guard x0 >= 0, y0 >= 0, x1 <= width, y1 <= height else { return false }
        let soft = Projection.Tissue.soft.rawValue, bone = Projection.Tissue.bone.rawValue
        for y in y0..<y1 {
            for x in x0..<x1 {
                let t = projection.tissue[y * width + x]
                if t != soft && t != bone { return false }
            }
        }
        return true
    }

    /// Adds the metal to the line integral, with the fraction of each pixel it covers (4×4
    /// sub-samples), and marks the pixels it touches as `marker` (deposits keep clear of them).
    func draw(into projection: inout Projection, width: Int) {
        let box = bbox
        for y in box[1]..<(box[1] + box[3]) {
            for x in box[0]..<(box[0] + box[2]) {
                var covered = 0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let px = Double(x) + (Double(sx) + 0.5) / 4 - 0.5, py = Double(y) + (Double(sy) + 0.5) / 4 - 0.5
                        if legs.contains(where: { Self.distance(px, py, $0) <= halfWidthPx }) { covered += 1 }
                    }
                }
                guard covered > 0 else { continue }
                projection.integral[y * width + x] += Float(integral * Double(covered) / 16)
                projection.tissue[y * width + x] = Projection.Tissue.marker.rawValue
            }
        }
    }

    /// Distance from (x, y) to a segment.
    private static func distance(_ x: Double, _ y: Double, _ s: (x0: Double, y0: Double, x1: Double, y1: Double)) -> Double {
        let dx = s.x1 - s.x0, dy = s.y1 - s.y0
        let t = max(0, min(1, ((x - s.x0) * dx + (y - s.y0) * dy) / max(dx * dx + dy * dy, 1e-12)))
        return hypot(x - (s.x0 + t * dx), y - (s.y0 + t * dy))
    }
}
