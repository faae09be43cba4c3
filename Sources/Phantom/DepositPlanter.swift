import Foundation

/// Places calcium deposits in the soft tissue and paints their label mask and line integrals.
///
/// Every deposit is an ellipsoid with one principal axis along the beam, so its projection is an
/// ellipse and its path is `2c·√(1 − q)`. Rules that keep the truth honest:
/// - only in soft tissue: every footprint pixel is ≥ 2 mm from bone, air (the skin line), the
///   collimated band and the marker (a distance-transform lookup), and ≥ 2 mm inside the film;
///   the `overBone` scenario alone drops the distance to bone (subcutaneous deposits in front of
///   a bone project onto it) and records per deposit whether it mostly does;
/// - deposits never touch: no labelled pixel of another deposit within 1.5 mm (+1 px) of a
///   footprint pixel, so each truth deposit is one connected component of the mask;
/// - the smallest in-plane semi-axis is at least 0.75 px, which guarantees at least one pixel
///   centre inside the footprint;
/// - the line integral is averaged over 4 × 4 points per pixel (the detector integrates over its
///   pixel), so sub-pixel specks keep their true total attenuation.
struct DepositPlanter {
    struct Planted {
        var kind: PhantomTruth.DepositKind
        var group: Int?
        var mu: Double
        var lengthMM: Double
        var widthMM: Double
        var depthMM: Double
        /// Pixel box (inclusive) the deposit's line integral was painted in.
        var x0: Int, y0: Int, x1: Int, y1: Int
        /// Pixels that received its line integral (no other deposit paints them: footprints are
        /// ≥ 1.5 mm apart and the painting reaches one pixel beyond the footprint).
        var painted: [Int]
        /// Set in the `overBone` scenario only: at least half the footprint projects onto bone.
        var overBone: Bool? = nil
    }

    let width: Int
    let height: Int
    let spacing: Double
    let scene: PhantomScene
    let tissue: [UInt8]
    let clearance: [Float]
    /// Unit-σ band-limited noise that mottles large nodules (calcinosis masses are chalky and
    /// uneven, not uniform ellipsoids).
    let texture: [Float]
    var label: [UInt16]
    var integral: [Float]
    var planted: [Planted] = []
    private var rng: SplitMix64
    private let minimumClearancePx: Float
    private let separationOffsets: [Int]  // (dy * width + dx) within the separation disc
    private let separationReach: Int
    private var footprint: [Int] = []
    /// Distance (px) to air, the collimated band and the marker, but not to bone: where a deposit
    /// may project onto bone. Made only for the `overBone` scenario.
    private var clearanceIgnoringBone: [Float]? = nil

    init(scene: PhantomScene, tissue: [UInt8], clearance: [Float], texture: [Float]) {
        let spec = scene.spec
        width = spec.width
        height = spec.height
        spacing = spec.spacingMM
        self.scene = scene
        self.tissue = tissue
        self.clearance = clearance
        self.texture = texture
        label = [UInt16](repeating: 0, count: width * height)
        integral = [Float](repeating: 0, count: width * height)
        rng = SplitMix64(seed: spec.seed, stream: PhantomScene.depositStream)
        minimumClearancePx = Float(2 / spacing)
        let reach = 1.5 / spacing + 1
        separationReach = Int(reach.rounded(.up))
        var offsets: [Int] = []
        for dy in -separationReach...separationReach {
            for dx in -separationReach...separationReach where Double(dx * dx + dy * dy) <= reach * reach {
                offsets.append(dy * spec.width + dx)
            }
        }
        separationOffsets = offsets
    }

    // MARK: Scenarios

