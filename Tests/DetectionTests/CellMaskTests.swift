import XCTest
@testable import Detection
import TestSupport

/// The separable cell dilation against the definition: a cell is set when any cell within the
/// (2r+1)×(2r+1) square around it is set.
final class CellMaskTests: XCTestCase {
    func testDilationMatchesTheSquareDefinition() {
        var generator = SplitMix64(seed: 2026)
        for (columns, rows) in [(1, 1), (1, 9), (9, 1), (17, 23), (40, 31)] {
            for radius in [1, 2, 3, 7, 50] {
                for density in [0.01, 0.1, 0.5] {
                    let mask: [UInt8] = (0..<(columns * rows)).map { _ in Double.random(in: 0..<1, using: &generator) < density ? 1 : 0 }
                    var expected = [UInt8](repeating: 0, count: mask.count)
                    for cy in 0..<rows {
                        for cx in 0..<columns {
                            var any = false
                            for y in max(0, cy - radius)...min(rows - 1, cy + radius) {
                                for x in max(0, cx - radius)...min(columns - 1, cx + radius) where mask[y * columns + x] != 0 { any = true }
                            }
                            expected[cy * columns + cx] = any ? 1 : 0
                        }
                    }
                    var dilated = mask
                    AnatomyMap.dilate(&dilated, columns: columns, rows: rows, by: radius)
                    XCTAssertEqual(dilated, expected, "\(columns)×\(rows), radius \(radius), density \(density)")
                }
            }
        }
    }
}

/// The skin distances are computed per row band with halos; every band split must give the
/// plane that one band gives (the halos make each band's rows exact, see `SearchRegion`).
final class SkinDistanceBandTests: XCTestCase {
    /// Against the definition: the 3–4 chamfer distance between two pixels is 4·min(|dx|, |dy|)
    /// + 3·(max − min); each body pixel's value is the smallest to any air pixel, capped.
    func testDistancesAreTheCappedChamferDistanceToTheNearestAirPixel() {
        let width = 260, height = 220
        var parameters = DetectionParameters()
        parameters.skinMarginMM = 1.5
        let plane = distances(width: width, height: height, parameters: parameters, bands: 4)
        let cap = plane.max()!
        XCTAssertTrue(plane.contains(0), "air")
        XCTAssertGreaterThan(cap, 0, "body")
        // Air farther than cap/3 pixels in either direction is at least the cap away.
        let reach = Int(cap) / 3 + 1
        var checked = 0
        for i in plane.indices where plane[i] > 0 {
            let x = i % width, y = i / width
            var nearest = cap
            for ay in max(0, y - reach)...min(height - 1, y + reach) {
                for ax in max(0, x - reach)...min(width - 1, x + reach) where plane[ay * width + ax] == 0 {
                    let dx = abs(ax - x), dy = abs(ay - y)
                    nearest = min(nearest, Int32(4 * min(dx, dy) + 3 * (max(dx, dy) - min(dx, dy))))
                }
            }
            XCTAssertEqual(plane[i], nearest, "pixel \(x), \(y)")
            checked += 1
            if plane[i] != nearest { break }
        }
        XCTAssertGreaterThan(checked, 1000)
    }

    /// The skin distances of a round limb in air, with the kernels split into at most `bands`.
    func distances(width: Int, height: Int, parameters: DetectionParameters, bands: Int) -> [Int32] {
        var pixels = [UInt16](repeating: 300, count: width * height)
        var state: UInt64 = 7
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x - width / 2) / (0.42 * Double(width)), dy = Double(y - height / 2) / (0.45 * Double(height))
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int(state >> 60) - 8
                pixels[y * width + x] = UInt16(clamping: (dx * dx + dy * dy < 1 ? 1800 : 300) + noise)
            }
        }
        let scales = PixelScales(parameters, spacingMM: 0.1)
        var plane = [Int32](repeating: -1, count: width * height)
        var smoothed = [Float](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { pixels in
            smoothed.withUnsafeMutableBufferPointer { BoxFilter.mean3x3(pixels, width: width, height: height, into: $0) }
            smoothed.withUnsafeBufferPointer { s in
                let noise = NoiseMap(smoothed: s, width: width, height: height, cellSize: scales.cellSize)
                let anatomy = AnatomyMap(pixels: pixels, width: width, height: height, maximumValue: 4095,
                                         noise: noise, scales: scales, parameters: parameters)
                ParallelBands.$maximumBands.withValue(bands) {
                    plane.withUnsafeMutableBufferPointer {
                        SearchRegion.distances(smoothed: s, width: width, height: height, anatomy: anatomy,
                                               scales: scales, parameters: parameters, into: $0)
                    }
                }
            }
        }
        return plane
    }

    func testBandsWithHalosGiveTheSerialDistances() {
        // A round limb in air, so the skin line runs in every direction across the bands; small
        // margins give small halos and so many bands (0.3 mm: 11 bands of ~80 rows).
        for marginMM in [0.3, 1.0, 2.5] {
            var parameters = DetectionParameters()
            parameters.skinMarginMM = marginMM
            let serial = distances(width: 640, height: 900, parameters: parameters, bands: 1)
            XCTAssertTrue(serial.contains(0) && serial.contains { $0 > 0 }, "air and body at margin \(marginMM)")
            for bands in [2, 3, 32] {
                let banded = distances(width: 640, height: 900, parameters: parameters, bands: bands)
                let differing = zip(banded, serial).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "pixels differing at margin \(marginMM) mm, \(bands) bands")
            }
        }
    }
}
