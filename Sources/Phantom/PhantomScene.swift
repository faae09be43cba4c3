import Foundation

/// The noiseless geometry of one phantom film, drawn from its spec: the limb, its bones, the
/// collimator blades and the exposure. `PhantomGenerator` projects and exposes it; the analytic
/// queries here let a test check the generator's raster against the geometry itself.
///
/// Film coordinates are mm with x = column × spacing, y = row × spacing (pixel centres). The limb
/// runs along the longer side of the film, tilted by up to 3°, and is drawn from the
/// `anatomy` random stream only, so the same seed gives the same limb whatever the deposits.
public struct PhantomScene: Sendable {
    public let spec: PhantomSpec
    let limb: Limb
    let bones: [BoneSegment]
    let patella: ShellEllipsoid?
    /// `u` of the joint space centre, for anatomies with a joint.
    let jointU: Double?
    let collimators: [Collimator]
    /// Line integral of a collimator blade (scatter and leakage leave 8–20 counts).
    let bladeIntegral: Double
    let detector: PhantomTruth.Detector
    /// Expected primary counts behind the soft tissue at the limb's centre (the exposure target).
    let primaryBehindSoftTissue: Double
    /// Seeds of the later random streams.
    static let anatomyStream: UInt64 = 1
    static let detectorStream: UInt64 = 2
    static let collimationStream: UInt64 = 3
    static let markerStream: UInt64 = 4
    static let depositStream: UInt64 = 5
    static let textureStream: UInt64 = 6
    static let noiseStream: UInt64 = 7
    static let clipStream: UInt64 = 8