    /// Plants `scenario`, or `distribution`'s own pattern when the scenario is `typical` (whose
    /// random draws are exactly those of a spec without a scenario).
    mutating func plant(_ distribution: PhantomDistribution, scenario: PhantomScenario) {
        let limb = scene.limb
        let longMM = Double(max(width, height)) * spacing
        switch scenario {
        case .typical:
            plant(distribution)
        case .twoDistantClusters:
            // One cluster in each outer stretch of the limb (25–40 % of the film's length from the centre).
            for (group, end) in [(1, -1.0), (2, 1.0)] {
                for _ in 0..<3000 {
                    let u = end * rng.uniform(0.25, 0.4) * longMM
                    guard let (x, y) = softPoint(u: u, v: rng.uniform(-0.9, 0.9) * limb.halfWidth(at: u), clearanceMM: 5) else { continue }
                    if plantCluster(group: group, x: x, y: y) { break }
                }
            }
        case .sparseSpread:
            // One nodule in each of 5–7 equal stretches along the limb.
            let bands = rng.integer(5...7)
            for band in 0..<bands {
                let shape = nodule(maximumMM: 6)
                let from = -0.45 + 0.9 * Double(band) / Double(bands), to = -0.45 + 0.9 * Double(band + 1) / Double(bands)
                for _ in 0..<300 {
                    let u = rng.uniform(from, to) * longMM
                    guard let (x, y) = softPoint(u: u, v: rng.uniform(-0.85, 0.85) * limb.halfWidth(at: u),
                                                 clearanceMM: 2 + shape.widthMM / 2) else { continue }
                    if place(shape, x: x, y: y, group: nil) { break }
                }
            }
        case .largeNodule:
            // 12–18 mm, shrunk by 10 % at a time (not below 8 mm) where the soft tissue is too narrow (a forearm).
            var d = rng.uniform(12, 18)
            let w = d * rng.uniform(0.75, 1), depth = w * rng.uniform(0.8, 1.2)
            let mu = min(rng.uniform(Attenuation.depositLow, Attenuation.depositHigh), Attenuation.maximumDepositIntegral / depth)
            var shape = Shape(kind: .nodule, lengthMM: d, widthMM: w, depthMM: depth, mu: mu, angle: nil)
            shape.lobes = (0..<rng.integer(1...3)).map { _ in
                Lobe(direction: rng.uniform(0, 2 * .pi), reach: rng.uniform(0.45, 0.7), scale: rng.uniform(0.4, 0.7))
            }
            shape.mottle = rng.uniform(0.08, 0.2)
            placing: while d >= 8 {
                for _ in 0..<100 {
                    guard let (x, y) = randomSoftPoint(clearanceMM: 2 + shape.widthMM / 2) else { break }
                    if place(shape, x: x, y: y, group: nil) { break placing }
                }
                d *= 0.9
                shape.lengthMM *= 0.9
                shape.widthMM *= 0.9
                shape.depthMM *= 0.9
            }
        case .overBone:
            var isFeature = [Bool](repeating: false, count: width * height)
            let air = Projection.Tissue.air.rawValue, blocked = Projection.Tissue.blocked.rawValue
            let marker = Projection.Tissue.marker.rawValue
            for i in isFeature.indices { isFeature[i] = tissue[i] == air || tissue[i] == blocked || tissue[i] == marker }
            let clearance = DistanceTransform.distances(width: width, height: height, isFeature: isFeature)
            clearanceIgnoringBone = clearance
            // A centre on bone, at least 8 mm from air, so the group straddles bone and soft tissue.
            let bone = Projection.Tissue.bone.rawValue, need = Float(8 / spacing)
            var centre: (Double, Double)? = nil
            for _ in 0..<20_000 {
                let x = rng.integer(0...(width - 1)), y = rng.integer(0...(height - 1))
                if tissue[y * width + x] == bone, clearance[y * width + x] >= need {
                    centre = (Double(x), Double(y))
                    break
                }
            }
            guard let (cx, cy) = centre else { return }
            let radiusPx = 15 / spacing
            for _ in 0..<rng.integer(4...8) {
                let shape = nodule(maximumMM: 5)
                for _ in 0..<200 {
                    guard let (x, y) = randomPoint(near: cx, cy, within: radiusPx) else { break }
                    if place(shape, x: x, y: y, group: nil, overBone: true) { break }
                }
            }
        }
    }

