import Foundation

/// The scene's attenuation line integral A(x, y) = Σ μᵢ · pathᵢ for every pixel (before blur,
/// noise and deposits), with what each pixel shows.
///
/// Every profile that depends only on the position along the limb (half-width, fat, each bone's
/// radii) is sampled once into a table at half-pixel steps and interpolated, so the per-pixel work
/// is a few chords and square roots.
struct Projection {
    enum Tissue: UInt8 { case air = 0, soft = 1, bone = 2, blocked = 3, marker = 4 }

    var integral: [Float]
    var tissue: [UInt8]
    /// Fraction of the beam the collimator lets through (1 outside the blades): only that part
    /// reaches the patient and can scatter.
    var beamOpen: [Float]

    init(scene: PhantomScene, texture: [Float]) {
        let spec = scene.spec
        let width = spec.width, height = spec.height, s = spec.spacingMM
        let limb = scene.limb
        // u range over the film's corners.
        let corners = [(0.0, 0.0), (Double(width - 1) * s, 0.0), (0.0, Double(height - 1) * s),
                       (Double(width - 1) * s, Double(height - 1) * s)].map { limb.frame(x: $0.0, y: $0.1).u }
        let uMin = corners.min()! - 2, uMax = corners.max()! + 2
        let step = s / 2
        let samples = Int(((uMax - uMin) / step).rounded(.up)) + 2
        let bones = scene.bones
        let stride = 3 + 6 * bones.count
        var table = [Double](repeating: 0, count: samples * stride)
        for i in 0..<samples {
            let u = uMin + Double(i) * step
            let a = limb.halfWidth(at: u)
            table[i * stride] = a
            table[i * stride + 1] = a * limb.depthRatio
            table[i * stride + 2] = limb.fat(at: u)
            for (j, bone) in bones.enumerated() {
                let section = bone.section(at: u)
                let o = i * stride + 3 + 6 * j
                table[o] = section.axisV
                table[o + 1] = section.outer
                table[o + 2] = section.medulla
                table[o + 3] = section.depthRatio
                table[o + 4] = section.medullaMu
                table[o + 5] = section.textureAmplitude
            }
        }

        // Low-frequency muscle density variation: smooth value noise on an 18 mm grid.
        var variationRNG = SplitMix64(seed: spec.seed, stream: PhantomScene.textureStream &+ 100)
        let cell = 18.0 / s
        let gridW = Int(Double(width) / cell) + 3, gridH = Int(Double(height) / cell) + 3
        let grid = (0..<(gridW * gridH)).map { _ in variationRNG.uniform(-1, 1) }
        let columnCell = (0..<width).map { x -> (Int, Double) in
            let g = Double(x) / cell
            return (Int(g), smoothstep(g - g.rounded(.down)))
        }

        var integral = [Float](repeating: 0, count: width * height)
        var tissue = [UInt8](repeating: 0, count: width * height)
        var beamOpen = [Float](repeating: 1, count: width * height)
        let skin = limb.skinThickness
        let muscleShift = Attenuation.muscle
        let patella = scene.patella
        let collimators = scene.collimators
        let bladeIntegral = scene.bladeIntegral
        let boneCount = bones.count

        table.withUnsafeBufferPointer { tab in
        grid.withUnsafeBufferPointer { g in
        columnCell.withUnsafeBufferPointer { colCell in
        texture.withUnsafeBufferPointer { tex in
        integral.withUnsafeMutableBufferPointer { out in
        tissue.withUnsafeMutableBufferPointer { kind in
        beamOpen.withUnsafeMutableBufferPointer { open in
            for row in 0..<height {
                let y = Double(row) * s
                let gy = Double(row) / cell
                let iy = Int(gy), fy = smoothstep(gy - gy.rounded(.down))
                for col in 0..<width {
                    let index = row * width + col
                    let x = Double(col) * s
                    let (u, v) = limb.frame(x: x, y: y)
                    let fi = (u - uMin) / step
                    let i0 = min(max(Int(fi), 0), samples - 2)
                    let w = fi - Double(i0)
                    let base0 = i0 * stride, base1 = base0 + stride
                    @inline(__always) func at(_ k: Int) -> Double { tab[base0 + k] + (tab[base1 + k] - tab[base0 + k]) * w }

                    let a = at(0)
                    var total = 0.0
                    var what = Tissue.air
                    if abs(v) < a {
                        let (ix, fx) = colCell[col]
                        let top = g[iy * gridW + ix] + (g[iy * gridW + ix + 1] - g[iy * gridW + ix]) * fx
                        let bottom = g[(iy + 1) * gridW + ix] + (g[(iy + 1) * gridW + ix + 1] - g[(iy + 1) * gridW + ix]) * fx
                        let variation = top + (bottom - top) * fy
                        total = Limb.softIntegral(v: v, a: a, b: at(1), fat: at(2), skin: skin,
                                                  muscleScale: 1 + Attenuation.muscleVariation * variation)
                        what = .soft
                        for j in 0..<boneCount {
                            let o = 3 + 6 * j
                            let d = v - at(o)
                            let outer = at(o + 1)
                            guard abs(d) < outer else { continue }
                            let depth = at(o + 3)
                            let outerPath = ellipseChord(d, outer, outer * depth)
                            let medulla = at(o + 2)
                            let medullaPath = ellipseChord(d, medulla, medulla * depth)
                            let medullaMu = at(o + 4) + at(o + 5) * Double(tex[index])
                            let kept = bones[j].fossa == nil ? 1 : bones[j].fossaFactor(u: u, d: d)
                            total += kept * ((Attenuation.cortex - muscleShift) * (outerPath - medullaPath)
                                + (medullaMu - muscleShift) * medullaPath)
                            what = .bone
                        }
                        if let patella {
                            let (outer, core) = patella.paths(u: u, v: v)
                            if outer > 0 {
                                let coreMu = Attenuation.spongiosa + Attenuation.textureEpiphysis * Double(tex[index])
                                total += (Attenuation.cortex - muscleShift) * (outer - core) + (coreMu - muscleShift) * core
                                what = .bone
                            }
                        }
                    }
                    if !collimators.isEmpty {
                        var blocked = 0.0
                        for c in collimators { blocked = max(blocked, c.blocked(x: Double(col), y: Double(row), width: width, height: height)) }
                        if blocked > 0 {
                            total += blocked * bladeIntegral
                            what = .blocked
                            open[index] = Float(1 - blocked)
                        }
                    }
                    out[index] = Float(total)
                    kind[index] = what.rawValue
                }
            }
        }}}}}}}
        self.integral = integral
        self.tissue = tissue
        self.beamOpen = beamOpen
    }
}
