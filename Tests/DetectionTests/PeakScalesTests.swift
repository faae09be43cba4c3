import XCTest
@testable import Detection
import TestSupport

/// `PeakScales` on films whose box contrasts follow by hand from the geometry. At 0.1 mm the
/// 0.3 mm scale is a box of 3 pixels (half-width 1) and the 0.6 mm scale one of 7 (half-width 3).
final class PeakScalesTests: XCTestCase {
    static let width = 200, height = 200

    /// A flat film of 1000 with 5 × 5 squares of 1100 centred on each of `centres`.
    static func film(_ centres: [(x: Int, y: Int)]) -> [UInt16] {
        var film = [UInt16](repeating: 1000, count: width * height)
        for c in centres { for y in (c.y - 2)...(c.y + 2) { for x in (c.x - 2)...(c.x + 2) { film[y * width + x] = 1100 } } }
        return film
    }

    func measure(_ film: [UInt16], sigmaS: Double = 1) -> (f: [Double], peak: Double) {
        let measured = film.withUnsafeBufferPointer {
            PeakScales.measure(pixels: $0, width: Self.width, height: Self.height, spacingMM: 0.1, peaks: [(100, 100)], sigmas: [sigmaS])
        }
        return (measured[0].contrasts, measured[0].peakMean)
    }

    /// One square. 0.3 mm: the 3 × 3 box is all 1100; its surround (9 × 9 less the box, 72
    /// pixels) holds the square's other 16 pixels, so D = 100 − 1600 / 72 = 700 / 9; the box
    /// mean's noise is 3σ(S) / 3. The ring point 6 pixels to the right has the square's edge
    /// column (5 pixels) in its surround: D = −500 / 72, the largest of the 12. 0.6 mm: the
    /// 7 × 7 box holds the whole square, its surround (25 × 25 less the box) is flat:
    /// D = 2500 / 49 over a noise of 3σ(S) / 7; the ring, 18 pixels out, is flat: all 0.
    func testASquareOnAFlatFilm() {
        let (f, peak) = measure(Self.film([(100, 100)]))
        XCTAssertEqual(f.count, PeakScales.names.count)
        XCTAssertEqual(peak, 1100)
        XCTAssertEqual(f[0], 700.0 / 9, accuracy: 1e-9)
        XCTAssertGreaterThan(f[1], 0)
        XCTAssertLessThan(f[1], f[0])
        XCTAssertEqual(f[2], (-500.0 / 72) / (700.0 / 9), accuracy: 1e-9)
        XCTAssertEqual(f[3], 2500.0 / 49 / (3.0 / 7), accuracy: 1e-9)
        XCTAssertEqual(f[4], f[3], accuracy: 1e-9, "a flat ring: the texture z is the noise-only figure")
        XCTAssertEqual(f[5], 0, accuracy: 1e-12)
    }

    /// A twin square 18 pixels to the right, where the 0.6 mm ring samples: that ring point's D
    /// equals the centre's (neither square reaches the other's surround), so the ring maximum
    /// is 1, and the texture z falls from 119 (noise alone) to about 3.5 (D over the spread of
    /// one D, two small negatives and nine zeros).
    func testATwinOnTheRingIsTexture() {
        let (f, _) = measure(Self.film([(100, 100), (118, 100)]))
        XCTAssertEqual(f[3], 2500.0 / 49 / (3.0 / 7), accuracy: 1e-9)
        XCTAssertEqual(f[5], 1, accuracy: 1e-12)
        XCTAssertLessThan(f[4], f[3] / 10)
        XCTAssertGreaterThan(f[4], 2)
    }

    /// Peaks at tile corners and film edges give the same values as from one integral image of
    /// the whole film: a tile's image covers every box of its peaks.
    func testTilesGiveTheValuesOfAWholeFilmIntegral() {
        let width = 700, height = 600
        var random = SplitMix64(seed: 9)
        let film = (0..<(width * height)).map { _ in UInt16(1000 + random.next() % 200) }
        let peaks = [(x: 5, y: 5), (x: 255, y: 255), (x: 256, y: 256), (x: 400, y: 30), (x: 699, y: 599), (x: 300, y: 500)]
        film.withUnsafeBufferPointer { pixels in
            let tiled = PeakScales.measure(pixels: pixels, width: width, height: height, spacingMM: 0.1, peaks: peaks,
                                           sigmas: peaks.map { _ in 3.0 })
            var whole = PeakScales.IntegralRegion()
            whole.cover(pixels, width: width, height: height, x0: 0, y0: 0, x1: width - 1, y1: height - 1)
            let halves = [1, 3, 6, 12]
            for (i, p) in peaks.enumerated() {
                let direct = PeakScales.measure(whole, halves: halves, width: width, height: height, x: p.x, y: p.y, sigmaS: 3)
                XCTAssertEqual(tiled[i].contrasts, direct.contrasts, "peak \(p)")
                XCTAssertEqual(tiled[i].peakMean, direct.peakMean)
            }
        }
    }

    /// Near the film's corner every box is cut to the film, and nothing traps.
    func testAtTheCornerBoxesAreCut() {
        let width = 40, height = 30
        let film = [UInt16](repeating: 500, count: width * height)
        let measured = film.withUnsafeBufferPointer {
            PeakScales.measure(pixels: $0, width: width, height: height, spacingMM: 0.05, peaks: [(0, 0)], sigmas: [2])
        }
        let f = measured[0].contrasts
        XCTAssertEqual(measured[0].peakMean, 500)
        XCTAssertTrue(f.allSatisfy(\.isFinite))
        XCTAssertEqual(f[0], 0, accuracy: 1e-12)
    }
}