    /// The pixel at limb coordinates (u, v) mm if it is on the film, in soft tissue and at least
    /// `clearanceMM` from bone, air and the collimated band.
    private func softPoint(u: Double, v: Double, clearanceMM: Double) -> (Double, Double)? {
        let p = scene.limb.filmPoint(u: u, v: v)
        let x = p.x / spacing, y = p.y / spacing
        let ix = Int(x.rounded()), iy = Int(y.rounded())
        guard ix >= 0, iy >= 0, ix < width, iy < height else { return nil }
        let i = iy * width + ix
        guard tissue[i] == Projection.Tissue.soft.rawValue, clearance[i] >= Float(clearanceMM / spacing) else { return nil }
        return (x, y)
    }

    mutating func plant(_ distribution: PhantomDistribution) {
        switch distribution {
        case .none:
            return
        case .universalis:
            let clusters = rng.integer(1...2), streaks = rng.integer(3...7)
            let nodules = rng.integer(6...12), specks = rng.integer(6...14)
            for group in 1...clusters {
                for _ in 0..<50 {
                    guard let (x, y) = randomSoftPoint(clearanceMM: 8) else { break }
                    if plantCluster(group: group, x: x, y: y) { break }
                }
            }
            for _ in 0..<streaks { plantStreak() }
            for _ in 0..<nodules { plantAnywhere { $0.nodule(maximumMM: 20) } }
            for _ in 0..<specks { plantAnywhere { $0.speck() } }
        case .circumscripta:
            // One area of 12–25 mm radius, next to the joint when there is one.
            let radiusMM = rng.uniform(12, 25)
            guard let (cx, cy) = regionCentre() else { return }
            let radiusPx = radiusMM / spacing
            if rng.chance(0.5) {
                for _ in 0..<50 {
                    guard let (x, y) = randomPoint(near: cx, cy, within: max(radiusPx - 8 / spacing, 1)) else { break }
                    if plantCluster(group: 1, x: x, y: y) { break }
                }
                for _ in 0..<rng.integer(0...4) { plantNear(cx, cy, radiusPx) { $0.nodule(maximumMM: 5) } }
            } else {
                for _ in 0..<rng.integer(3...8) { plantNear(cx, cy, radiusPx) { $0.nodule(maximumMM: 8) } }
            }
            for _ in 0..<rng.integer(0...3) { plantNear(cx, cy, radiusPx) { $0.speck() } }
        }
    }

    // MARK: Shapes

    struct Shape {
        var kind: PhantomTruth.DepositKind
        var lengthMM: Double
        var widthMM: Double
        var depthMM: Double
        var mu: Double
        /// Direction of the length axis in the film (radians); nil: random.
        var angle: Double?
        /// Smaller ellipsoids bulging out of the main one (lobulated nodules).
        var lobes: [Lobe] = []
        /// Relative density variation inside (σ of the mottling), 0 for a uniform deposit.
        var mottle = 0.0
    }

    /// A lobe centred inside the main ellipse (so the outline stays one piece), at `reach` (0…1)
    /// of the main semi-axes in direction `direction`, scaled by `scale`.
    struct Lobe {
        var direction: Double
        var reach: Double
        var scale: Double
    }

    mutating func speck() -> Shape {
        let d = rng.logUniform(0.3, 1.0)
        return Shape(kind: .speck, lengthMM: d, widthMM: d * rng.uniform(0.7, 1), depthMM: d * rng.uniform(0.8, 1.2),
                     mu: rng.uniform(0.15, Attenuation.depositHigh), angle: nil)
    }

