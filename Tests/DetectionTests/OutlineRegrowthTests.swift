import XCTest
import Radiography
@testable import Detection
import TestSupport

/// The measured outline against shapes whose true extent is known by construction: a detected
/// core smaller than its deposit grows to the deposit, and never into a structure or a neighbour.
final class OutlineRegrowthTests: XCTestCase {
    static let width = 200, height = 200

    /// Soft tissue at 1000 with Gaussian noise, plus `shapes` (each adds its height where it holds).
    static func film(noise: Double = 4, seed: UInt64 = 5, _ shapes: [(height: Double, holds: (Int, Int) -> Bool)]) -> [UInt16] {
        var random = SplitMix64(seed: seed)
        var pixels = [UInt16](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var v = 1000.0 + noise * random.gaussian()
                for shape in shapes where shape.holds(x, y) { v += shape.height }
                pixels[y * width + x] = UInt16(max(0, min(65535, v.rounded())))
            }
        }
        return pixels
    }

    static func disc(_ cx: Int, _ cy: Int, _ r: Int) -> (Int, Int) -> Bool {
        { x, y in (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r }
    }

    /// Labels the pixels of `holds` with `id` and returns the deposit the detector would report for them.
    static func core(_ id: Int, _ holds: (Int, Int) -> Bool, labels: inout [Int32], pixels: [UInt16]) -> Deposit {
        var area = 0, minX = Int.max, minY = Int.max, maxX = 0, maxY = 0
        for y in 0..<height {
            for x in 0..<width where holds(x, y) {
                labels[y * width + x] = Int32(id)
                area += 1
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        return Deposit(id: id, areaPx: area, bbox: PixelBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1),
                       centroidX: 0, centroidY: 0, mean: 0, peak: 0, contrast: 7, peakSNR: 9)
    }

    func grow(_ deposits: inout [Deposit], _ labels: inout [Int32], _ pixels: [UInt16], limit: Double = 4) {
        labels.withUnsafeMutableBufferPointer { labels in
            pixels.withUnsafeBufferPointer { pixels in
                OutlineRegrowth.grow(&deposits, labels: labels, pixels: pixels, width: Self.width, height: Self.height,
                                     fraction: 0.25, limit: limit)
            }
        }
    }

    /// Area, box, centroid, mean and peak equal those of the deposit's pixels in the label image.
    func assertMeasuresMatchLabels(_ deposit: Deposit, _ labels: [Int32], _ pixels: [UInt16], file: StaticString = #filePath, line: UInt = #line) {
        var area = 0, sumX = 0, sumY = 0, sumValue = 0, peak = 0
        for (i, label) in labels.enumerated() where Int(label) == deposit.id {
            area += 1; sumX += i % Self.width; sumY += i / Self.width; sumValue += Int(pixels[i]); peak = max(peak, Int(pixels[i]))
        }
        XCTAssertEqual(deposit.areaPx, area, file: file, line: line)
        XCTAssertEqual(deposit.centroidX, Double(sumX) / Double(area), accuracy: 1e-9, file: file, line: line)
        XCTAssertEqual(deposit.centroidY, Double(sumY) / Double(area), accuracy: 1e-9, file: file, line: line)
        XCTAssertEqual(deposit.mean, Double(sumValue) / Double(area), accuracy: 1e-9, file: file, line: line)
        XCTAssertEqual(deposit.peak, peak, file: file, line: line)
    }

    func testCoreGrowsToItsDeposit() {
        let pixels = Self.film([(40, Self.disc(100, 100, 20))])
        var labels = [Int32](repeating: 0, count: Self.width * Self.height)
        // The core: 36 % of the disc. Its window reaches 24 px from the centre (box and half the box).
        var deposits = [Self.core(1, Self.disc(100, 100, 12), labels: &labels, pixels: pixels)]
        grow(&deposits, &labels, pixels)
        // A sharp edge: the 3×3 mean carries a third of the step one pixel out, above a quarter.
        let trueArea = Double.pi * 400
        XCTAssertEqual(Double(deposits[0].areaPx), trueArea, accuracy: 0.15 * trueArea)
        XCTAssertEqual(deposits[0].bbox.width, 43, accuracy: 2)
        XCTAssertEqual(deposits[0].centroidX, 100, accuracy: 0.5)
        XCTAssertEqual(deposits[0].contrast, 7, "the core's contrast is kept")
        assertMeasuresMatchLabels(deposits[0], labels, pixels)
    }

    func testGrowthIntoAStructureIsDropped() {
        // A deposit on a bright bar that runs across the whole film (a bone, an edge): growing
        // along it reaches the window's border.
        let pixels = Self.film([(300, { _, y in y >= 97 && y < 103 }), (60, Self.disc(100, 100, 4))])
        var labels = [Int32](repeating: 0, count: Self.width * Self.height)
        var deposits = [Self.core(1, Self.disc(100, 100, 3), labels: &labels, pixels: pixels)]
        let before = labels
        grow(&deposits, &labels, pixels)
        XCTAssertEqual(labels, before)
        XCTAssertEqual(deposits[0].areaPx, before.filter { $0 == 1 }.count)
    }

    func testNeighboursKeepTheirPixels() {
        // Two discs that touch, the second detected whole (with the pixel its edge blurs into):
        // the first grows into its own disc, not into the second's pixels.
        let pixels = Self.film([(40, Self.disc(80, 100, 15)), (40, Self.disc(110, 100, 15))])
        var labels = [Int32](repeating: 0, count: Self.width * Self.height)
        var deposits = [Self.core(1, Self.disc(80, 100, 9), labels: &labels, pixels: pixels),
                        Self.core(2, Self.disc(110, 100, 16), labels: &labels, pixels: pixels)]
        let secondCore = labels.indices.filter { labels[$0] == 2 }
        grow(&deposits, &labels, pixels)
        XCTAssertTrue(secondCore.allSatisfy { labels[$0] == 2 }, "the first deposit took the second's pixels")
        XCTAssertGreaterThan(deposits[0].areaPx, Int(Double.pi * 81 * 2))
        assertMeasuresMatchLabels(deposits[0], labels, pixels)
    }

    func testGrowthBeyondTheLimitIsDropped() {
        let pixels = Self.film([(40, Self.disc(100, 100, 20))])
        var labels = [Int32](repeating: 0, count: Self.width * Self.height)
        var deposits = [Self.core(1, Self.disc(100, 100, 12), labels: &labels, pixels: pixels)]
        let before = labels
        grow(&deposits, &labels, pixels, limit: 2)    // it would grow to 3× the core
        XCTAssertEqual(labels, before)
    }

    func testFlatFilmGrowsNothing() {
        let pixels = Self.film([])
        var labels = [Int32](repeating: 0, count: Self.width * Self.height)
        var deposits = [Self.core(1, Self.disc(100, 100, 3), labels: &labels, pixels: pixels)]
        grow(&deposits, &labels, pixels)
        XCTAssertLessThanOrEqual(deposits[0].areaPx, 4 * 29, "noise alone stays within the limit or is dropped")
    }
}
