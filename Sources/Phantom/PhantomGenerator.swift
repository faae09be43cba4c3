import Foundation
import Radiography

/// Makes phantom films: radiograph-like images from a physical model, with the truth of every
/// deposit. Nothing here knows how the detector works; the truth comes from the geometry.
///
/// Steps: the scene (limb, bones, collimator, exposure) → the line integral of attenuation per
/// pixel, with trabecular texture → a lead marker in the air and metal clips in the limb → deposits planted in the soft
/// tissue (label mask, their own line integral) → Gaussian blur (detector PSF) → primary counts
/// plus scatter → quantum and electronic noise → log → 12-bit values. Each deposit's `peak_snr` is measured on
/// the noiseless blurred images with and without it.
public enum PhantomGenerator {
    /// Written into every truth file; bump it when the model changes what a seed produces.
    public static let version = "detect-phantom 1"

    /// The film for `spec` (which must be valid: see `PhantomSpec.validate()`). Deterministic: the
    /// same spec gives the same pixels, mask and truth.
    public static func make(_ spec: PhantomSpec) -> PhantomFilm {
        do { try spec.validate() } catch { preconditionFailure("PhantomGenerator.make: \(error)") }
        let width = spec.width, height = spec.height, s = spec.spacingMM
        let scene = PhantomScene(spec)
        let detector = scene.detector
        let texture = TrabecularTexture.field(width: width, height: height, spacingMM: s,
                                              alongRows: height >= width, seed: spec.seed, stream: PhantomScene.textureStream)
        var projection = Projection(scene: scene, texture: texture)

        var markers: [PhantomTruth.Marker] = []
        if spec.marker, let marker = LeadMarker.place(in: projection, width: width, height: height, spacingMM: s, seed: spec.seed) {
            var lead = SplitMix64(seed: spec.seed, stream: PhantomScene.markerStream &+ 1)
            marker.draw(into: &projection, width: width, integral: log(detector.n0 / lead.uniform(5, 15)))
            markers.append(PhantomTruth.Marker(text: marker.text, bbox: [marker.left, marker.top, marker.widthPx, marker.heightPx]))
        }
        if spec.clips {
            for clip in SurgicalClip.place(in: projection, width: width, height: height, spacingMM: s, seed: spec.seed) {
                clip.draw(into: &projection, width: width)
                markers.append(PhantomTruth.Marker(text: "clip", bbox: clip.bbox))
            }
        }

        let soft = Projection.Tissue.soft.rawValue
        let clearance = DistanceTransform.distances(width: width, height: height, isFeature: projection.tissue.map { $0 != soft })
        var planter = DepositPlanter(scene: scene, tissue: projection.tissue, clearance: clearance, texture: texture)
        planter.plant(spec.distribution, scenario: spec.scenario)

        let scatter = ScatterField.counts(projection: projection, scene: scene)
        var blurred = projection.integral
        let sigma = detector.blurSigmaPx
        GaussianFilter.blur(&blurred, width: width, height: height, sigmaX: sigma, sigmaY: sigma)
        var deposits: [PhantomTruth.Deposit] = []
        if !planter.planted.isEmpty {
            var depositBlurred = planter.integral
            GaussianFilter.blur(&depositBlurred, width: width, height: height, sigmaX: sigma, sigmaY: sigma)
            deposits = measure(planter.planted, label: planter.label, depositBlurred: depositBlurred,
                               baseBlurred: blurred, scatter: scatter, spec: spec, detector: detector)
            blurred.withUnsafeMutableBufferPointer { total in
                depositBlurred.withUnsafeBufferPointer { deposit in
                    for i in 0..<total.count { total[i] += deposit[i] }
                }
            }
        }

        let pixels = DetectorModel.expose(blurred, scatter: scatter, width: width, height: height, detector: detector, seed: spec.seed)
        let radiograph = Radiograph(width: width, height: height, pixels: pixels, bitsStored: 12,
                                    spacing: PixelSpacing(isotropic: s), spacingSource: .user, format: .png)
        let truth = PhantomTruth(
            generator: version, anatomy: spec.anatomy,
            distribution: deposits.isEmpty ? .none : spec.distribution,
            seed: spec.seed, width: width, height: height, pixelSpacingMM: [s, s], deposits: deposits,
            bones: scene.boneTruth, markers: markers,
            collimation: scene.collimators.map {
                PhantomTruth.CollimatorBlade(edge: $0.edge.rawValue, depthPx: $0.depth, angleDeg: round2($0.angleDegrees))
            },
            detector: detector)
        return PhantomFilm(radiograph: radiograph, truth: truth, labelMask: planter.label)
    }

    /// Area, centroid and box from the label mask; peak SNR from the blurred deposit image.
    private static func measure(_ planted: [DepositPlanter.Planted], label: [UInt16], depositBlurred: [Float],
                                baseBlurred: [Float], scatter: [Float], spec: PhantomSpec,
                                detector: PhantomTruth.Detector) -> [PhantomTruth.Deposit] {
        let width = spec.width, height = spec.height
        let reach = Int((3 * detector.blurSigmaPx).rounded(.up)) + 1
        return planted.enumerated().map { index, deposit in
            let id = UInt16(index + 1)
            var count = 0, sumX = 0, sumY = 0
            var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
            var peak = 0.0, peakCounts = 1.0
            let x0 = max(deposit.x0 - reach, 0), x1 = min(deposit.x1 + reach, width - 1)
            let y0 = max(deposit.y0 - reach, 0), y1 = min(deposit.y1 + reach, height - 1)
            for y in y0...y1 {
                for x in x0...x1 {
                    let i = y * width + x
                    if label[i] == id {
                        count += 1
                        sumX += x
                        sumY += y
                        minX = min(minX, x); maxX = max(maxX, x)
                        minY = min(minY, y); maxY = max(maxY, y)
                    }
                    guard depositBlurred[i] > 0 else { continue }
                    // Noiseless film values with and without the deposit differ by
                    // gain · ln(N_without / N_with), primary + scatter counts.
                    let incident = detector.n0 * DetectorModel.heelFactor(row: y, column: x, width: width, height: height, heel: detector.heel)
                    let without = incident * exp(-Double(baseBlurred[i])) + Double(scatter[i])
                    let with = incident * exp(-Double(baseBlurred[i] + depositBlurred[i])) + Double(scatter[i])
                    let contrast = detector.gain * log(without / with)
                    if contrast > peak {
                        peak = contrast
                        peakCounts = without
                    }
                }
            }
            let snr = peak / DetectorModel.filmSigma(counts: peakCounts, detector: detector)
            let pixelArea = spec.spacingMM * spec.spacingMM
            return PhantomTruth.Deposit(
                id: index + 1, kind: deposit.kind, group: deposit.group,
                centroid: [round3(Double(sumX) / Double(count)), round3(Double(sumY) / Double(count))],
                bbox: [minX, minY, maxX - minX + 1, maxY - minY + 1], areaPx: count,
                areaMM2: (Double(count) * pixelArea * 10_000).rounded() / 10_000,
                peakSNR: round2(snr), muPerMM: (deposit.mu * 10_000).rounded() / 10_000,
                sizeMM: [round2(deposit.lengthMM), round2(deposit.widthMM)], depthMM: round2(deposit.depthMM),
                overBone: deposit.overBone)
        }
    }
}
