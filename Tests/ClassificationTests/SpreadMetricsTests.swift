import Detection
import XCTest
@testable import Classification

/// Spread figures against the geometry of hand-placed deposits: areas and distances worked out
/// on paper, not by the code under test.
final class SpreadMetricsTests: XCTestCase {
    func measure(_ deposits: [(x: Double, y: Double, sizeMM: Double)], radius: Double = 10, linkage: Double = 15) -> SpreadMetrics {
        SpreadMetrics(LimbFixture.detection(deposits), neighbourhoodRadiusMM: radius, linkageMM: linkage)
    }

    func testBodyBoneAndSoftTissueAreas() {
        let s = measure([])
        XCTAssertEqual(s.bodyAreaMM2, LimbFixture.bodyAreaMM2, accuracy: 1e-9)
        XCTAssertEqual(s.boneAreaMM2, LimbFixture.boneAreaMM2, accuracy: 1e-9)
        XCTAssertEqual(s.softTissueAreaMM2, LimbFixture.bodyAreaMM2 - LimbFixture.boneAreaMM2, accuracy: 1e-9)
        XCTAssertEqual(s.depositCount, 0)
        XCTAssertEqual(s.neighbourhoodFraction, 0)
        XCTAssertEqual(s.hullFraction, 0)
        XCTAssertEqual(s.clusters.count, 0)
        XCTAssertEqual(s.largestClusterAreaShare, 0)
        XCTAssertEqual(s.bodyExtentMM!, (60.0 * 60 + 200 * 200).squareRoot(), accuracy: 1e-9)
    }

    /// A 2 mm deposit in the soft tissue, far from bone and skin: its 10 mm neighbourhood is a
    /// rounded square of area 2² + 4·2·10 + π·10² (Minkowski sum), over 10 000 mm² of soft tissue.
    func testNeighbourhoodOfOneDepositIsARoundedSquare() {
        let s = measure([(30, 100, 2)])
        let expected = (4 + 80 + Double.pi * 100) / 10_000
        XCTAssertEqual(s.neighbourhoodFraction, expected, accuracy: expected * 0.06)
        XCTAssertEqual(s.depositAreaMM2, 4, accuracy: 1e-9)
    }

    /// Neighbourhood cells over bone are not soft tissue and do not count: a deposit at the
    /// bone's edge covers less soft tissue than one in the open.
    func testNeighbourhoodExcludesBone() {
        let open = measure([(30, 100, 2)]).neighbourhoodFraction
        let besideBone = measure([(44, 100, 2)]).neighbourhoodFraction
        XCTAssertLessThan(besideBone, open * 0.8)
    }

    /// Four 1 mm deposits at the corners of a 20 × 40 mm rectangle: the hull is that rectangle
    /// grown by the boxes, 21 × 41 mm (cells counted by centre: ± one row of cells around it).
    func testHullOfFourCornersIsTheirRectangle() {
        let s = measure([(25, 50, 1), (45, 50, 1), (25, 90, 1), (45, 90, 1)])
        XCTAssertEqual(s.hullFraction, 21 * 41 / LimbFixture.bodyAreaMM2, accuracy: 2 * (21 + 41) / LimbFixture.bodyAreaMM2)
        XCTAssertEqual(s.spanMM, (21.0 * 21 + 41 * 41).squareRoot(), accuracy: 0.2)
    }

    /// Edge-to-edge gaps of 14 mm link (linkage 15 mm), 16 mm do not.
    func testClustersBySingleLinkageOnBoxGaps() {
        // 2 mm boxes: centres 16 mm apart leave a 14 mm gap; 18 mm apart a 16 mm gap.
        let s = measure([(30, 50, 2), (30, 66, 2), (30, 82, 2), (30, 100, 2), (70, 180, 3)])
        XCTAssertEqual(s.clusters.count, 3)
        XCTAssertEqual(s.clusters.map(\.depositIDs), [[1, 2, 3], [5], [4]])
        XCTAssertEqual(s.clusters[0].areaMM2, 12, accuracy: 1e-9)
        XCTAssertEqual(s.clusters[0].extentMM, (2.0 * 2 + 34 * 34).squareRoot(), accuracy: 0.15)
        XCTAssertEqual(s.largestClusterAreaShare, 12.0 / (12 + 4 + 9), accuracy: 1e-9)
        XCTAssertEqual(s.largestClusterExtentMM, s.clusters[0].extentMM)
        XCTAssertEqual(s.clusters[0].centreY, 660, accuracy: 1)
    }

    /// A body map of nothing (an all-air or all-collimation film) gives zeros, not NaN.
    func testEmptyBodyGivesZeroFractions() {
        let d = LimbFixture.detection([(30, 100, 2)], bodyX: 0..<0, bodyY: 0..<0)
        let s = SpreadMetrics(d, neighbourhoodRadiusMM: 10, linkageMM: 15)
        XCTAssertEqual(s.bodyAreaMM2, 0)
        XCTAssertEqual(s.neighbourhoodFraction, 0)
        XCTAssertEqual(s.hullFraction, 0)
        XCTAssertNil(s.bodyExtentMM)
        XCTAssertEqual(s.clusters.count, 1)
        for metric in s.named { XCTAssertTrue(metric.value.isFinite, metric.name) }
    }

    func testNamesAreStable() {
        XCTAssertEqual(measure([(30, 100, 2)]).named.map(\.name), [
            "deposit_count", "deposit_area_mm2", "body_area_mm2", "bone_area_mm2", "soft_tissue_area_mm2",
            "neighbourhood_radius_mm", "neighbourhood_fraction", "hull_fraction", "span_mm", "linkage_mm",
            "cluster_count", "largest_cluster_extent_mm", "largest_cluster_area_share",
        ])
    }
}
