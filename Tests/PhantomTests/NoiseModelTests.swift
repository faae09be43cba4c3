import Phantom
import XCTest

/// The film's noise against the detector model in the truth, measured on the film alone.
final class NoiseModelTests: XCTestCase {
    /// In 16 × 16 blocks of soft tissue (no bone, ≥ 10 mm thick, not clamped) the noise must match
    /// σ predicted from the block's mean value by `PhantomTruth.Detector.noiseSigma(atValue:)`.
    func testNoiseInSoftTissueMatchesModel() {
        for (anatomy, seed) in [(PhantomAnatomy.forearm, UInt64(31)), (.thigh, 32), (.knee, 33)] {
            let spec = PhantomSpec(anatomy: anatomy, distribution: .none, width: 800, height: 1000, spacingMM: 0.15, seed: seed)
            let film = PhantomGenerator.make(spec)
            let scene = PhantomScene(spec)
            let blocks = Self.noiseBlocks(film, spec: spec) { x, y in
                scene.boneChordMM(x: x, y: y) == 0 && scene.softTissueChordMM(x: x, y: y) >= 10
            }
            XCTAssertGreaterThan(blocks.count, 50, "\(anatomy): too few soft-tissue blocks")
            let median = blocks.map { $0.measured / $0.model }.sorted()[blocks.count / 2]
            XCTAssertEqual(median, 1, accuracy: 0.06, "\(anatomy): measured/model noise σ median \(median)")
        }
    }

    /// Quantum noise after the log grows with attenuation: the air beside the limb is quieter than
    /// the soft tissue, by the amount the model says.
    func testNoiseInAirMatchesModelAndIsLowerThanInTissue() {
        let spec = PhantomSpec(anatomy: .forearm, distribution: .none, width: 1000, height: 1000, spacingMM: 0.15, seed: 34)
        let film = PhantomGenerator.make(spec)
        let scene = PhantomScene(spec)
        let air = Self.noiseBlocks(film, spec: spec) { x, y in scene.softTissueChordMM(x: x, y: y) == 0 }
        let tissue = Self.noiseBlocks(film, spec: spec) { x, y in
            scene.boneChordMM(x: x, y: y) == 0 && scene.softTissueChordMM(x: x, y: y) >= 10
        }
        XCTAssertGreaterThan(air.count, 20)
        XCTAssertGreaterThan(tissue.count, 20)
        let airMedian = air.map { $0.measured / $0.model }.sorted()[air.count / 2]
        XCTAssertEqual(airMedian, 1, accuracy: 0.08, "air: measured/model σ \(airMedian)")
        let airSigma = air.map(\.measured).sorted()[air.count / 2]
        let tissueSigma = tissue.map(\.measured).sorted()[tissue.count / 2]
        XCTAssertGreaterThan(tissueSigma, 1.3 * airSigma)
    }

    /// σ measured in 16 × 16 blocks whose corners and centre satisfy `usable`, with the model's σ
    /// at the block's mean value. Second differences `v[x] − (v[x−1] + v[x+1]) / 2` cancel any
    /// locally linear anatomy and leave 1.5 σ² of white noise.
    static func noiseBlocks(_ film: PhantomFilm, spec: PhantomSpec,
                            usable: (Double, Double) -> Bool) -> [(measured: Double, model: Double)] {
        let detector = film.truth.detector
        let pixels = film.radiograph.pixels.map(Double.init)
        var blocks: [(measured: Double, model: Double)] = []
        let block = 16
        for by in stride(from: 0, to: spec.height - block, by: block) {
            for bx in stride(from: 1, to: spec.width - block - 1, by: block) {
                let probes = [(bx - 1, by), (bx + block, by), (bx - 1, by + block - 1), (bx + block, by + block - 1),
                              (bx + block / 2, by + block / 2)]
                guard probes.allSatisfy({ usable(Double($0.0), Double($0.1)) }) else { continue }
                var sum = 0.0, sumD2 = 0.0
                var clamped = false
                for y in by..<(by + block) {
                    for x in bx..<(bx + block) {
                        let i = y * spec.width + x
                        if pixels[i] <= 0 || pixels[i] >= 4095 { clamped = true }
                        sum += pixels[i]
                        let d = pixels[i] - (pixels[i - 1] + pixels[i + 1]) / 2
                        sumD2 += d * d
                    }
                }
                guard !clamped else { continue }
                let n = Double(block * block)
                blocks.append(((sumD2 / n / 1.5).squareRoot(), detector.noiseSigma(atValue: sum / n)))
            }
        }
        return blocks
    }
}
