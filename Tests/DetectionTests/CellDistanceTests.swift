import XCTest
@testable import Detection
import TestSupport

/// The two-pass chessboard distance against the definition: the smallest chessboard distance to
/// an unset cell, or to the outside (one step beyond the grid's edge).
final class CellDistanceTests: XCTestCase {
    func testTwoPassesMatchTheDefinition() {
        var generator = SplitMix64(seed: 2027)
        for (columns, rows) in [(1, 1), (1, 9), (9, 1), (17, 23), (40, 31)] {
            for density in [0.0, 0.002, 0.02, 0.2, 0.8] {
                let mask: [UInt8] = (0..<(columns * rows)).map { _ in Double.random(in: 0..<1, using: &generator) < density ? 0 : 1 }
                let distance = CellDistance.toOutside(mask, columns: columns, rows: rows)
                for y in 0..<rows {
                    for x in 0..<columns {
                        var expected = min(min(x + 1, y + 1), min(columns - x, rows - y))
                        for yy in 0..<rows {
                            for xx in 0..<columns where mask[yy * columns + xx] == 0 {
                                expected = min(expected, max(abs(xx - x), abs(yy - y)))
                            }
                        }
                        XCTAssertEqual(Int(distance[y * columns + x]), expected, "\(columns)×\(rows) at (\(x), \(y)), density \(density)")
                    }
                }
            }
        }
    }
}