    /// Builds the scene; the spec must be valid (`PhantomSpec.validate()`).
    public init(_ spec: PhantomSpec) {
        self.spec = spec
        let s = spec.spacingMM
        let widthMM = Double(spec.width - 1) * s, heightMM = Double(spec.height - 1) * s
        let vertical = spec.height >= spec.width
        let longMM = max(widthMM, heightMM), shortMM = min(widthMM, heightMM)
        var rng = SplitMix64(seed: spec.seed, stream: Self.anatomyStream)

        let tilt = rng.uniform(-3, 3) * .pi / 180
        let axis = vertical ? (x: sin(tilt), y: cos(tilt)) : (x: cos(tilt), y: sin(tilt))
        let sideways = rng.uniform(-0.04, 0.04) * shortMM
        var limb = Limb(centreX: widthMM / 2, centreY: heightMM / 2, axisX: axis.x, axisY: axis.y,
                        halfWidth: 0, taperPerMM: 0, bulges: [], depthRatio: 0.8, fatThickness: 5, skinThickness: 1.5)
        // The offset adds no random draw, so a film with an offset has the same limb as without.
        limb.centreX += (sideways + spec.limbOffsetMM) * limb.acrossX
        limb.centreY += (sideways + spec.limbOffsetMM) * limb.acrossY
        limb.skinThickness = rng.uniform(1.2, 1.8)
        var bones: [BoneSegment] = []
        var patella: ShellEllipsoid? = nil
        var jointU: Double? = nil
        let side: Double = rng.chance(0.5) ? 1 : -1  // left or right limb: mirrors the bones across

        switch spec.anatomy {
        case .forearm:
            limb.halfWidth = rng.uniform(30, 37)
            limb.taperPerMM = -rng.uniform(0.0008, 0.0018)
            limb.bulges = [(-0.45 * longMM, 0.35 * longMM, rng.uniform(0.04, 0.10))]
            limb.depthRatio = rng.uniform(0.70, 0.80)
            limb.fatThickness = rng.uniform(3, 6)
            let gap = rng.uniform(5, 9)
            let radiusR = rng.uniform(6, 7.5), ulnaR = rng.uniform(5.5, 7)
            let distal = longMM / 2 + rng.uniform(5, 30)
            var radius = BoneSegment(
                name: "radius", axisV: side * (gap / 2 + radiusR), slope: rng.uniform(-0.01, 0.01),
                shaftRadius: radiusR, medullaRatio: rng.uniform(0.55, 0.7), end: distal, direction: -1,
                epiphysisRadius: radiusR * rng.uniform(1.4, 1.7), capLength: 8, metaphysisLength: 30,
                epiphysisDepthRatio: 0.75, epiphysisCortex: 1.0)
            var ulna = BoneSegment(
                name: "ulna", axisV: -side * (gap / 2 + ulnaR), slope: rng.uniform(-0.01, 0.01),
                shaftRadius: ulnaR, medullaRatio: rng.uniform(0.55, 0.7), end: distal + rng.uniform(-5, 5),
                direction: -1, epiphysisRadius: ulnaR * rng.uniform(1.1, 1.3), capLength: 6,
                metaphysisLength: 20, epiphysisDepthRatio: 0.85, epiphysisCortex: 1.0)
            Self.fit(&radius, in: limb)
            Self.fit(&ulna, in: limb)
            bones = [radius, ulna]

        case .knee:
            let joint = rng.uniform(-0.08, 0.08) * longMM
            let gap = rng.uniform(2, 4)
            jointU = joint
            limb.halfWidth = rng.uniform(48, 58)
            limb.bulges = [(joint - 0.5 * longMM, 0.4 * longMM, rng.uniform(0.05, 0.12)),
                           (joint + 90, 50, rng.uniform(0.03, 0.08))]
            limb.depthRatio = rng.uniform(0.85, 0.95)
            limb.fatThickness = rng.uniform(5, 12)
            let femurV = rng.uniform(-4, 4)
            var femur = BoneSegment(
                name: "femur", axisV: femurV, slope: rng.uniform(-0.02, 0.02), shaftRadius: rng.uniform(11, 13),
                medullaRatio: rng.uniform(0.55, 0.65), end: joint - gap / 2, direction: -1,
                epiphysisRadius: rng.uniform(35, 40), capLength: 14, metaphysisLength: 60,
                epiphysisDepthRatio: 0.7, epiphysisCortex: 1.2)
            let tibiaV = femurV + rng.uniform(-2, 2)
            var tibia = BoneSegment(
                name: "tibia", axisV: tibiaV, slope: rng.uniform(-0.02, 0.02), shaftRadius: rng.uniform(10, 12),
                medullaRatio: rng.uniform(0.55, 0.65), end: joint + gap / 2, direction: 1,
                epiphysisRadius: rng.uniform(33, 38), capLength: 4, metaphysisLength: 45,
                epiphysisDepthRatio: 0.75, epiphysisCortex: 1.2)
            Self.fit(&femur, in: limb)
            Self.fit(&tibia, in: limb)
            femur.fossa = .init(centreT: -4, halfLength: rng.uniform(18, 24), halfWidth: femur.epiphysisRadius * rng.uniform(0.2, 0.28),
                                fraction: rng.uniform(0.35, 0.5))
            var fibula = BoneSegment(
                name: "fibula", axisV: tibiaV + side * tibia.epiphysisRadius * rng.uniform(0.75, 0.85),
                slope: -side * rng.uniform(0.02, 0.04), shaftRadius: rng.uniform(5, 6), medullaRatio: 0.6,
                end: joint + gap / 2 + rng.uniform(10, 15), direction: 1, epiphysisRadius: rng.uniform(8, 10),
                capLength: 6, metaphysisLength: 18, epiphysisDepthRatio: 0.9, epiphysisCortex: 1.0)
            Self.fit(&fibula, in: limb)
            bones = [femur, tibia, fibula]
            patella = ShellEllipsoid(name: "patella", centreU: joint - gap / 2 - rng.uniform(15, 25),
                                     centreV: femurV + rng.uniform(-3, 3), semiU: rng.uniform(20, 24),
                                     semiV: rng.uniform(18, 22), semiDepth: rng.uniform(9, 11), shell: 1.2)

        case .elbow:
            let joint = rng.uniform(-0.08, 0.08) * longMM
            let gap = rng.uniform(2, 4)
            jointU = joint
            limb.halfWidth = rng.uniform(36, 44)
            limb.bulges = [(joint - 0.5 * longMM, 0.4 * longMM, rng.uniform(0.03, 0.08)),
                           (joint + 50, 40, rng.uniform(0.04, 0.10))]
            limb.depthRatio = rng.uniform(0.8, 0.9)
            limb.fatThickness = rng.uniform(4, 8)
            let humerusV = rng.uniform(-3, 3)
            var humerus = BoneSegment(
                name: "humerus", axisV: humerusV, slope: rng.uniform(-0.02, 0.02), shaftRadius: rng.uniform(9, 11),
                medullaRatio: rng.uniform(0.55, 0.65), end: joint - gap / 2, direction: -1,
                epiphysisRadius: rng.uniform(26, 30), capLength: 10, metaphysisLength: 35,
                epiphysisDepthRatio: 0.6, epiphysisCortex: 1.0)
            var radius = BoneSegment(
                name: "radius", axisV: humerusV + side * rng.uniform(10, 13), slope: side * rng.uniform(0.0, 0.03),
                shaftRadius: rng.uniform(6, 7), medullaRatio: rng.uniform(0.55, 0.7), end: joint + gap / 2,
                direction: 1, epiphysisRadius: rng.uniform(9, 11), capLength: 4, metaphysisLength: 15,
                epiphysisDepthRatio: 0.9, epiphysisCortex: 1.0)
            // The olecranon reaches above the joint line, behind the humerus in a frontal view.
            var ulna = BoneSegment(
                name: "ulna", axisV: humerusV - side * rng.uniform(6, 9), slope: -side * rng.uniform(0.0, 0.03),
                shaftRadius: rng.uniform(6.5, 8), medullaRatio: rng.uniform(0.55, 0.7),
                end: joint + gap / 2 - rng.uniform(12, 18), direction: 1, epiphysisRadius: rng.uniform(11, 14),
                capLength: 10, metaphysisLength: 25, epiphysisDepthRatio: 0.8, epiphysisCortex: 1.0)
            Self.fit(&humerus, in: limb)
            humerus.fossa = .init(centreT: rng.uniform(14, 20), halfLength: rng.uniform(8, 11),
                                  halfWidth: humerus.epiphysisRadius * rng.uniform(0.25, 0.35), fraction: rng.uniform(0.4, 0.6))
            Self.fit(&radius, in: limb)
            Self.fit(&ulna, in: limb)
            bones = [humerus, radius, ulna]

        case .thigh:
            limb.halfWidth = rng.uniform(65, 80)
            limb.taperPerMM = -rng.uniform(0.0005, 0.0015)
            limb.bulges = [(-0.2 * longMM, 0.5 * longMM, rng.uniform(0.03, 0.07))]
            limb.depthRatio = rng.uniform(0.9, 1.0)
            limb.fatThickness = rng.uniform(8, 18)
            bones = [.shaft(name: "femur", axisV: side * rng.uniform(0, 10), slope: rng.uniform(-0.03, 0.03),
                            radius: rng.uniform(12, 14), medullaRatio: rng.uniform(0.55, 0.65))]
        }
        self.limb = limb
        self.bones = bones
        self.patella = patella
        self.jointU = jointU

        // Exposure: automatic exposure control aims at a dose behind the soft tissue, so a thigh
        // gets more incident counts than a forearm and the noise in soft tissue stays similar.
        var exposure = SplitMix64(seed: spec.seed, stream: Self.detectorStream)
        let behindSoftTissue = exposure.uniform(3000, 9000)
        let centreIntegral = Limb.softIntegral(v: 0, a: limb.halfWidth(at: 0), b: limb.halfWidth(at: 0) * limb.depthRatio,
                                               fat: limb.fat(at: 0), skin: limb.skinThickness, muscleScale: 1)
        let n0 = (behindSoftTissue * exp(centreIntegral)).rounded()
        let offset = exposure.uniform(80, 160).rounded()
        // Rounded where drawn, so the truth file states exactly the constants the film was made with.
        let electronic = round3(exposure.uniform(2, 6)), blur = round3(exposure.uniform(0.5, 1.0))
        let heel = round3(exposure.uniform(-0.12, 0.12))
        // Thicker parts scatter more (thigh and knee films are usually taken with a grid, which
        // keeps the ratio below ~0.5).
        let scatterRange: ClosedRange<Double> = switch spec.anatomy {
        case .forearm: 0.10...0.25
        case .elbow: 0.15...0.30
        case .knee: 0.20...0.40
        case .thigh: 0.25...0.50
        }
        detector = PhantomTruth.Detector(
            n0: n0, gain: ((4095 - offset) / log(n0) * 10_000).rounded() / 10_000, offset: offset, electronicNoise: electronic, blurSigmaPx: blur,
            heel: heel, scatterToPrimary: round2(exposure.uniform(scatterRange.lowerBound, scatterRange.upperBound)),
            scatterSigmaMM: round2(exposure.uniform(15, 25)), bitsStored: 12)
        primaryBehindSoftTissue = n0 * exp(-centreIntegral)

        var shutters = SplitMix64(seed: spec.seed, stream: Self.collimationStream)
        var collimators: [Collimator] = []
        if spec.collimation {
            let first = Collimator.Edge.allCases[shutters.integer(0...3)]
            var edges = [first]
            if shutters.chance(0.6) {
                let perpendicular: [Collimator.Edge] = (first == .top || first == .bottom) ? [.left, .right] : [.top, .bottom]
                edges.append(perpendicular[shutters.integer(0...1)])
            }
            for edge in edges {
                let across = Double(edge == .top || edge == .bottom ? spec.height : spec.width)
                collimators.append(Collimator(edge: edge, depth: (shutters.uniform(0.04, 0.10) * across).rounded(),
                                              angleDegrees: shutters.uniform(-2, 2), penumbra: 0.5 / s))
            }
        }
        self.collimators = collimators
        bladeIntegral = log(n0 / shutters.uniform(8, 20))
    }

