import TestSupport
import XCTest
@testable import Detection

/// The ImageJ-style measures on shapes whose answers are known: rectangles exactly, digitised
/// discs and a rotated ellipse to within the digitisation.
final class DepositShapeTests: XCTestCase {
    /// A mask of `width` × `height` set where `inside(x, y)` holds (pixel centres).
    static func mask(_ width: Int, _ height: Int, _ inside: (Double, Double) -> Bool) -> [Bool] {
        (0..<(width * height)).map { inside(Double($0 % width), Double($0 / width)) }
    }

    func testRectangleHasExactMeasures() {
        for (w, h) in [(12, 5), (4, 9), (3, 3)] {
            let shape = DepositShape(mask: [Bool](repeating: true, count: w * h), width: w, height: h)
            let m = shape.measures(rowSpacing: 1, columnSpacing: 1)
            let (long, short) = (Double(max(w, h)), Double(min(w, h)))
            XCTAssertEqual(shape.areaPx, w * h)
            // The polygon through the border pixels' centres.
            XCTAssertEqual(m.perimeter, Double(2 * (w - 1) + 2 * (h - 1)), accuracy: 1e-12, "\(w)×\(h)")
            // Edge midpoints half a pixel outside the centres: the long side's points at opposite corners.
            XCTAssertEqual(m.feretMax, (long * long + (short - 1) * (short - 1)).squareRoot(), accuracy: 1e-12, "\(w)×\(h)")
            XCTAssertEqual(m.feretMin, short, accuracy: 1e-12, "\(w)×\(h)")
            // Variance of n consecutive centres: (n² − 1) / 12.
            XCTAssertEqual(m.majorAxis, 4 * ((long * long - 1) / 12).squareRoot(), accuracy: 1e-12)
            XCTAssertEqual(m.minorAxis, 4 * ((short * short - 1) / 12).squareRoot(), accuracy: 1e-12)
            XCTAssertEqual(m.angleDegrees, w > h ? 0 : w < h ? 90 : 0, accuracy: 1e-9, "\(w)×\(h)")
            XCTAssertEqual(m.equivalentDiameter, (4 * Double(w * h) / Double.pi).squareRoot(), accuracy: 1e-12)
        }
    }

    func testTinyRegionsFollowScikitImage() {
        // One pixel, two pixels: every border pixel's code has weight 0 (scikit-image gives 0 too).
        for (mask, w, h) in [([true], 1, 1), ([true, true], 2, 1), ([true, false, false, true], 2, 2)] {
            let m = DepositShape(mask: mask, width: w, height: h).measures(rowSpacing: 1, columnSpacing: 1)
            XCTAssertEqual(m.perimeter, 0, "\(mask)")
            XCTAssertNil(m.circularity, "\(mask)")
        }
        let pixel = DepositShape(mask: [true], width: 1, height: 1).measures(rowSpacing: 1, columnSpacing: 1)
        XCTAssertEqual(pixel.feretMax, 1, accuracy: 1e-12)
        XCTAssertEqual(pixel.feretMin, 0.5.squareRoot(), accuracy: 1e-12, "the diamond of edge midpoints")
        XCTAssertEqual(DepositShape(mask: [true, true, true, true], width: 2, height: 2).perimeterPx, 4, accuracy: 1e-12)
    }

