import XCTest
import Detection
@testable import Classification

/// Distribution labels on hand-placed deposits over a known body, so the expected label follows
/// from the geometry alone.
final class DistributionClassifierTests: XCTestCase {
    /// A 60 mm × 200 mm limb on 1 mm cells (spacing 0.1 mm, cells of 10 px).
    static func detection(depositsAtMM points: [(x: Double, y: Double, diameterMM: Double)]) -> DetectionResult {
        let columns = 100, rows = 220, cell = 10
        var cells = [UInt8](repeating: 0, count: columns * rows)
        for y in 10..<210 { for x in 20..<80 { cells[y * columns + x] = 1 } }
        let deposits = points.enumerated().map { i, p -> Deposit in
            let radiusPx = p.diameterMM / 2 / 0.1
            let area = Int((Double.pi * radiusPx * radiusPx).rounded())
            return Deposit(id: i + 1, areaPx: area, bbox: PixelBox(x: Int(p.x * 10 - radiusPx), y: Int(p.y * 10 - radiusPx), width: Int(2 * radiusPx), height: Int(2 * radiusPx)),
                           centroidX: p.x * 10, centroidY: p.y * 10, mean: 1000, peak: 1100, contrast: 100, peakSNR: 20)
        }
        return DetectionResult(deposits: deposits, labels: LabelImage(width: 1, height: 1, labels: [0]),
                               body: BodyMap(cellSize: cell, columns: columns, rows: rows, cells: cells, bone: [UInt8](repeating: 0, count: columns * rows)),
                               noiseSigma: 3)
    }

    func label(_ points: [(x: Double, y: Double, diameterMM: Double)]) -> DistributionAssessment {
        DistributionClassifier().assess(Self.detection(depositsAtMM: points), spacingMM: 0.1)
    }

    func testNoDepositsIsNone() {
        let a = label([])
        XCTAssertEqual(a.label, .none)
        XCTAssertEqual(a.score, 0)
    }

    func testOneClusterNearAJointIsCircumscripta() {
        var cluster: [(x: Double, y: Double, diameterMM: Double)] = []
        for i in 0..<12 {
            let x: Double = 45 + Double(i % 4) * 3
            let y: Double = 100 + Double(i / 4) * 3
            cluster.append((x: x, y: y, diameterMM: 1.5))
        }
        let a = label(cluster)
        XCTAssertEqual(a.label, .circumscripta, a.reason)
        XCTAssertLessThan(a.score, 0.3)
        XCTAssertEqual(a.metrics.first { $0.name == "clusters" }?.value, 1)
    }

    func testOneLargeNoduleIsCircumscripta() {
        XCTAssertEqual(label([(50, 60, 18)]).label, .circumscripta)
    }

    func testDepositsAlongTheWholeLimbAreUniversalis() {
        var spread: [(x: Double, y: Double, diameterMM: Double)] = []
        for (i, y) in stride(from: 20.0, through: 200, by: 22).enumerated() {
            spread.append((x: i % 2 == 0 ? 30 : 70, y: y, diameterMM: 2))
        }
        let a = label(spread)
        XCTAssertEqual(a.label, .universalis, a.reason)
        XCTAssertGreaterThan(a.score, 0.6)
        XCTAssertGreaterThan(a.metrics.first { $0.name == "span_fraction" }!.value, 0.7)
    }

    func testReasonStatesTheDecidingFigures() {
        let a = label([(40, 50, 2), (60, 190, 2), (35, 120, 2)])
        XCTAssertTrue(a.reason.contains("%"), a.reason)
        XCTAssertTrue(a.reason.contains("cluster"), a.reason)
    }
}
