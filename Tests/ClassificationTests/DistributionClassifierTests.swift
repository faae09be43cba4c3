import XCTest
import Detection
@testable import Classification

/// Distribution labels on hand-placed deposits over a known body, so the expected label follows
/// from the geometry and the clinical definitions alone.
final class DistributionClassifierTests: XCTestCase {
    func label(_ deposits: [(x: Double, y: Double, sizeMM: Double)]) -> DistributionAssessment {
        DistributionClassifier().assess(LimbFixture.detection(deposits))
    }

    /// `count` 3 mm nodules alternating between the two sides of the limb, `stepMM` apart along it.
    static func zigzag(_ count: Int, stepMM: Double) -> [(x: Double, y: Double, sizeMM: Double)] {
        var list: [(x: Double, y: Double, sizeMM: Double)] = []
        for i in 0..<count {
            let x: Double = i % 2 == 0 ? 28 : 72
            let y: Double = 25 + Double(i) * stepMM
            list.append((x, y, 3))
        }
        return list
    }

    func metric(_ a: DistributionAssessment, _ name: String) -> Double? { a.metrics.first { $0.name == name }?.value }

    func testNoDepositsIsNone() {
        let a = label([])
        XCTAssertEqual(a.label, .none)
        XCTAssertEqual(a.score, 0)
        XCTAssertEqual(a.reason, "no deposits found")
    }

    func testOneClusterNearAJointIsCircumscripta() {
        var cluster: [(x: Double, y: Double, sizeMM: Double)] = []
        for i in 0..<12 {
            let x: Double = 30 + Double(i % 4) * 3, y: Double = 100 + Double(i / 4) * 3
            cluster.append((x, y, 1.5))
        }
        let a = label(cluster)
        XCTAssertEqual(a.label, .circumscripta, a.reason)
        XCTAssertLessThan(a.score, 0.2)
        XCTAssertEqual(metric(a, "cluster_count"), 1)
        XCTAssertEqual(metric(a, "largest_cluster_area_share"), 1)
    }

    func testOneLargeNoduleIsCircumscripta() {
        let a = label([(35, 60, 18)])
        XCTAssertEqual(a.label, .circumscripta, a.reason)
        XCTAssertLessThan(a.score, 0.2)
    }

    /// Two confined foci 160 mm apart: a large span, but two clusters and most of the soft
    /// tissue free: circumscripta at two sites, not universalis.
    func testTwoSmallClustersFarApartAreCircumscripta() {
        var deposits: [(x: Double, y: Double, sizeMM: Double)] = []
        for (cx, cy) in [(30.0, 25.0), (70.0, 185.0)] {
            for i in 0..<6 { deposits.append((cx + Double(i % 3) * 3, cy + Double(i / 3) * 3, 1.5)) }
        }
        let a = label(deposits)
        XCTAssertEqual(a.label, .circumscripta, a.reason)
        XCTAssertGreaterThan(metric(a, "span_mm")!, 150)
        XCTAssertEqual(metric(a, "cluster_count"), 2)
        XCTAssertLessThan(a.score, 0.5)
    }

    /// Six nodules, one in every stretch of the limb: few, but scattered over it.
    func testFewButSpreadDepositsAreUniversalis() {
        let deposits = Self.zigzag(6, stepMM: 32)
        let a = label(deposits)
        XCTAssertEqual(a.label, .universalis, a.reason)
        XCTAssertGreaterThanOrEqual(a.score, 0.5)
        XCTAssertTrue(a.reason.hasPrefix("scattered foci"), a.reason)
    }

    /// Deposits every 8 mm down both sides of the limb chain into one cluster, but keep most of
    /// the soft tissue within 10 mm of a deposit: diffuse.
    func testDenseDepositsAlongTheWholeLimbAreUniversalis() {
        var deposits: [(x: Double, y: Double, sizeMM: Double)] = []
        for y in stride(from: 15.0, through: 205, by: 8) {
            deposits.append((28, y, 2))
            deposits.append((72, y + 4, 2))
        }
        let a = label(deposits)
        XCTAssertEqual(a.label, .universalis, a.reason)
        XCTAssertGreaterThan(metric(a, "neighbourhood_fraction")!, 0.5)
        XCTAssertTrue(a.reason.hasPrefix("diffuse"), a.reason)
        XCTAssertGreaterThan(a.score, 0.9)
    }