    func testSpacingScalesEachAxis() {
        // 10 columns of 0.1 mm, 5 rows of 0.2 mm: a 1 mm square.
        let shape = DepositShape(mask: [Bool](repeating: true, count: 50), width: 10, height: 5)
        let m = shape.measures(rowSpacing: 0.2, columnSpacing: 0.1)
        XCTAssertEqual(m.feretMin, 1.0, accuracy: 1e-12)
        // Opposite edge midpoints: across the columns' ends or across the rows' ends.
        XCTAssertEqual(m.feretMax, max((1.0 + 0.8 * 0.8).squareRoot(), (0.81 + 1.0).squareRoot()), accuracy: 1e-12)
        XCTAssertEqual(m.majorAxis, 4 * ((100.0 - 1) / 12 * 0.01).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(m.minorAxis, 4 * ((25.0 - 1) / 12 * 0.04).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(m.equivalentDiameter, (4 / Double.pi).squareRoot(), accuracy: 1e-12)
        // The perimeter by the geometric mean of the spacings, so circularity has no unit.
        XCTAssertEqual(m.perimeter, 26 * (0.02).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(m.circularity!, shape.measures(rowSpacing: 1, columnSpacing: 1).circularity!, accuracy: 1e-12)
    }

    func testDiscIsRoundAndAsWideAsItsDiameter() {
        for radius in [4.0, 10.0, 25.0] {
            let size = Int(2 * radius) + 3, c = Double(size / 2)
            let shape = DepositShape(mask: Self.mask(size, size) { x, y in (x - c) * (x - c) + (y - c) * (y - c) <= radius * radius },
                                     width: size, height: size)
            let m = shape.measures(rowSpacing: 1, columnSpacing: 1)
            XCTAssertEqual(Double(shape.areaPx), Double.pi * radius * radius, accuracy: 0.06 * Double.pi * radius * radius)
            XCTAssertEqual(m.majorAxis, m.minorAxis, accuracy: 1e-9, "a digitised disc has 4-fold symmetry: equal moments")
            XCTAssertEqual(m.majorAxis, 2 * radius, accuracy: 0.05 * radius)
            XCTAssertEqual(m.angleDegrees, 0, "no direction")
            // The Feret points lie half a pixel outside the outermost centres; a digitised disc
            // is a polygon, narrower across its flats.
            XCTAssertEqual(m.feretMax, 2 * radius + 1, accuracy: 1.25)
            XCTAssertEqual(m.feretMin, 2 * radius + 1, accuracy: 1.25)
            XCTAssertLessThanOrEqual(m.feretMin, m.feretMax)
            XCTAssertEqual(m.equivalentDiameter, 2 * radius, accuracy: 0.05 * radius)
            XCTAssertEqual(m.perimeter, 2 * Double.pi * radius, accuracy: 0.1 * 2 * Double.pi * radius)
            // Measured: 0.99, 0.92 and 0.91 for radii 4, 10 and 25 (the weights follow the staircase).
            XCTAssertGreaterThan(m.circularity!, 0.88)
            XCTAssertLessThanOrEqual(m.circularity!, 1)
        }
    }

    func testRotatedEllipseHasItsAxesAndAngle() {
        // Semi-axes 30 and 12 px, the major axis 30° counter-clockwise on screen (y down).
        let a = 30.0, b = 12.0, size = 70, c = 35.0
        for degrees in [30.0, 120.0, 0.0, 90.0, 165.0] {
            let t = degrees * Double.pi / 180
            let inside: (Double, Double) -> Bool = { x, y in
                let dx = x - c, dy = y - c
                let u = dx * cos(t) - dy * sin(t), v = dx * sin(t) + dy * cos(t)
                return (u / a) * (u / a) + (v / b) * (v / b) <= 1
            }
            let shape = DepositShape(mask: Self.mask(size, size, inside), width: size, height: size)
            let m = shape.measures(rowSpacing: 1, columnSpacing: 1)
            var error = abs(m.angleDegrees - degrees).truncatingRemainder(dividingBy: 180)
            error = min(error, 180 - error)
            XCTAssertLessThan(error, 0.5, "angle \(m.angleDegrees) for \(degrees)°")
            XCTAssertEqual(m.majorAxis, 2 * a, accuracy: 0.02 * 2 * a, "\(degrees)°")
            XCTAssertEqual(m.minorAxis, 2 * b, accuracy: 0.03 * 2 * b, "\(degrees)°")
            XCTAssertEqual(m.feretMax, 2 * a, accuracy: 1.5, "\(degrees)°")
            XCTAssertEqual(m.feretMin, 2 * b, accuracy: 2, "\(degrees)°")
            // Ramanujan's perimeter of the ellipse, less the half pixel the border centres lie inside.
            let h = ((a - b) * (a - b)) / ((a + b) * (a + b))
            let ramanujan = Double.pi * (a + b) * (1 + 3 * h / (10 + (4 - 3 * h).squareRoot()))
            XCTAssertEqual(m.perimeter, ramanujan, accuracy: 0.06 * ramanujan, "\(degrees)°")
            XCTAssertLessThan(m.circularity!, 0.85, "an ellipse 2.5 times as long as it is wide is not round")
        }
    }

    func testLabelImageMeasuresOnlyItsDeposit() {
        // Deposit 2 is a 3×2 block beside deposit 1; its box holds a pixel of deposit 1.
        let width = 6
        let labels: [Int32] = [1, 1, 2, 2, 2, 0,
                               0, 1, 2, 2, 2, 0,
                               0, 0, 0, 0, 0, 0]
        let shape = labels.withUnsafeBufferPointer {
            DepositShape(labels: $0, width: width, id: 2, box: PixelBox(x: 1, y: 0, width: 4, height: 2))
        }
        XCTAssertEqual(shape.areaPx, 6)
        XCTAssertEqual(shape.varianceX, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(shape.varianceY, 0.25, accuracy: 1e-12)
        // Hull points in film pixels: the block's edge midpoints from x 1.5 to 4.5.
        XCTAssertEqual(shape.feretHull.map(\.x).min()!, 1.5)
        XCTAssertEqual(shape.feretHull.map(\.x).max()!, 4.5)
    }

    func testOutlineOfARectangleIsItsCornersCounterClockwise() {
        let outline = DepositOutline(mask: [Bool](repeating: true, count: 12), width: 4, height: 3)
        XCTAssertEqual(outline.rings, [[SIMD2(0, 0), SIMD2(4, 0), SIMD2(4, 3), SIMD2(0, 3), SIMD2(0, 0)]])
        XCTAssertEqual(DepositOutline.doubleArea(outline.rings[0]), 24)
    }

    func testOutlineHasHolesClockwiseAndJoinsDiagonalPixels() {
        // A 4×4 frame around a 2×2 hole: outer ring then the hole, 16 − 4 = 12 pixels.
        let frame = (0..<16).map { i in !(1...2).contains(i % 4) || !(1...2).contains(i / 4) }
        let holed = DepositOutline(mask: frame, width: 4, height: 4)
        XCTAssertEqual(holed.rings.count, 2)
        XCTAssertEqual(holed.rings.map(DepositOutline.doubleArea), [32, -8])
        // Two pixels meeting at a corner: one 8-connected deposit, one ring through that corner twice.
        for diagonal in [[true, false, false, true], [false, true, true, false]] {
            let pinched = DepositOutline(mask: diagonal, width: 2, height: 2)
            XCTAssertEqual(pinched.rings.count, 1, "\(diagonal)")
            XCTAssertEqual(DepositOutline.doubleArea(pinched.rings[0]), 4)
            XCTAssertEqual(pinched.rings[0].filter { $0 == SIMD2(1, 1) }.count, 2)
        }
    }

    func testOutlineAreaIsThePixelCountOnRandomBlobs() {
        var random = SplitMix64(seed: 15)
        for trial in 0..<40 {
            let w = 3 + trial % 9, h = 2 + trial % 7
            let mask = (0..<(w * h)).map { _ in random.uniform() < 0.6 }
            guard mask.contains(true) else { continue }
            let outline = DepositOutline(mask: mask, width: w, height: h)
            XCTAssertEqual(outline.rings.map(DepositOutline.doubleArea).reduce(0, +), 2 * mask.filter { $0 }.count, "trial \(trial)")
            for ring in outline.rings {
                XCTAssertEqual(ring.first, ring.last)
                for (p, q) in zip(ring, ring.dropFirst()) { XCTAssertTrue(p.x == q.x || p.y == q.y, "axis-aligned edges") }
            }
        }
    }
}
