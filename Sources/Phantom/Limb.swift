import Foundation

/// The soft tissue of the limb: a cylinder of elliptical cross-section along the film's long axis,
/// whose half-width tapers and bulges along the limb (muscle bellies, the narrowing at a joint).
///
/// Geometry is in mm in the limb frame: `u` along the axis (proximal → distal), `v` across it in
/// the film plane; the beam runs along the depth. Layers from outside in: skin (1.2–1.8 mm),
/// subcutaneous fat, muscle. The path through each layer is an ellipse chord, so the skin line
/// (the skin seen tangentially at the edge) comes out of the geometry, not drawn.
struct Limb: Sendable {
    /// A point on the axis, in film mm (x right, y down, origin at the top-left pixel centre).
    var centreX: Double
    var centreY: Double
    /// Unit vector along the limb and across it (film mm).
    var axisX: Double
    var axisY: Double
    var halfWidth: Double
    /// Relative change of half-width per mm of `u` (negative: narrower distally).
    var taperPerMM: Double
    /// Muscle bellies and the like: `(u centre, half-length, relative amount)` Gaussian bumps.
    var bulges: [(centre: Double, halfLength: Double, amount: Double)]
    /// Depth (along the beam) over width of the cross-section.
    var depthRatio: Double
    var fatThickness: Double
    var skinThickness: Double

    var acrossX: Double { axisY }
    var acrossY: Double { -axisX }

    func frame(x: Double, y: Double) -> (u: Double, v: Double) {
        let dx = x - centreX, dy = y - centreY
        return (dx * axisX + dy * axisY, dx * acrossX + dy * acrossY)
    }

    func filmPoint(u: Double, v: Double) -> (x: Double, y: Double) {
        (centreX + u * axisX + v * acrossX, centreY + u * axisY + v * acrossY)
    }

    /// Half-width of the limb (skin to skin / 2) at `u`, never below 40 % of the nominal one.
    func halfWidth(at u: Double) -> Double {
        var scale = 1 + taperPerMM * u
        for bulge in bulges {
            let t = (u - bulge.centre) / bulge.halfLength
            scale += bulge.amount * exp(-t * t)
        }
        return halfWidth * max(scale, 0.4)
    }

    /// Subcutaneous fat at `u`: thicker over muscle bellies, never more than a third of the half-width.
    func fat(at u: Double) -> Double {
        min(fatThickness * (0.8 + 0.4 * (0.5 + 0.5 * sin(u / 23.0))), halfWidth(at: u) / 3)
    }

    /// Soft-tissue line integral Σμ·path (per mm × mm) at `(u, v)` with the muscle density scaled
    /// by `1 + variation`. Air gives 0.
    @inline(__always)
    static func softIntegral(v: Double, a: Double, b: Double, fat: Double, skin: Double, muscleScale: Double) -> Double {
        let outer = ellipseChord(v, a, b)
        if outer == 0 { return 0 }
        let underSkin = ellipseChord(v, a - skin, b - skin)
        let muscle = ellipseChord(v, a - fat, b - fat)
        return Attenuation.fat * outer
            + (Attenuation.skin - Attenuation.fat) * (outer - underSkin)
            + (Attenuation.muscle * muscleScale - Attenuation.fat) * muscle
    }
}