    mutating func nodule(maximumMM: Double) -> Shape {
        let d = rng.logUniform(1, maximumMM)
        let w = d * rng.uniform(0.6, 1)
        let depth = w * rng.uniform(0.8, 1.2)
        let mu = min(rng.uniform(Attenuation.depositLow, Attenuation.depositHigh), Attenuation.maximumDepositIntegral / depth)
        var shape = Shape(kind: .nodule, lengthMM: d, widthMM: w, depthMM: depth, mu: mu, angle: nil)
        // Larger calcinosis nodules are lobulated rather than smooth ovals.
        if d > 2, rng.chance(0.6) {
            shape.lobes = (0..<rng.integer(1...3)).map { _ in
                Lobe(direction: rng.uniform(0, 2 * .pi), reach: rng.uniform(0.45, 0.7), scale: rng.uniform(0.4, 0.7))
            }
        }
        if d > 3 { shape.mottle = rng.uniform(0.08, 0.2) }
        return shape
    }

    mutating func clusterMember() -> Shape {
        let d = rng.logUniform(0.8, 3)
        return Shape(kind: .cluster, lengthMM: d, widthMM: d * rng.uniform(0.7, 1), depthMM: d * rng.uniform(0.8, 1.2),
                     mu: rng.uniform(Attenuation.depositLow, Attenuation.depositHigh), angle: nil)
    }

    // MARK: Placement strategies

    private mutating func plantAnywhere(_ make: (inout DepositPlanter) -> Shape) {
        let shape = make(&self)
        for _ in 0..<200 {
            guard let (x, y) = randomSoftPoint(clearanceMM: 2 + shape.widthMM / 2) else { return }
            if place(shape, x: x, y: y, group: nil) { return }
        }
    }

    private mutating func plantNear(_ cx: Double, _ cy: Double, _ radiusPx: Double, _ make: (inout DepositPlanter) -> Shape) {
        let shape = make(&self)
        for _ in 0..<200 {
            guard let (x, y) = randomPoint(near: cx, cy, within: radiusPx) else { return }
            if place(shape, x: x, y: y, group: nil) { return }
        }
    }

    /// 5–15 small nodules within a disc of 10–20 mm diameter; kept only if at least 5 fit.
    private mutating func plantCluster(group: Int, x: Double, y: Double) -> Bool {
        let radiusPx = rng.uniform(5, 10) / spacing
        let wanted = rng.integer(5...15)
        let before = planted.count
        var placed = 0
        for _ in 0..<wanted {
            let shape = clusterMember()
            for _ in 0..<60 {
                let r = radiusPx * rng.uniform().squareRoot(), t = rng.uniform(0, 2 * .pi)
                if place(shape, x: x + r * cos(t), y: y + r * sin(t), group: group) {
                    placed += 1
                    break
                }
            }
        }
        if placed >= 5 { return true }
        removeDeposits(after: before)
        return false
    }

    /// A thin line along a fascia: at the muscle's edge under the subcutaneous fat, or along an
    /// intermuscular septum, parallel to the limb (± 3°).
    private mutating func plantStreak() {
        let limb = scene.limb
        let width = rng.uniform(0.5, 1.5)
        let shape = Shape(kind: .streak, lengthMM: rng.uniform(8, 40), widthMM: width, depthMM: width * rng.uniform(0.8, 1.5),
                          mu: rng.uniform(Attenuation.depositLow, 0.25),
                          angle: atan2(limb.axisY, limb.axisX) + rng.uniform(-3, 3) * .pi / 180)
        let uHalf = Double(max(self.width, height)) * spacing / 2
        for _ in 0..<200 {
            let u = rng.uniform(-uHalf, uHalf)
            let a = limb.halfWidth(at: u)
            let side: Double = rng.chance(0.5) ? 1 : -1
            let v = rng.chance(0.6) ? side * (a - limb.fat(at: u)) + rng.uniform(-1.5, 1.5) : rng.uniform(-a, a)
            let p = limb.filmPoint(u: u, v: v)
            if place(shape, x: p.x / spacing, y: p.y / spacing, group: nil) { return }
        }
    }

