import Classification
import Detection
import Radiography
@testable import Reporting
import XCTest

final class OverlayRendererTests: XCTestCase {
    struct Film {
        var radiograph: Radiograph
        var labels: LabelImage
        var report: AnalysedFilm
    }

    /// A film whose deposits are the given pixel sets (ids 1, 2, … in order), each measured here
    /// from its pixels, not by the code under test.
    static func film(width: Int, height: Int, window: DisplayWindow? = nil,
                     spacing: PixelSpacing? = nil, deposits shapes: [[(x: Int, y: Int)]] = [],
                     value: (Int, Int) -> UInt16) -> Film {
        var pixels = [UInt16](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { pixels[y * width + x] = value(x, y) } }
        var labels = [Int32](repeating: 0, count: width * height)
        var deposits: [Deposit] = []
        for (index, shape) in shapes.enumerated() {
            for p in shape {
                labels[p.y * width + p.x] = Int32(index + 1)
                pixels[p.y * width + p.x] = 4000
            }
            let xs = shape.map(\.x), ys = shape.map(\.y)
            let box = PixelBox(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()! + 1,
                               height: ys.max()! - ys.min()! + 1)
            deposits.append(Deposit(id: index + 1, areaPx: shape.count, bbox: box,
                                    centroidX: Double(xs.reduce(0, +)) / Double(shape.count),
                                    centroidY: Double(ys.reduce(0, +)) / Double(shape.count),
                                    mean: 4000, peak: 4000, contrast: 2000, peakSNR: 50))
        }
        let radiograph = Radiograph(width: width, height: height, pixels: pixels, bitsStored: 12,
                                    spacing: spacing, spacingSource: .user, format: .png,
                                    displayWindow: window)
        let labelImage = LabelImage(width: width, height: height, labels: labels)
        let detection = DetectionResult(
            deposits: deposits, labels: labelImage,
            body: BodyMap(cellSize: 1, columns: 0, rows: 0, cells: [], bone: []), noiseSigma: 10, spacingMM: 0.15)
        let assessment = DistributionAssessment(label: deposits.isEmpty ? .none : .circumscripta,
                                                score: 0.25, metrics: [], reason: "test")
        let report = AnalysedFilm(file: "film.png", analysis: Analysis(film: radiograph, detection: detection,
                                                                       distribution: assessment))
        return Film(radiograph: radiograph, labels: labelImage, report: report)
    }

    static func disc(_ cx: Int, _ cy: Int, _ r: Int) -> [(x: Int, y: Int)] {
        var points: [(x: Int, y: Int)] = []
        for y in (cy - r)...(cy + r) { for x in (cx - r)...(cx + r) where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r {
            points.append((x, y))
        } }
        return points
    }

    static func rect(_ x0: Int, _ y0: Int, _ w: Int, _ h: Int) -> [(x: Int, y: Int)] {
        var points: [(x: Int, y: Int)] = []
        for y in y0..<(y0 + h) { for x in x0..<(x0 + w) { points.append((x, y)) } }
        return points
    }

    func colour(_ rgb: [UInt8], _ width: Int, _ x: Int, _ y: Int) -> OverlayRenderer.Colour {
        let i = (y * width + x) * 3
        return OverlayRenderer.Colour(red: rgb[i], green: rgb[i + 1], blue: rgb[i + 2])
    }

    func isGray(_ c: OverlayRenderer.Colour) -> Bool { c.red == c.green && c.green == c.blue }

    /// A label pixel is on the boundary when one of its 8 neighbours is outside its deposit.
    func boundary(_ labels: LabelImage) -> [(x: Int, y: Int)] {
        var points: [(x: Int, y: Int)] = []
        for y in 0..<labels.height { for x in 0..<labels.width {
            let id = labels.labels[y * labels.width + x]
            guard id != 0 else { continue }
            var edge = false
            for dy in -1...1 { for dx in -1...1 {
                let nx = x + dx, ny = y + dy
                if nx < 0 || ny < 0 || nx >= labels.width || ny >= labels.height
                    || labels.labels[ny * labels.width + nx] != id { edge = true }
            } }
            if edge { points.append((x, y)) }
        } }
        return points
    }

