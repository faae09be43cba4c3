import Phantom
import XCTest

/// The film's noise against the detector model in the truth, measured on the film alone.
final class NoiseModelTests: XCTestCase {
    /// Second differences `v[x] − (v[x−1] + v[x+1]) / 2` cancel any locally linear anatomy and
    /// leave 1.5 σ² of white noise; in 16 × 16 blocks of soft tissue (no deposit, not clamped,
    /// well above air) their spread must match σ predicted from the block's mean value by
    /// `PhantomTruth.Detector.noiseSigma(atValue:)`.
    func testNoiseInSoftTissueMatchesModel() {
        for (anatomy, seed) in [(PhantomAnatomy.forearm, UInt64(31)), (.thigh, 32), (.knee, 33)] {
            let spec = PhantomSpec(anatomy: anatomy, distribution: .none, width: 800, height: 1000, spacingMM: 0.15, seed: seed)
            let film = PhantomGenerator.make(spec)
            let detector = film.truth.detector
            let pixels = film.radiograph.pixels.map(Double.init)
            let scene = PhantomScene(spec)
            var ratios: [Double] = []
            let block = 16
            for by in stride(from: 0, to: spec.height - block, by: block) {
                for bx in stride(from: 1, to: spec.width - block - 1, by: block) {
                    // Soft tissue only (from the geometry), away from bone and skin by a few pixels.
                    var usable = true
                    for (x, y) in [(bx - 1, by), (bx + block, by), (bx - 1, by + block - 1), (bx + block, by + block - 1),
                                   (bx + block / 2, by + block / 2)] {
                        if scene.boneChordMM(x: Double(x), y: Double(y)) > 0 || scene.softTissueChordMM(x: Double(x), y: Double(y)) < 10 {
                            usable = false
                        }
                    }
                    guard usable else { continue }
                    var sum = 0.0, sumD2 = 0.0
                    for y in by..<(by + block) {
                        for x in bx..<(bx + block) {
                            let i = y * spec.width + x
                            sum += pixels[i]
                            let d = pixels[i] - (pixels[i - 1] + pixels[i + 1]) / 2
                            sumD2 += d * d
                        }
                    }
                    let n = Double(block * block)
                    let measured = (sumD2 / n / 1.5).squareRoot()
                    ratios.append(measured / detector.noiseSigma(atValue: sum / n))
                }
            }
            XCTAssertGreaterThan(ratios.count, 50, "\(anatomy): too few soft-tissue blocks")
            let median = ratios.sorted()[ratios.count / 2]
            XCTAssertEqual(median, 1, accuracy: 0.06, "\(anatomy): measured/model noise σ median \(median)")
        }
    }

    /// Noise grows with attenuation (quantum noise after the log): σ over bone > σ in soft tissue > σ in air.
    func testNoiseGrowsWithAttenuation() {
        let spec = PhantomSpec(anatomy: .forearm, distribution: .none, seed: 34)
        let detector = PhantomGenerator.make(spec).truth.detector
        let air = detector.noiseSigma(atValue: detector.offset)
        let soft = detector.noiseSigma(atValue: detector.offset + detector.gain * 1.2)
        let bone = detector.noiseSigma(atValue: detector.offset + detector.gain * 2.0)
        XCTAssertLessThan(air, soft)
        XCTAssertLessThan(soft, bone)
    }
}
