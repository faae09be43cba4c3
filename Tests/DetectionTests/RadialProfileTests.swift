import XCTest
@testable import Detection
import TestSupport

/// `RadialProfile` (through `CandidatePatch.measure`) on films whose profiles follow from the
/// geometry, and `FilmRanks` against ranks counted directly.
final class RadialProfileTests: XCTestCase {
    static let width = 101, height = 101

    func measure(_ film: [UInt16], radius: Double) -> PatchShape {
        var patch = CandidatePatch()
        return film.withUnsafeBufferPointer {
            patch.measure(CandidatePatch.Film(pixels: $0, width: Self.width, height: Self.height), x: 50, y: 50, radiusPx: radius, sigma: 1)
        }
    }

    /// A flat disk of radius 6 (100 above a flat film) measured with r = 6: the grid step is 2
    /// (the second ring, 27 pixels, in 24 steps), the box 3 × 3, the annuli 3 pixels wide. The
    /// innermost annulus lies on the disk (its level is the centre's or a little above: the
    /// centre's mean takes in boxes on the rim); from 9 pixels out every box lies off the disk,
    /// so the last three annuli sit exactly at the second ring's level, with no sector spread.
    func testADiskFallsToTheBackgroundBeyondItsEdge() {
        var film = [UInt16](repeating: 1000, count: Self.width * Self.height)
        for y in 0..<Self.height { for x in 0..<Self.width where (x - 50) * (x - 50) + (y - 50) * (y - 50) <= 36 { film[y * Self.width + x] = 1100 } }
        let shape = measure(film, radius: 6)
        XCTAssertEqual(shape.profile.count, RadialProfile.bins)
        XCTAssertGreaterThanOrEqual(shape.profile[0], 1)
        XCTAssertLessThan(shape.profile[0], 1.3)
        XCTAssertGreaterThan(shape.profile[1], 0.5)
        XCTAssertLessThan(shape.profile[2], shape.profile[1])
        for k in 3..<RadialProfile.bins {
            XCTAssertEqual(shape.profile[k], 0, "annulus \(k)")
            XCTAssertEqual(shape.angular[k], 0, "annulus \(k)")
        }
        XCTAssertTrue(shape.angular[0].isNaN, "the centre has no sectors")
    }

    /// A straight edge through the centre (a cortex): half of every annulus is bright, so each
    /// annulus's sectors split into two levels 100 apart (a spread of about 50); the centre's
    /// contrast over the second ring is only the few units of the grid's bright centre column,
    /// so the spread is many times it.
    func testAnEdgeSpreadsOverTheSectors() {
        var film = [UInt16](repeating: 1000, count: Self.width * Self.height)
        for y in 0..<Self.height { for x in 50..<Self.width { film[y * Self.width + x] = 1100 } }
        let shape = measure(film, radius: 6)
        for k in 1..<RadialProfile.bins { XCTAssertGreaterThan(shape.angular[k], 5, "annulus \(k)") }
    }

    /// Ranks: the share of the film's candidates below each (ties and itself counted half),
    /// NaN below every number; checked against a direct count over a column with many ties.
    func testFilmRanksCountTheCandidatesBelow() {
        var rows: [[Double]] = [[3, 0, 0], [1, 0, 0], [2, 0, 0], [2, 0, 0], [.nan, 0, 0]]
        FilmRanks.fill(&rows, from: [0], into: 2)
        XCTAssertEqual(rows.map { $0[2] }, [0.9, 0.3, 0.6, 0.6, 0.1])
        var random = SplitMix64(seed: 4)
        let values = (0..<300).map { _ in Double(random.next() % 17) }
        var table = values.map { [$0, -$0, 0, 0] }
        FilmRanks.fill(&table, from: [0, 1], into: 2)
        for (i, v) in values.enumerated() {
            let below = values.filter { $0 < v }.count, equal = values.filter { $0 == v }.count
            XCTAssertEqual(table[i][2], (Double(below) + 0.5 * Double(equal)) / 300, accuracy: 1e-12)
            let above = values.filter { $0 > v }.count
            XCTAssertEqual(table[i][3], (Double(above) + 0.5 * Double(equal)) / 300, accuracy: 1e-12)
        }
        var empty: [[Double]] = []
        FilmRanks.fill(&empty, from: [0], into: 0)
        XCTAssertTrue(empty.isEmpty)
    }
}