    func testOutlinesRingsGrayAndLegend() {
        let shapes = [Self.disc(80, 150, 6), Self.rect(300, 80, 2, 2), Self.rect(196, 146, 10, 9)]
        let film = Self.film(width: 400, height: 300, deposits: shapes) { x, y in UInt16(1000 + x + y) }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        XCTAssertEqual(rgb.count, 400 * 300 * 3)

        let edge = boundary(film.labels)
        XCTAssertGreaterThan(edge.count, 40)
        for p in edge {
            XCTAssertEqual(colour(rgb, 400, p.x, p.y), OverlayRenderer.outlineColour, "boundary \(p)")
        }
        // On a small film the outline is one pixel: the disc's centre is still film (white-ish gray).
        XCTAssertTrue(isGray(colour(rgb, 400, 80, 150)))
        XCTAssertEqual(colour(rgb, 400, 80, 150).red, 255)

        // The 2×2 speck is ringed; the 13-pixel disc is not.
        func markers(near cx: Double, _ cy: Double, within r: Double) -> Int {
            var count = 0
            for y in 0..<300 { for x in 0..<400 where (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) <= r * r {
                if colour(rgb, 400, x, y) == OverlayRenderer.markerColour { count += 1 }
            } }
            return count
        }
        XCTAssertGreaterThan(markers(near: 300.5, 80.5, within: 12), 20)
        XCTAssertEqual(markers(near: 80, 150, within: 25), 0)

        // Far from every deposit (its outline, ring and id) and outside the legend corner, the
        // film is plain gray.
        let centres = film.report.deposits.map { ($0.centroidX, $0.centroidY) }
        var checked = 0
        for y in 0..<300 { for x in 0..<400 {
            if x < 240 && y < 100 { continue }
            if centres.contains(where: { (Double(x) - $0.0) * (Double(x) - $0.0) + (Double(y) - $0.1) * (Double(y) - $0.1) < 30 * 30 }) { continue }
            XCTAssertTrue(isGray(colour(rgb, 400, x, y)), "(\(x), \(y)) is not gray")
            checked += 1
        } }
        XCTAssertGreaterThan(checked, 85_000)

        // The legend: an opaque dark box in the corner with light text on it.
        XCTAssertEqual(colour(rgb, 400, 3, 3), OverlayRenderer.legendBackground)
        var text = 0, titled = 0
        for y in 0..<60 { for x in 0..<240 {
            let c = colour(rgb, 400, x, y)
            if c == OverlayRenderer.legendText { text += 1 }
            if c == OverlayRenderer.outlineColour { titled += 1 }
        } }
        XCTAssertGreaterThan(text, 300)
        XCTAssertGreaterThan(titled, 30, "the title 'detect' is drawn in the outline colour")
    }

    func testThickOutlineOnLargeFilm() {
        let film = Self.film(width: 1200, height: 1000, deposits: [Self.disc(600, 500, 20)]) { x, _ in UInt16(800 + x / 4) }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        // Two pixels thick: the deposit's boundary and the background pixels touching it.
        for y in 475...525 { for x in 575...625 {
            let inside = film.labels.labels[y * 1200 + x] != 0
            var touches = false
            for dy in -1...1 { for dx in -1...1 where film.labels.labels[(y + dy) * 1200 + x + dx] != 0 { touches = true } }
            if !inside && touches {
                XCTAssertEqual(colour(rgb, 1200, x, y), OverlayRenderer.outlineColour, "(\(x), \(y))")
            }
        } }
        XCTAssertTrue(isGray(colour(rgb, 1200, 600, 500)))
        XCTAssertTrue(isGray(colour(rgb, 1200, 600, 530)))
    }

    func testConstantFilmIsMidGray() {
        let film = Self.film(width: 300, height: 200) { _, _ in 1000 }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        XCTAssertEqual(rgb.count, 300 * 200 * 3)
        XCTAssertEqual(colour(rgb, 300, 299, 199), OverlayRenderer.Colour(red: 128, green: 128, blue: 128))
        XCTAssertEqual(colour(rgb, 300, 150, 150), OverlayRenderer.Colour(red: 128, green: 128, blue: 128))
    }

    func testFilmDisplayWindowFollowsDICOMLinearVOI() {
        // c = 1000, w = 201: x ≤ 899.5 → 0, x > 1099.5 → 255, else ((x − 999.5)/200 + 0.5) × 255.
        let values: [UInt16] = [899, 900, 1000, 1050, 1099, 1100]
        let film = Self.film(width: 600, height: 400, window: DisplayWindow(center: 1000, width: 201)) { x, y in
            y == 399 && x >= 594 ? values[x - 594] : 1000
        }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        let expected: [UInt8] = [0, 1, 128, 192, 254, 255]  // 0.5/200 → 0.64, 100.5 → 191.9, 99.5/200+… → 254.4
        XCTAssertEqual((594..<600).map { colour(rgb, 600, $0, 399).red }, expected)
    }

