import XCTest
@testable import Detection
import TestSupport

final class KernelTests: XCTestCase {
    func testBoxMeanMatchesDirectSumIncludingClippedBorders() {
        var random = SplitMix64(seed: 7)
        // Sizes that exercise every path: clipped windows larger than the film, heights that are
        // not a multiple of the four SIMD rows, widths past one 256-column band and not a
        // multiple of the four SIMD columns.
        for (width, height, radius) in [(37, 23, 1), (40, 31, 4), (9, 50, 7), (5, 6, 12), (603, 19, 3), (1, 7, 2)] {
            let src = (0..<(width * height)).map { _ in Float(random.uniform() * 4000) }
            var dst = [Float](repeating: 0, count: src.count)
            src.withUnsafeBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { d in
                    BoxFilter.mean(s, width: width, height: height, radius: radius, into: d)
                }
            }
            for y in 0..<height {
                for x in 0..<width {
                    var sum = 0.0, n = 0.0
                    for yy in max(0, y - radius)...min(height - 1, y + radius) {
                        for xx in max(0, x - radius)...min(width - 1, x + radius) {
                            sum += Double(src[yy * width + xx])
                            n += 1
                        }
                    }
                    XCTAssertEqual(Double(dst[y * width + x]), sum / n, accuracy: 1e-2, "(\(x), \(y)) r=\(radius)")
                }
            }
        }
    }

    /// The 3×3 mean straight from 16-bit samples is exactly the clipped window's integer sum
    /// divided by its pixel count (one rounding), at every border and corner.
    func testMean3x3IsTheExactlyRoundedClippedMean() {
        var random = SplitMix64(seed: 5)
        for (width, height) in [(1, 1), (1, 9), (9, 1), (2, 2), (31, 17), (300, 5)] {
            let src = (0..<(width * height)).map { _ in UInt16(random.next() >> 48) }
            var dst = [Float](repeating: .nan, count: src.count)
            src.withUnsafeBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { BoxFilter.mean3x3(s, width: width, height: height, into: $0) }
            }
            for y in 0..<height {
                for x in 0..<width {
                    var sum = 0, n = 0
                    for yy in max(0, y - 1)...min(height - 1, y + 1) {
                        for xx in max(0, x - 1)...min(width - 1, x + 1) {
                            sum += Int(src[yy * width + xx])
                            n += 1
                        }
                    }
                    XCTAssertEqual(dst[y * width + x], Float(Double(sum) / Double(n)), "(\(x), \(y)) in \(width)×\(height)")
                }
            }
        }
    }

    /// Selection and rank counting give the value a full sort gives, ties and even counts included.
    func testMediansMatchSorting() {
        var random = SplitMix64(seed: 9)
        for count in [1, 2, 3, 8, 9, 24, 25, 48, 49, 64, 65, 100, 1001, 20_000] {
            for ties in [false, true] {
                let values = (0..<count).map { _ in ties ? Float(random.next() % 5) : Float(random.gaussian() * 100) }
                let sorted = values.sorted()
                let expected = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2])
                var copy = values
                XCTAssertEqual(RobustStatistics.median(&copy, count: count), expected, "median of \(count)")
                if count <= 64 {
                    var small = values
                    let got = small.withUnsafeMutableBufferPointer { RobustStatistics.smallMedian($0.baseAddress!, count: count) }
                    XCTAssertEqual(got, expected, "small median of \(count)")
                    XCTAssertEqual(small, values, "small median leaves the values in place")
                }
            }
        }
        // Already sorted and reversed input must not degrade (the selection falls back to a sort).
        var ascending = (0..<100_001).map(Float.init)
        XCTAssertEqual(RobustStatistics.median(&ascending, count: ascending.count), 50_000)
        var descending = (0..<100_000).reversed().map(Float.init)
        XCTAssertEqual(RobustStatistics.median(&descending, count: descending.count), 49_999.5)
    }
}
