import XCTest
@testable import Detection
import TestSupport

/// The streaming box mean in row bands: in place (dst = src, with the neighbours' rows copied
/// first) and out of place, any band split, give the same bits; and those are the clipped
/// window's mean (`KernelTests` checks the values against direct sums).
final class BoxFilterBandTests: XCTestCase {
    func testInPlaceAndBandsGiveTheSameBits() {
        var random = SplitMix64(seed: 11)
        for (width, height, radius) in [(301, 700, 5), (64, 1000, 13), (33, 257, 40), (7, 90, 2), (500, 5, 3)] {
            let src = (0..<(width * height)).map { _ in Float(random.uniform() * 60000) }
            func mean(bands: Int, inPlace: Bool) -> [Float] {
                var out = inPlace ? src : [Float](repeating: .nan, count: src.count)
                ParallelBands.$maximumBands.withValue(bands) {
                    if inPlace {
                        out.withUnsafeMutableBufferPointer { d in
                            BoxFilter.mean(UnsafeBufferPointer(d), width: width, height: height, radius: radius, into: d)
                        }
                    } else {
                        src.withUnsafeBufferPointer { s in
                            out.withUnsafeMutableBufferPointer { BoxFilter.mean(s, width: width, height: height, radius: radius, into: $0) }
                        }
                    }
                }
                return out
            }
            let reference = mean(bands: 1, inPlace: false)
            for bands in [1, 2, 3, 32] {
                for inPlace in [false, true] where bands > 1 || inPlace {
                    let other = mean(bands: bands, inPlace: inPlace)
                    let differing = zip(reference, other).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(differing, 0, "\(width)×\(height) r=\(radius), \(bands) bands, in place \(inPlace)")
                }
            }
            // Spot check against the definition.
            for (x, y) in [(0, 0), (width - 1, height - 1), (width / 2, height / 2), (min(width - 1, radius), min(height - 1, 3 * radius))] {
                var sum = 0.0, n = 0.0
                for yy in max(0, y - radius)...min(height - 1, y + radius) {
                    for xx in max(0, x - radius)...min(width - 1, x + radius) {
                        sum += Double(src[yy * width + xx])
                        n += 1
                    }
                }
                XCTAssertEqual(Double(reference[y * width + x]), sum / n, accuracy: 1e-2)
            }
        }
    }

    /// A stretch of a row of the 3×3 mean gives the values the whole row gives there, at the
    /// film's edges too.
    func testRowStretchesOfTheThreeByThreeMeanMatchTheWholeRow() {
        var random = SplitMix64(seed: 3)
        for (width, height) in [(1, 1), (2, 3), (9, 4), (70, 5)] {
            let src = (0..<(width * height)).map { _ in UInt16(random.next() >> 48) }
            src.withUnsafeBufferPointer { src in
                let sums = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
                let whole = UnsafeMutablePointer<Float>.allocate(capacity: width)
                let part = UnsafeMutablePointer<Float>.allocate(capacity: width)
                defer { sums.deallocate(); whole.deallocate(); part.deallocate() }
                for y in 0..<height {
                    BoxFilter.mean3x3Row(src, width: width, height: height, y: y, columnSums: sums, into: whole)
                    for start in 0..<width {
                        for end in (start + 1)...width {
                            BoxFilter.mean3x3Row(src, width: width, height: height, y: y, columns: start..<end, columnSums: sums, into: part)
                            for x in start..<end {
                                XCTAssertEqual(part[x].bitPattern, whole[x].bitPattern, "\(width)×\(height) y \(y) \(start)..<\(end) x \(x)")
                            }
                        }
                    }
                }
            }
        }
    }
}