    func testPercentileWindowClipsHalfAPercentEachEnd() {
        // 40 000 pixels holding 0…9 999 four times each: 0.5 % = 200 pixels = the 50 lowest and
        // the 50 highest values, so 50 is the first value above black and 9 949 the first white.
        let film = Self.film(width: 200, height: 200) { x, y in UInt16((y * 200 + x) % 10_000) }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        func gray(_ value: Int) -> UInt8 {
            let i = 30_000 + value  // the last copy, below the legend
            return colour(rgb, 200, i % 200, i / 200).red
        }
        XCTAssertEqual(gray(0), 0)
        XCTAssertEqual(gray(50), 0)
        XCTAssertEqual(gray(51), 0)  // 1/9899 × 255 rounds to 0
        XCTAssertEqual(gray(100), 1)
        XCTAssertEqual(gray(5000), 128)
        XCTAssertEqual(gray(9949), 255)
        XCTAssertEqual(gray(9999), 255)
        XCTAssertLessThan(gray(9900), 255)
    }

    func testLabelsOfAnotherSizeDrawNoOutline() {
        let film = Self.film(width: 400, height: 300, deposits: [Self.disc(200, 200, 8)]) { _, _ in 900 }
        let wrong = LabelImage(width: 10, height: 10, labels: [Int32](repeating: 1, count: 100))
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: wrong)
        // Not on the disc nor around it (its id, beside it, is drawn from the report).
        for y in 191...209 { for x in 191...209 {
            XCTAssertNotEqual(colour(rgb, 400, x, y), OverlayRenderer.outlineColour, "(\(x), \(y))")
        } }
    }

    func testTinyFilmClipsTheLegend() {
        let film = Self.film(width: 5, height: 3, deposits: [[(x: 4, y: 2)]]) { x, _ in UInt16(x * 100) }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        XCTAssertEqual(rgb.count, 45)
    }
}

extension OverlayRendererTests {
    /// Reports that disagree with the film (boxes and centroids outside it, negative sizes,
    /// NaN) draw what they can and never trap.
    func testInconsistentReportDoesNotTrap() {
        var film = Self.film(width: 300, height: 200) { x, _ in UInt16(x) }
        let odd: [(PixelBox, Double, Double)] = [
            (PixelBox(x: -10, y: -10, width: 3, height: 3), -9, -9),
            (PixelBox(x: 290, y: 190, width: -5, height: -5), 292, 191),
            (PixelBox(x: Int.max - 1, y: 0, width: 2, height: 2), .nan, 1),
            (PixelBox(x: 0, y: Int.min + 1, width: Int.max, height: Int.max), 1e300, -1e300),
            (PixelBox(x: 250, y: 150, width: 2, height: 2), 250.5, 150.5),
        ]
        film.report.deposits = odd.enumerated().map { index, item in
            DepositReport(Deposit(id: index + 1, areaPx: 4, bbox: item.0, centroidX: item.1, centroidY: item.2,
                                  mean: 1, peak: 1, contrast: 1, peakSNR: 1), spacing: nil)
        }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        XCTAssertEqual(rgb.count, 300 * 200 * 3)
        // The one sensible speck is still ringed.
        XCTAssertTrue((0..<(300 * 200)).contains { i in
            rgb[3 * i] == OverlayRenderer.markerColour.red && rgb[3 * i + 1] == OverlayRenderer.markerColour.green
                && rgb[3 * i + 2] == OverlayRenderer.markerColour.blue && i / 300 >= 100
        })
    }
}

/// Deposit ids beside their outlines, and the legend's key to the marks.
extension OverlayRendererTests {
    func labels(_ film: Film) -> [OverlayRenderer.IDLabel] {
        let geometry = OverlayRenderer.Geometry(width: film.radiograph.width, height: film.radiograph.height)
        let legend = OverlayRenderer.legendLayout(film.report, geometry: geometry, filmWidth: film.radiograph.width,
                                                  filmHeight: film.radiograph.height)
        return OverlayRenderer.idLabels(film.report, geometry: geometry, avoiding: legend.box,
                                        width: film.radiograph.width, height: film.radiograph.height)
    }

    func inside(_ box: PixelBox, _ width: Int, _ height: Int) -> Bool {
        box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height
    }

