import TestSupport
import XCTest
@testable import Detection

/// The disjoint sets and the cell components built on them, against a flood fill.
final class DisjointSetsTests: XCTestCase {
    func testRootIsTheSmallestMemberWhateverTheUnionOrder() {
        var sets = DisjointSets(count: 6)
        sets.union(5, 3)
        sets.union(4, 5)
        sets.union(1, 2)
        XCTAssertEqual((0..<6).map { sets.find($0) }, [0, 1, 1, 3, 3, 3])
        sets.union(2, 4)
        XCTAssertEqual((0..<6).map { sets.find($0) }, [0, 1, 1, 1, 1, 1])
    }

    func testCellComponentsMatchAFloodFill() {
        var random = SplitMix64(seed: 14)
        for (columns, rows, density) in [(1, 1, 0.5), (17, 9, 0.45), (40, 31, 0.6), (64, 3, 0.3), (5, 50, 0.7)] {
            let mask = (0..<(columns * rows)).map { _ in random.uniform() < density ? UInt8(1) : 0 }
            let found = CellComponents(mask, columns: columns, rows: rows).components
            let expected = Self.floodFill(mask, columns: columns, rows: rows)
            XCTAssertEqual(found.map(\.cells), expected.map { $0.cells.sorted() }, "\(columns)×\(rows)")
            XCTAssertEqual(found.map(\.extentCells), expected.map(\.extent), "\(columns)×\(rows)")
        }
    }

    /// 8-connected components by breadth-first flood fill, in the raster order of their first cell.
    static func floodFill(_ mask: [UInt8], columns: Int, rows: Int) -> [(cells: [Int], extent: Double)] {
        var seen = [Bool](repeating: false, count: mask.count)
        var out: [(cells: [Int], extent: Double)] = []
        for start in mask.indices where mask[start] != 0 && !seen[start] {
            var cells = [start], head = 0
            seen[start] = true
            while head < cells.count {
                let i = cells[head]
                head += 1
                for dy in -1...1 {
                    for dx in -1...1 {
                        let x = i % columns + dx, y = i / columns + dy
                        guard x >= 0, y >= 0, x < columns, y < rows, mask[y * columns + x] != 0, !seen[y * columns + x] else { continue }
                        seen[y * columns + x] = true
                        cells.append(y * columns + x)
                    }
                }
            }
            let xs = cells.map { $0 % columns }, ys = cells.map { $0 / columns }
            let w = Double(xs.max()! - xs.min()! + 1), h = Double(ys.max()! - ys.min()! + 1)
            out.append((cells, (w * w + h * h).squareRoot()))
        }
        return out
    }
}