    /// Deposits strung 12 mm apart down one side of the limb (along a fascia): one cluster and
    /// little of the soft tissue near them, but the chain stretches 120 mm: not a confined
    /// focus, universalis by the chained rule. The same string over 60 mm stays circumscripta.
    func testAChainThroughTheLimbIsUniversalisAndAShortOneIsNot() {
        let long = label(stride(from: 40.0, through: 160, by: 12).map { (x: 22.0, y: $0, sizeMM: 1.5) })
        XCTAssertEqual(metric(long, "cluster_count"), 1)
        XCTAssertLessThan(metric(long, "neighbourhood_fraction")!, 0.25)
        XCTAssertEqual(long.label, .universalis, long.reason)
        XCTAssertGreaterThan(metric(long, "largest_cluster_extent_mm")!, 119)
        XCTAssertTrue(long.reason.hasPrefix("chained: one cluster stretches 12"), long.reason)
        XCTAssertTrue(long.headline.hasPrefix("one cluster over 12"), long.headline)
        let short = label(stride(from: 40.0, through: 100, by: 12).map { (x: 22.0, y: $0, sizeMM: 1.5) })
        XCTAssertEqual(short.label, .circumscripta, short.reason)
        XCTAssertLessThan(short.score, 0.5)
    }

    /// A close-up that shows 60 × 60 mm of body, filled with deposits: everything is near a
    /// deposit, but the involvement spans less than 100 mm, so it stays circumscripta and the
    /// reason says why.
    func testCloseUpFilledWithDepositsIsCircumscriptaAndSaysWhy() {
        var deposits: [(x: Double, y: Double, sizeMM: Double)] = []
        for i in 0..<25 { deposits.append((24 + Double(i % 5) * 12, 14 + Double(i / 5) * 12, 2)) }
        let d = LimbFixture.detection(deposits, bodyY: 10..<70)
        let a = DistributionClassifier().assess(d)
        XCTAssertEqual(a.label, .circumscripta, a.reason)
        XCTAssertTrue(a.reason.contains("too little to call universalis"), a.reason)
    }

    /// Adding nodules along the limb one at a time: the score never falls, the label changes
    /// from circumscripta to universalis once within the range (so the boundary is crossed, not
    /// assumed), and the score is below 0.5 before that change and at least 0.5 after it.
    func testScoreCrossesOneHalfAtTheLabelBoundary() throws {
        let assessed = (1...8).map { label(Self.zigzag($0, stepMM: 25)) }
        for (previous, next) in zip(assessed, assessed.dropFirst()) {
            XCTAssertGreaterThanOrEqual(next.score, previous.score, "\(next.reason)")
        }
        let change = try XCTUnwrap(assessed.firstIndex { $0.label == .universalis }, "never universalis: \(assessed.map(\.score))")
        XCTAssertGreaterThan(change, 0, "universalis from one nodule: \(assessed[0].reason)")
        for (i, a) in assessed.enumerated() {
            XCTAssertEqual(a.label, i < change ? .circumscripta : .universalis, "\(i + 1) nodules: \(a.reason)")
            XCTAssertEqual(a.score >= 0.5, i >= change, "\(i + 1) nodules: score \(a.score)")
        }
    }

    func testReasonStatesTheDecidingFiguresAndThresholds() {
        let a = label([(30, 50, 2), (60, 190, 2), (35, 120, 2)])
        for piece in ["span", "mm", "%", "cluster", "≥ 100", "≥ 15 %", "≥ 25 %"] {
            XCTAssertTrue(a.reason.contains(piece), "\(piece) missing: \(a.reason)")
        }
        XCTAssertFalse(a.headline.isEmpty)
        XCTAssertNotNil(a.spread)
        XCTAssertEqual(a.metrics.last?.name, "universalis_strength")
    }
}
