import XCTest
@testable import Detection

final class CollimationFinderTests: XCTestCase {
    let columns = 60, rows = 80

    /// Air on the left, tissue in the middle, and whatever `extra` paints.
    func grid(_ extra: (Int, Int) -> Float?) -> [Float] {
        (0..<(columns * rows)).map { i in
            let x = i % columns, y = i / columns
            return extra(x, y) ?? (x < 10 ? 100 : 1500 + Float((x * 7 + y * 13) % 11))
        }
    }

    func testBladeAlongTheBottomIsFoundWithItsTilt() {
        // Blocked beam from the bottom edge up to a slightly tilted line, grading from 3000 to 2600.
        let cells = grid { x, y in Double(y) >= 66 + Double(x) * 0.05 ? 3000 - Float(x) * 7 : nil }
        let blades = CollimationFinder.blades(cellMean: cells, columns: columns, rows: rows, jump: 400)
        for x in 0..<columns {
            let edge = 66 + Double(x) * 0.05
            XCTAssertEqual(blades[79 * columns + x], 1, "bottom row, column \(x)")
            XCTAssertEqual(blades[Int(edge.rounded(.up)) * columns + x], 1, "blade edge, column \(x)")
            XCTAssertEqual(blades[Int(edge - 4) * columns + x], 0, "inside the field, column \(x)")
        }
    }

    func testBoneParallelToTheFilmEdgeIsNotABlade() {
        // A bright shaft 8 cells from the right edge, with tissue and air between it and the edge.
        let cells = grid { x, _ in x >= 44 && x < 52 ? 2600 : (x >= 56 ? 100 : nil) }
        let blades = CollimationFinder.blades(cellMean: cells, columns: columns, rows: rows, jump: 400)
        XCTAssertEqual(blades.reduce(0) { $0 + Int($1) }, 0)
    }

    func testCurvedStepIsNotABlade() {
        // A bright region along the top whose lower boundary is a curve, not a line.
        let cells = grid { x, y in Double(y) < 10 + 8 * sin(Double(x) / 6) ? 3000 : nil }
        let blades = CollimationFinder.blades(cellMean: cells, columns: columns, rows: rows, jump: 400)
        XCTAssertEqual(blades.reduce(0) { $0 + Int($1) }, 0)
    }
}