    private mutating func regionCentre() -> (Double, Double)? {
        if let joint = scene.jointU {
            let limb = scene.limb
            for _ in 0..<2000 {
                let u = joint + rng.uniform(-35, 35)
                let v = rng.uniform(-1, 1) * limb.halfWidth(at: u)
                let p = limb.filmPoint(u: u, v: v)
                let x = Int((p.x / spacing).rounded()), y = Int((p.y / spacing).rounded())
                guard x >= 0, y >= 0, x < width, y < height else { continue }
                if tissue[y * width + x] == Projection.Tissue.soft.rawValue,
                   clearance[y * width + x] >= Float(4 / spacing) {
                    return (Double(x), Double(y))
                }
            }
        }
        return randomSoftPoint(clearanceMM: 4)
    }

    private mutating func randomSoftPoint(clearanceMM: Double) -> (Double, Double)? {
        let need = Float(clearanceMM / spacing)
        for _ in 0..<20_000 {
            let x = rng.integer(0...(width - 1)), y = rng.integer(0...(height - 1))
            if clearance[y * width + x] >= need, tissue[y * width + x] == Projection.Tissue.soft.rawValue {
                return (Double(x) + rng.uniform(-0.5, 0.5), Double(y) + rng.uniform(-0.5, 0.5))
            }
        }
        return nil
    }

    private mutating func randomPoint(near cx: Double, _ cy: Double, within radius: Double) -> (Double, Double)? {
        let r = radius * rng.uniform().squareRoot(), t = rng.uniform(0, 2 * .pi)
        return (cx + r * cos(t), cy + r * sin(t))
    }

    // MARK: One deposit

    /// One ellipse of a deposit's outline, in pixels, with its half-depth in mm.
    private struct Ellipse {
        var cx: Double, cy: Double, a: Double, b: Double, cosA: Double, sinA: Double, semiDepth: Double

        @inline(__always) func q(_ px: Double, _ py: Double) -> Double {
            let dx = px - cx, dy = py - cy
            let along = (dx * cosA + dy * sinA) / a, across = (-dx * sinA + dy * cosA) / b
            return along * along + across * across
        }
        var halfExtentX: Double { (a * a * cosA * cosA + b * b * sinA * sinA).squareRoot() }
        var halfExtentY: Double { (a * a * sinA * sinA + b * b * cosA * cosA).squareRoot() }
    }