    /// Keeps an epiphysis inside the soft tissue (≤ 85 % of the limb's half-width at the joint).
    private static func fit(_ bone: inout BoneSegment, in limb: Limb) {
        guard let end = bone.end else { return }
        let room = 0.85 * limb.halfWidth(at: end) - abs(bone.axisV + bone.slope * end)
        bone.epiphysisRadius = max(bone.shaftRadius, min(bone.epiphysisRadius, room))
    }

    // MARK: Analytic queries (pixel coordinates: x = column, y = row)

    /// Total path (mm) through bone along the beam at pixel position `(x, y)`.
    public func boneChordMM(x: Double, y: Double) -> Double {
        let (u, v) = limb.frame(x: x * spec.spacingMM, y: y * spec.spacingMM)
        var total = 0.0
        for bone in bones {
            let section = bone.section(at: u)
            total += ellipseChord(v - section.axisV, section.outer, section.outer * section.depthRatio)
        }
        if let patella { total += patella.paths(u: u, v: v).outer }
        return total
    }

    /// Path (mm) through the limb (skin to skin) along the beam at pixel position `(x, y)`.
    public func softTissueChordMM(x: Double, y: Double) -> Double {
        let (u, v) = limb.frame(x: x * spec.spacingMM, y: y * spec.spacingMM)
        let a = limb.halfWidth(at: u)
        return ellipseChord(v, a, a * limb.depthRatio)
    }

