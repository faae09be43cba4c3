import XCTest
@testable import Detection
import TestSupport

/// `LaneMedian` against the plain definition: sort each lane's values and take the middle one
/// (or the mean of the two middle ones).
final class LaneMedianTests: XCTestCase {
    func testEveryLaneMatchesTheSortedMiddle() {
        var generator = SplitMix64(seed: 2026)
        for count in [1, 2, 3, 7, 8, 16, 24, 25, 36, 49, 50, 63, 64, 65, 100] {
            let network = LaneMedian(count: count)
            XCTAssertGreaterThanOrEqual(network.size, count)
            for trial in 0..<20 {
                // Some trials draw from a few values, so ties and runs of equal values occur.
                let levels: Float = trial % 2 == 0 ? 5 : 1_000_000
                let lanes = (0..<8).map { _ in
                    (0..<count).map { _ in Float(Int.random(in: 0..<Int(levels), using: &generator)) / 7 }
                }
                let vectors = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: network.size)
                defer { vectors.deallocate() }
                for j in 0..<network.size {
                    vectors[j] = j < count ? SIMD8((0..<8).map { lanes[$0][j] }) : SIMD8(repeating: .infinity)
                }
                let medians = network.median(vectors)
                for l in 0..<8 {
                    let sorted = lanes[l].sorted()
                    let expected = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2])
                    XCTAssertEqual(medians[l].bitPattern, expected.bitPattern, "count \(count), lane \(l)")
                    var copy = lanes[l]
                    XCTAssertEqual(RobustStatistics.smallMedian(&copy, count: count).bitPattern, expected.bitPattern)
                }
            }
        }
    }

    /// Pruning keeps only what reaches the middle: far fewer compare-exchanges than a full sort
    /// (Batcher's network for 64 values has 543).
    func testTheNetworkIsPrunedButStillSortsTheMiddle() {
        let network = LaneMedian(count: 49)
        XCTAssertEqual(network.size, 64)
        XCTAssertLessThan(network.comparatorCount, 543)
    }
}