    func testEachDepositsIDIsDrawnBesideItInTheOutlineColour() {
        let shapes = [Self.disc(250, 200, 12), Self.rect(500, 520, 2, 2), Self.rect(700, 300, 30, 8)]
        let film = Self.film(width: 1000, height: 800, deposits: shapes) { x, y in UInt16(1000 + x / 2 + y / 3) }
        let rgb = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        let placed = labels(film)
        XCTAssertEqual(placed.map(\.text), ["1", "2", "3"])
        for (label, deposit) in zip(placed, film.report.deposits) {
            XCTAssertTrue(inside(label.box, 1000, 800))
            // Beside the deposit: its box starts within a few pixels of the deposit's mark.
            let dx = max(0, Double(label.box.x) - deposit.centroidX, deposit.centroidX - Double(label.box.x + label.box.width))
            XCTAssertLessThan(dx, Double(max(deposit.bbox.width, deposit.bbox.height)) / 2 + 20, "id \(label.text)")
            XCTAssertLessThanOrEqual(abs(Double(label.box.y + label.box.height / 2) - deposit.centroidY), 2)
            // Drawn: the digits' ink in the outline colour, the rest of the box dark.
            let glyph = PixelFont.standard.rows(Character(label.text))
            let ink = glyph.map { $0.nonzeroBitCount }.reduce(0, +) * label.scale * label.scale
            var magenta = 0, dark = 0
            for y in label.box.y..<(label.box.y + label.box.height) { for x in label.box.x..<(label.box.x + label.box.width) {
                let c = colour(rgb, 1000, x, y)
                if c == OverlayRenderer.outlineColour { magenta += 1 }
                if c == OverlayRenderer.legendBackground { dark += 1 }
            } }
            XCTAssertEqual(magenta, ink, "id \(label.text)")
            XCTAssertEqual(magenta + dark, label.box.width * label.box.height)
            // Clear of the deposit's outline and of the speck's ring.
            XCTAssertFalse(OverlayRenderer.overlaps(label.box, deposit.bbox))
        }
        XCTAssertFalse(OverlayRenderer.overlaps(placed[1].box, PixelBox(x: 490, y: 510, width: 22, height: 22)),
                       "the speck's id is outside its ring")
    }

    func testIDsStayOnTheFilmAndClearOfTheLegendAndEachOther() {
        // Deposits at the right and bottom edges, one just below the legend (whose height depends
        // only on the number of lines, so a first film with the same deposit count gives it), and
        // a crowded row.
        let geometry = OverlayRenderer.Geometry(width: 1200, height: 1000)
        var shapes = [Self.rect(1190, 500, 10, 10), Self.rect(600, 990, 12, 10), Self.rect(20, 400, 10, 10)]
        for i in 0..<6 { shapes.append(Self.rect(400 + 20 * i, 600, 8, 8)) }
        let first = Self.film(width: 1200, height: 1000, deposits: shapes) { _, _ in 1500 }
        let below = OverlayRenderer.legendLayout(first.report, geometry: geometry, filmWidth: 1200, filmHeight: 1000).box
        shapes[2] = Self.rect(20, below.y + below.height + 3, 10, 10)
        let film = Self.film(width: 1200, height: 1000, deposits: shapes) { _, _ in 1500 }
        let legend = OverlayRenderer.legendLayout(film.report, geometry: geometry, filmWidth: 1200, filmHeight: 1000).box
        XCTAssertEqual(legend.height, below.height)
        let placed = labels(film)
        XCTAssertEqual(placed.count, shapes.count)
        for label in placed {
            XCTAssertTrue(inside(label.box, 1200, 1000), "id \(label.text) at \(label.box)")
        }
        XCTAssertLessThan(placed[0].box.x, 1190, "the right-edge deposit's id goes to its left")
        XCTAssertLessThan(placed[1].box.y, 990, "the bottom-edge deposit's id goes above it")
        // Crowded ids take other sides rather than cover each other, other deposits or the legend.
        for (i, a) in placed.enumerated() {
            XCTAssertFalse(OverlayRenderer.overlaps(a.box, legend), "id \(a.text) under the legend")
            for deposit in film.report.deposits {
                XCTAssertFalse(OverlayRenderer.overlaps(a.box, deposit.bbox), "id \(a.text) covers deposit \(deposit.id)")
            }
            for b in placed[(i + 1)...] {
                XCTAssertFalse(OverlayRenderer.overlaps(a.box, b.box), "ids \(a.text) and \(b.text) overlap")
            }
        }
        XCTAssertGreaterThan(placed[2].box.y, shapes[2][0].y, "beside the legend, the id goes below the deposit")
        XCTAssertTrue(placed[3...].contains { $0.box.y >= 608 || $0.box.y + $0.box.height <= 600 },
                      "in the crowded row some ids go above or below")
    }