    /// Fraction of the beam blocked by the collimator at pixel position `(x, y)`.
    public func collimatorBlockedFraction(x: Double, y: Double) -> Double {
        collimators.reduce(0) { max($0, $1.blocked(x: x, y: y, width: spec.width, height: spec.height)) }
    }

    /// Short descriptions for the truth file.
    var boneTruth: [PhantomTruth.Bone] {
        var list = bones.map { bone -> PhantomTruth.Bone in
            let medulla = bone.shaftRadius * bone.medullaRatio
            let epiphysis = bone.end == nil ? 0 : bone.epiphysisRadius
            let ending = bone.end == nil ? "shaft running off the film" : String(format: "shaft with an epiphysis of half-width %.1f mm", epiphysis)
            return PhantomTruth.Bone(
                name: bone.name, outerRadiusMM: round2(bone.shaftRadius), medullaRadiusMM: round2(medulla),
                epiphysisRadiusMM: round2(epiphysis),
                description: String(format: "%@: %@, cortex %.1f mm", bone.name, ending, bone.shaftRadius - medulla))
        }
        if let patella {
            list.append(PhantomTruth.Bone(
                name: patella.name, outerRadiusMM: round2(patella.semiV), medullaRadiusMM: round2(patella.semiV - patella.shell),
                epiphysisRadiusMM: 0,
                description: String(format: "patella: ellipsoid %.0f × %.0f mm over the femoral condyles", 2 * patella.semiV, 2 * patella.semiU)))
        }
        return list
    }
}