    /// Places `shape` centred at pixel position `(x, y)` if every rule holds; true when placed.
    /// The outline is the union of the main ellipse and its lobes; the path is the largest of
    /// their chords (the lobes merge into the main body rather than stacking on it).
    /// With `overBone`, the footprint may lie over bone (it keeps its distance from air, the
    /// collimated band and the marker) and the deposit records whether it mostly does.
    mutating func place(_ shape: Shape, x cx: Double, y cy: Double, group: Int?, overBone: Bool = false) -> Bool {
        let a = max(shape.lengthMM / 2 / spacing, 0.75), b = max(shape.widthMM / 2 / spacing, 0.75)
        let angle = shape.angle ?? rng.uniform(0, .pi)
        let cosA = cos(angle), sinA = sin(angle)
        var ellipses = [Ellipse(cx: cx, cy: cy, a: a, b: b, cosA: cosA, sinA: sinA, semiDepth: shape.depthMM / 2)]
        for lobe in shape.lobes {
            let along = lobe.reach * a * cos(lobe.direction), across = lobe.reach * b * sin(lobe.direction)
            let turn = rng.uniform(0, .pi)
            ellipses.append(Ellipse(cx: cx + along * cosA - across * sinA, cy: cy + along * sinA + across * cosA,
                                    a: max(a * lobe.scale, 0.75), b: max(b * lobe.scale * rng.uniform(0.8, 1.2), 0.75),
                                    cosA: cos(turn), sinA: sin(turn), semiDepth: shape.depthMM / 2 * lobe.scale))
        }
        let edge = 2 / spacing
        let x0 = Int(ellipses.map { ($0.cx - $0.halfExtentX).rounded(.down) }.min()!)
        let x1 = Int(ellipses.map { ($0.cx + $0.halfExtentX).rounded(.up) }.max()!)
        let y0 = Int(ellipses.map { ($0.cy - $0.halfExtentY).rounded(.down) }.min()!)
        let y1 = Int(ellipses.map { ($0.cy + $0.halfExtentY).rounded(.up) }.max()!)
        guard Double(x0) >= edge, Double(y0) >= edge,
              Double(x1) <= Double(width - 1) - edge, Double(y1) <= Double(height - 1) - edge else { return false }
        @inline(__always) func inside(_ px: Double, _ py: Double) -> Bool {
            for e in ellipses where e.q(px, py) < 1 { return true }
            return false
        }
        footprint.removeAll(keepingCapacity: true)
        var ok = true
        let clearanceMap = overBone ? (clearanceIgnoringBone ?? clearance) : clearance
        label.withUnsafeBufferPointer { lab in
            clearanceMap.withUnsafeBufferPointer { clear in
                outer: for y in y0...y1 {
                    for x in x0...x1 where inside(Double(x), Double(y)) {
                        let i = y * width + x
                        if clear[i] < minimumClearancePx || lab[i] != 0 { ok = false; break outer }
                        footprint.append(i)
                    }
                }
                guard ok, !footprint.isEmpty else { ok = false; return }
                // Separation: only the outline can be near another deposit (the inside was checked).
                for i in footprint {
                    let x = i % width, y = i / width
                    let interior = inside(Double(x - 1), Double(y)) && inside(Double(x + 1), Double(y))
                        && inside(Double(x), Double(y - 1)) && inside(Double(x), Double(y + 1))
                    if interior { continue }
                    guard x > separationReach, y > separationReach,
                          x < width - separationReach, y < height - separationReach else { continue }
                    for offset in separationOffsets where lab[i + offset] != 0 { ok = false; return }
                }
            }
        }
        guard ok else { return false }

        let id = UInt16(planted.count + 1)
        for i in footprint { label[i] = id }
        let weight = shape.mu - Attenuation.displacedSoftTissue
        let sub: [Double] = [-0.375, -0.125, 0.125, 0.375]
        let px0 = x0 - 1, px1 = x1 + 1, py0 = y0 - 1, py1 = y1 + 1
        var painted: [Int] = []
        for y in py0...py1 {
            for x in px0...px1 {
                var path = 0.0
                for sy in sub {
                    for sx in sub {
                        var chord = 0.0
                        for e in ellipses {
                            let qq = e.q(Double(x) + sx, Double(y) + sy)
                            if qq < 1 { chord = max(chord, 2 * e.semiDepth * (1 - qq).squareRoot()) }
                        }
                        path += chord
                    }
                }
                if path > 0 {
                    let density = max(1 + shape.mottle * Double(texture[y * width + x]), 0.2)
                    integral[y * width + x] = Float(weight * density * path / 16)
                    painted.append(y * width + x)
                }
            }
        }
        var onBone: Bool? = nil
        if overBone {
            let bone = Projection.Tissue.bone.rawValue
            onBone = 2 * footprint.filter { tissue[$0] == bone }.count >= footprint.count
        }
        planted.append(Planted(kind: shape.kind, group: group, mu: shape.mu, lengthMM: 2 * a * spacing,
                               widthMM: 2 * b * spacing, depthMM: shape.depthMM, x0: px0, y0: py0, x1: px1, y1: py1,
                               painted: painted, overBone: onBone))
        return true
    }

    /// Takes back the deposits after index `count` (a cluster that did not fit).
    private mutating func removeDeposits(after count: Int) {
        guard planted.count > count else { return }
        for (offset, deposit) in planted[count...].enumerated() {
            let id = UInt16(count + offset + 1)
            for y in deposit.y0...deposit.y1 {
                for x in deposit.x0...deposit.x1 where label[y * width + x] == id { label[y * width + x] = 0 }
            }
            for i in deposit.painted { integral[i] = 0 }
        }
        planted.removeLast(planted.count - count)
    }
}
