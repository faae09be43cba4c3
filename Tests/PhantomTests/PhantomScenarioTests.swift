import Foundation
import Phantom
import Radiography
import XCTest

/// The hard scenarios plant what their documentation says, checked on the truth and against the
/// scene's analytic geometry (not the raster the planter used).
final class PhantomScenarioTests: XCTestCase {
    static func spec(_ scenario: PhantomScenario, _ anatomy: PhantomAnatomy, seed: UInt64) -> PhantomSpec {
        PhantomSpec(anatomy: anatomy, distribution: scenario.distribution!, width: anatomy == .thigh || anatomy == .knee ? 900 : 700,
                    height: 1100, spacingMM: 0.2, seed: seed, scenario: scenario)
    }

    func centroidMM(_ d: PhantomTruth.Deposit, _ spec: PhantomSpec) -> (x: Double, y: Double) {
        (d.centroid[0] * spec.spacingMM, d.centroid[1] * spec.spacingMM)
    }

    func testTwoDistantClustersAreTwoSmallGroupsFarApart() {
        for (anatomy, seed) in [(PhantomAnatomy.thigh, UInt64(31)), (.forearm, 32)] {
            let spec = Self.spec(.twoDistantClusters, anatomy, seed: seed)
            let truth = PhantomGenerator.make(spec).truth
            XCTAssertEqual(truth.distribution, .circumscripta)
            XCTAssertTrue(truth.deposits.allSatisfy { $0.kind == .cluster }, "\(anatomy)")
            XCTAssertEqual(Set(truth.deposits.compactMap(\.group)), [1, 2], "\(anatomy)")
            var centres: [(x: Double, y: Double)] = []
            for group in [1, 2] {
                let members = truth.deposits.filter { $0.group == group }.map { centroidMM($0, spec) }
                XCTAssertGreaterThanOrEqual(members.count, 5)
                var widest = 0.0
                for p in members { for q in members { widest = max(widest, hypot(p.x - q.x, p.y - q.y)) } }
                // Members lie in a disc of radius ≤ 10 mm.
                XCTAssertLessThanOrEqual(widest, 20, "\(anatomy) group \(group)")
                centres.append((members.map(\.x).reduce(0, +) / Double(members.count), members.map(\.y).reduce(0, +) / Double(members.count)))
            }
            // 25–40 % of the 220 mm film on either side of the centre: at least 100 mm apart.
            XCTAssertGreaterThanOrEqual(hypot(centres[0].x - centres[1].x, centres[0].y - centres[1].y), 100, "\(anatomy)")
        }
    }

    func testSparseSpreadIsFewNodulesAlongTheWholeLimb() {
        let spec = Self.spec(.sparseSpread, .forearm, seed: 33)
        let truth = PhantomGenerator.make(spec).truth
        XCTAssertEqual(truth.distribution, .universalis)
        XCTAssertTrue((5...7).contains(truth.deposits.count), "\(truth.deposits.count) deposits")
        XCTAssertTrue(truth.deposits.allSatisfy { $0.kind == .nodule })
        let ys = truth.deposits.map { centroidMM($0, spec).y }.sorted()
        // Along a 220 mm limb: from the first stretch to the last.
        XCTAssertGreaterThan(ys.last! - ys.first!, 140, "\(ys)")
    }

    func testLargeNoduleIsOneMass() {
        for (anatomy, seed) in [(PhantomAnatomy.knee, UInt64(34)), (.forearm, 35)] {
            let truth = PhantomGenerator.make(Self.spec(.largeNodule, anatomy, seed: seed)).truth
            XCTAssertEqual(truth.deposits.count, 1, "\(anatomy)")
            let nodule = truth.deposits[0]
            XCTAssertEqual(nodule.kind, .nodule)
            XCTAssertTrue((8...18.01).contains(nodule.sizeMM[0]), "\(anatomy): \(nodule.sizeMM)")
        }
    }

    /// Over-bone deposits lie where the beam crosses bone (analytic chord > 0), inside the skin.
    func testOverBoneDepositsProjectOntoBone() {
        for (anatomy, seed) in [(PhantomAnatomy.knee, UInt64(36)), (.forearm, 37), (.elbow, 38)] {
            let spec = Self.spec(.overBone, anatomy, seed: seed)
            let truth = PhantomGenerator.make(spec).truth
            let scene = PhantomScene(spec)
            XCTAssertFalse(truth.deposits.isEmpty, "\(anatomy)")
            XCTAssertTrue(truth.deposits.allSatisfy { $0.overBone != nil }, "\(anatomy)")
            let onBone = truth.deposits.filter { $0.overBone == true }
            XCTAssertFalse(onBone.isEmpty, "\(anatomy): no deposit over bone")
            for d in onBone {
                XCTAssertGreaterThan(scene.boneChordMM(x: d.centroid[0], y: d.centroid[1]), 0, "\(anatomy) deposit \(d.id)")
            }
            for d in truth.deposits {
                XCTAssertGreaterThan(scene.softTissueChordMM(x: d.centroid[0], y: d.centroid[1]), 0, "\(anatomy) deposit \(d.id)")
            }
        }
    }

    /// With an offset the limb runs off one side of the film and the anatomy draws are the same.
    func testLimbOffsetShowsPartOfTheLimb() {
        let centred = PhantomSpec(anatomy: .thigh, distribution: .none, width: 600, height: 1000, spacingMM: 0.2, seed: 39)
        var shifted = centred
        shifted.limbOffsetMM = 45
        let a = PhantomScene(centred), b = PhantomScene(shifted)
        let row = 500.0
        func inside(_ scene: PhantomScene, _ x: Double) -> Bool { scene.softTissueChordMM(x: x, y: row) > 0 }
        XCTAssertTrue(inside(a, 0) && inside(a, 599), "a thigh is wider than a 120 mm film")
        XCTAssertNotEqual(inside(b, 0), inside(b, 599), "the shifted limb should leave air on exactly one side")
        XCTAssertEqual(PhantomGenerator.make(centred).truth.bones, PhantomGenerator.make(shifted).truth.bones)
        XCTAssertEqual(PhantomGenerator.make(centred).truth.detector, PhantomGenerator.make(shifted).truth.detector)
    }

    func testScenarioMustMatchTheDistribution() {
        XCTAssertThrowsError(try PhantomSpec(anatomy: .knee, distribution: .universalis, scenario: .twoDistantClusters).validate())
        XCTAssertThrowsError(try PhantomSpec(anatomy: .knee, distribution: .none, scenario: .largeNodule).validate())
        XCTAssertThrowsError(try PhantomSpec(anatomy: .knee, distribution: .none, limbOffsetMM: .nan).validate())
        XCTAssertNoThrow(try PhantomSpec(anatomy: .knee, distribution: .universalis, scenario: .sparseSpread).validate())
        XCTAssertNoThrow(try PhantomSpec(anatomy: .knee, distribution: .none, scenario: .typical, limbOffsetMM: -40).validate())
    }
}