    func testIDsGrowWithTheFilm() {
        let small = OverlayRenderer.Geometry(width: 500, height: 400).idScale
        let medium = OverlayRenderer.Geometry(width: 1200, height: 1500).idScale
        let large = OverlayRenderer.Geometry(width: 3000, height: 3600).idScale
        XCTAssertEqual(small, 1)
        XCTAssertLessThan(small, medium)
        XCTAssertLessThan(medium, large)
        XCTAssertLessThan(large, OverlayRenderer.Geometry(width: 3000, height: 3600).fontScale, "ids smaller than the legend")
    }

    func testLegendKeyExplainsOnlyTheMarksOnTheFilm() {
        let geometry = OverlayRenderer.Geometry(width: 400, height: 300)
        let empty = Self.film(width: 400, height: 300) { _, _ in 1000 }
        XCTAssertTrue(OverlayRenderer.legendKey(empty.report, geometry: geometry).isEmpty)
        let large = Self.film(width: 400, height: 300, deposits: [Self.disc(200, 150, 10)]) { _, _ in 1000 }
        XCTAssertEqual(OverlayRenderer.legendKey(large.report, geometry: geometry).map(\.colour),
                       [OverlayRenderer.outlineColour, OverlayRenderer.outlineColour])
        let speck = Self.film(width: 400, height: 300, deposits: [Self.rect(200, 150, 2, 2)]) { _, _ in 1000 }
        let key = OverlayRenderer.legendKey(speck.report, geometry: geometry)
        XCTAssertEqual(key.map(\.colour), [OverlayRenderer.outlineColour, OverlayRenderer.markerColour,
                                           OverlayRenderer.outlineColour])
        XCTAssertTrue(key[2].text.contains("id"))
        for line in key { XCTAssertTrue(line.text.allSatisfy(PixelFont.standard.hasGlyph), line.text) }
        // The key is in the drawn legend, in its colour: yellow text appears in the legend box.
        let rgb = OverlayRenderer.render(radiograph: speck.radiograph, report: speck.report, labels: speck.labels)
        let box = OverlayRenderer.legendLayout(speck.report, geometry: geometry, filmWidth: 400, filmHeight: 300).box
        var yellow = 0
        for y in box.y..<(box.y + box.height) { for x in box.x..<(box.x + box.width)
            where colour(rgb, 400, x, y) == OverlayRenderer.markerColour { yellow += 1 } }
        XCTAssertGreaterThan(yellow, 50)
    }

    /// A deposit under the top-left corner moves the legend to the top-right, clear of it; with
    /// deposits under both top corners it goes to the bottom-left.
    func testTheLegendLeavesTheCornerWhereADepositIs() {
        let geometry = OverlayRenderer.Geometry(width: 1000, height: 800)
        let corner = Self.film(width: 1000, height: 800, deposits: [Self.rect(40, 30, 12, 12)]) { _, _ in 1500 }
        let moved = OverlayRenderer.legendLayout(corner.report, geometry: geometry, filmWidth: 1000, filmHeight: 800).box
        XCTAssertGreaterThan(moved.x, 500, "top-right")
        XCTAssertLessThan(moved.y, 100)
        XCTAssertFalse(OverlayRenderer.overlaps(moved, corner.report.deposits[0].bbox))
        let both = Self.film(width: 1000, height: 800, deposits: [Self.rect(40, 30, 12, 12), Self.rect(950, 30, 12, 12)]) { _, _ in 1500 }
        let low = OverlayRenderer.legendLayout(both.report, geometry: geometry, filmWidth: 1000, filmHeight: 800).box
        XCTAssertLessThan(low.x, 100, "bottom-left")
        XCTAssertGreaterThan(low.y, 400)
        let none = Self.film(width: 1000, height: 800, deposits: [Self.rect(500, 400, 12, 12)]) { _, _ in 1500 }
        let usual = OverlayRenderer.legendLayout(none.report, geometry: geometry, filmWidth: 1000, filmHeight: 800).box
        XCTAssertEqual([usual.x, usual.y], [2 * geometry.fontScale, 2 * geometry.fontScale], "top-left when it hides nothing")
    }

    func testRenderingIsDeterministic() {
        var shapes: [[(x: Int, y: Int)]] = []
        for i in 0..<30 { shapes.append(Self.rect(100 + (i * 37) % 500, 100 + (i * 53) % 400, 3 + i % 5, 3)) }
        let film = Self.film(width: 700, height: 600, deposits: shapes) { x, y in UInt16(900 + (x * y) % 300) }
        let first = OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels)
        XCTAssertEqual(first, OverlayRenderer.render(radiograph: film.radiograph, report: film.report, labels: film.labels))
    }
}
