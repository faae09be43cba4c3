@testable import Detection
import Foundation
import Phantom
import Radiography
import XCTest

/// Deposits projected over bone (issue 6), scored against the phantom generator's truth masks:
/// a truth deposit is found when a reported deposit covers one of its pixels; a reported deposit
/// whose centroid lies on the detector's bone map and that covers no truth pixel is a false
/// positive over bone.
final class OverBoneDetectionTests: XCTestCase {
    struct Score {
        var overBoneTruth = 0, overBoneFound = 0, falseOverBone = 0, reportedOverBone = 0
        static func + (a: Score, b: Score) -> Score {
            Score(overBoneTruth: a.overBoneTruth + b.overBoneTruth, overBoneFound: a.overBoneFound + b.overBoneFound,
                  falseOverBone: a.falseOverBone + b.falseOverBone, reportedOverBone: a.reportedOverBone + b.reportedOverBone)
        }
    }

    static func score(_ spec: PhantomSpec, parameters: DetectionParameters = DetectionParameters()) -> Score {
        let film = PhantomGenerator.make(spec)
        let result = DepositDetector.detect(film.radiograph, parameters: parameters)
        let labels = result.labels.labels, truth = film.labelMask
        var covered = Set<Int>()
        var touchesTruth = Set<Int32>()
        for i in labels.indices where labels[i] != 0 && truth[i] != 0 {
            covered.insert(Int(truth[i]))
            touchesTruth.insert(labels[i])
        }
        var score = Score()
        let overBone = film.truth.deposits.filter { $0.overBone == true }
        score.overBoneTruth = overBone.count
        score.overBoneFound = overBone.filter { covered.contains($0.id) }.count
        let body = result.body
        for deposit in result.deposits {
            let cx = Int(deposit.centroidX) / body.cellSize, cy = Int(deposit.centroidY) / body.cellSize
            guard body.bone[cy * body.columns + cx] != 0 else { continue }
            score.reportedOverBone += 1
            if !touchesTruth.contains(Int32(deposit.id)) { score.falseOverBone += 1 }
        }
        return score
    }

    /// The `over_bone` scenario: 4–8 nodules around a point on a bone, about half over it.
    static let overBoneFilms: [PhantomSpec] = {
        var specs: [PhantomSpec] = []
        for (i, anatomy) in [PhantomAnatomy.forearm, .knee, .elbow].enumerated() {
            for seed in [UInt64(909 + i), 2000, 2010] {
                specs.append(PhantomSpec(anatomy: anatomy, distribution: .circumscripta, width: anatomy == .knee ? 950 : 700,
                                         height: 1100, spacingMM: 0.2, seed: seed, scenario: .overBone))
            }
        }
        return specs
    }()

    /// Deposit-free films of every anatomy: bone edges, epiphyses, joint margins, the patella.
    static let depositFreeFilms: [PhantomSpec] = {
        var specs: [PhantomSpec] = []
        for (a, anatomy) in PhantomAnatomy.allCases.enumerated() {
            let width = anatomy == .thigh || anatomy == .knee ? 950 : 700
            for seed in 0..<2 {
                specs.append(PhantomSpec(anatomy: anatomy, distribution: .none, width: width, height: 1100, spacingMM: 0.2,
                                         seed: UInt64(500 + 100 * a + seed), collimation: seed == 1, marker: seed == 0))
            }
        }
        return specs
    }()

    static func total(_ specs: [PhantomSpec], parameters: DetectionParameters = DetectionParameters()) -> Score {
        var scores = [Score](repeating: Score(), count: specs.count)
        scores.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: specs.count) { out[$0] = score(specs[$0], parameters: parameters) }
        }
        return scores.reduce(Score(), +)
    }

    func testDepositsOverBoneAreFoundWithFewFalseOnes() {
        let score = Self.total(Self.overBoneFilms)
        print("over bone: \(score.overBoneFound) of \(score.overBoneTruth) found, \(score.falseOverBone) false over bone "
              + "(\(score.reportedOverBone) reported over bone)")
        XCTAssertGreaterThan(score.overBoneTruth, 20, "the scenario plants deposits over bone")
        // Measured with the candidate stage and the two-stage deposit classifier with film ranks
        // and radial profiles (66 features): 9 of 36, none false over bone, on these films with
        // deposits (the 41-feature model before it: 12 and 1, while on held-back hybrids over bone
        // it found 0.41 / 0.45 against 0.44 / 0.49 now; the model before that 14 and 3; the
        // phantom-fitted bone search found 3). These phantom deposits over bone are faint against
        // the phantom's own trabecular texture; the deposit-free films below still give none.
        // The guard keeps a margin of 2 on each.
        XCTAssertGreaterThanOrEqual(score.overBoneFound, 7)
        XCTAssertLessThanOrEqual(score.falseOverBone, 2)
    }

    func testDepositFreeFilmsGiveNothingOverBone() {
        let score = Self.total(Self.depositFreeFilms)
        print("deposit-free films with bone: \(score.reportedOverBone) deposits over bone")
        XCTAssertEqual(score.reportedOverBone, 0)
        // The same films hold bone clutter that the candidate stage passes on: it is the deposit
        // classifier that rejects it.
        var unclassified = DetectionParameters()
        unclassified.classifier = nil
        let candidates = Self.total(Self.depositFreeFilms, parameters: unclassified)
        print("without the classifier: \(candidates.reportedOverBone) candidates over bone")
        XCTAssertGreaterThan(candidates.reportedOverBone, 10)
    }

    /// The bone search keeps the detector's promise: the same bits whatever the bands.
    func testOverBoneSearchIsIdenticalWhateverTheBands() {
        let film = PhantomGenerator.make(Self.overBoneFilms[8]).radiograph
        let serial = ParallelBands.$maximumBands.withValue(1) { DepositDetector.detect(film) }
        let body = serial.body
        XCTAssertTrue(serial.deposits.contains { d in
            body.bone[(Int(d.centroidY) / body.cellSize) * body.columns + Int(d.centroidX) / body.cellSize] != 0
        }, "a deposit over bone on this film")
        for bands in [3, 32] {
            let other = ParallelBands.$maximumBands.withValue(bands) { DepositDetector.detect(film) }
            XCTAssertEqual(serial.deposits, other.deposits, "\(bands) bands")
            XCTAssertEqual(serial.labels.labels, other.labels.labels, "\(bands) bands")
        }
    }

    /// With bone searched apart from soft tissue (`searchesBoneAsSoftTissue` off), `boneSeedSigmas
    /// = ∞` turns the search over bone off.
    func testInfiniteBoneSeedSearchesNoBone() {
        var parameters = DetectionParameters()
        parameters.searchesBoneAsSoftTissue = false
        parameters.splitsLargeComponents = false
        parameters.boneSeedSigmas = .infinity
        let score = Self.total(Self.overBoneFilms, parameters: parameters)
        XCTAssertEqual(score.overBoneFound, 0)
        XCTAssertEqual(score.reportedOverBone, 0)
    }
}
