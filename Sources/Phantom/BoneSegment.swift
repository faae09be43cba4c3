/// One long bone: a hollow cylinder (cortical shell around a medulla) along the limb, ending in a
/// bulbous epiphysis at an articular end, or running off the film.
///
/// The bone is a solid of revolution around its own axis, flattened along the beam by a depth
/// ratio, so the path at `(u, v)` is an ellipse chord of the outer radius minus that of the
/// medulla: the shell's tangential paths make the bright cortical edges without drawing them.
/// Toward the end, the radius flares over the metaphysis to the epiphysis and closes with an
/// ellipsoidal cap; there the cortex thins to ~1 mm and the medulla becomes dense cancellous bone
/// with stronger trabecular texture.
struct BoneSegment: Sendable {
    var name: String
    /// `v` of the bone axis at `u = 0`, and its slope dv/du.
    var axisV: Double
    var slope: Double
    var shaftRadius: Double
    /// Medulla radius over outer radius in the shaft (0.55–0.7).
    var medullaRatio: Double
    /// `u` of the articular end, and which side the bone lies on (+1: at larger `u`). nil: a shaft.
    var end: Double?
    var direction: Double
    var epiphysisRadius: Double
    var capLength: Double
    var metaphysisLength: Double
    var epiphysisDepthRatio: Double
    var epiphysisCortex: Double
    /// A thinner region near the end (intercondylar notch of the femur, olecranon fossa of the
    /// humerus): an ellipse in (t, d) where only `1 − fraction` of the bone's path remains.
    var fossa: Fossa? = nil

    struct Fossa {
        /// Centre along the bone, measured from the articular end (mm; ≤ 0 opens at the end).
        var centreT: Double
        var halfLength: Double
        var halfWidth: Double
        var fraction: Double
    }

    /// Share of the bone's path kept at `(u, d)` (d from the bone axis): 1 outside the fossa, with a
    /// soft rim so the fossa has no artificial step.
    @inline(__always)
    func fossaFactor(u: Double, d: Double) -> Double {
        guard let fossa, let end else { return 1 }
        let t = direction * (u - end)
        let a = (t - fossa.centreT) / fossa.halfLength, b = d / fossa.halfWidth
        let q = a * a + b * b
        guard q < 1 else { return 1 }
        return 1 - fossa.fraction * smoothstep((1 - q) / 0.3)
    }

    static func shaft(name: String, axisV: Double, slope: Double, radius: Double, medullaRatio: Double) -> BoneSegment {
        BoneSegment(name: name, axisV: axisV, slope: slope, shaftRadius: radius, medullaRatio: medullaRatio,
                    end: nil, direction: 1, epiphysisRadius: radius, capLength: 1, metaphysisLength: 1,
                    epiphysisDepthRatio: 1, epiphysisCortex: 1)
    }

    /// Cross-section at `u`: outer and medulla radius (mm), depth ratio, medulla μ and texture amplitude.
    struct Section {
        var axisV: Double
        var outer: Double
        var medulla: Double
        var depthRatio: Double
        var medullaMu: Double
        var textureAmplitude: Double
    }

    func section(at u: Double) -> Section {
        let axis = axisV + slope * u
        let shaftCortex = shaftRadius * (1 - medullaRatio)
        guard let end else {
            return Section(axisV: axis, outer: shaftRadius, medulla: shaftRadius - shaftCortex, depthRatio: 1,
                           medullaMu: Attenuation.marrow, textureAmplitude: Attenuation.textureShaft)
        }
        let t = direction * (u - end)  // mm into the bone from its articular end
        if t <= 0 {
            return Section(axisV: axis, outer: 0, medulla: 0, depthRatio: 1, medullaMu: 0, textureAmplitude: 0)
        }
        let outer: Double
        let epiphyseal: Double  // 1 in the epiphysis, 0 in the shaft
        if t < capLength {
            let c = (capLength - t) / capLength
            outer = epiphysisRadius * max(0, 1 - c * c).squareRoot()
            epiphyseal = 1
        } else {
            let s = smoothstep((t - capLength) / metaphysisLength)
            outer = epiphysisRadius + (shaftRadius - epiphysisRadius) * s
            epiphyseal = 1 - s
        }
        let cortex = min(epiphysisCortex * epiphyseal + shaftCortex * (1 - epiphyseal), outer * 0.5)
        return Section(
            axisV: axis, outer: outer, medulla: max(outer - cortex, 0),
            depthRatio: epiphysisDepthRatio * epiphyseal + (1 - epiphyseal),
            medullaMu: Attenuation.spongiosa * epiphyseal + Attenuation.marrow * (1 - epiphyseal),
            textureAmplitude: Attenuation.textureEpiphysis * epiphyseal + Attenuation.textureShaft * (1 - epiphyseal))
    }

    /// Widest half-width anywhere along the bone.
    var maximumRadius: Double { end == nil ? shaftRadius : max(shaftRadius, epiphysisRadius) }
}
