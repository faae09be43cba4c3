import Classification
import Detection
import Radiography

/// Draws what was found on the film, so a radiologist sees it at a glance: the film in gray,
/// every deposit outlined in a saturated colour, specks ringed so they survive being shown
/// shrunk, each deposit's id beside it (the `id` of its JSON and CSV row), and a legend with the
/// count, total area and distribution and a key to these marks.
///
/// Cost: one pass over the film for the gray window and one to map it; outlines look only
/// inside each deposit's bounding box, rings only around specks.
public enum OverlayRenderer {
    /// 8-bit sRGB colour.
    public struct Colour: Sendable, Equatable {
        public var red: UInt8
        public var green: UInt8
        public var blue: UInt8
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }
    }

    /// Deposit outlines: saturated magenta has no gray look-alike, and stays distinct on black
    /// air and white bone alike (it differs from both in at least one channel by 255).
    public static let outlineColour = Colour(red: 255, green: 0, blue: 255)
    /// Rings around specks: yellow, so they read as markers rather than outlines.
    public static let markerColour = Colour(red: 255, green: 220, blue: 0)
    /// The thin dark edge on both sides of a ring.
    public static let markerHalo = Colour(red: 0, green: 0, blue: 0)
    public static let legendBackground = Colour(red: 16, green: 16, blue: 16)
    public static let legendText = Colour(red: 240, green: 240, blue: 240)

    /// RGB (8-bit, interleaved, top row first) image of the film's size: `width × height × 3` bytes.
    ///
    /// `labels` must have the film's size; if it does not (a caller mixing up films), the
    /// outlines are left out rather than drawn in the wrong place, and the rings and legend,
    /// which come from the report, are still drawn.
    public static func render(radiograph: Radiograph, report: AnalysedFilm, labels: LabelImage) -> [UInt8] {
        let width = radiograph.width, height = radiograph.height
        let window = GrayWindow(radiograph)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        rgb.withUnsafeMutableBufferPointer { output in
            radiograph.pixels.withUnsafeBufferPointer { samples in
                window.lookup.withUnsafeBufferPointer { lookup in
                    for i in 0..<samples.count {
                        let gray = lookup[Int(samples[i])]
                        output[3 &* i] = gray
                        output[3 &* i &+ 1] = gray
                        output[3 &* i &+ 2] = gray
                    }
                }
            }
            let canvas = OverlayCanvas(pixels: output, width: width, height: height)
            let geometry = Geometry(width: width, height: height)
            let labelsFit = labels.width == width && labels.height == height
            labels.labels.withUnsafeBufferPointer { labelPixels in
                let label: UnsafeBufferPointer<Int32>? = labelsFit ? labelPixels : nil
                for deposit in report.deposits {
                    if let label {
                        outline(deposit, labels: label, on: canvas, thickness: geometry.lineThickness)
                    }
                    if geometry.isRinged(deposit) {
                        ring(deposit, labels: label, on: canvas, geometry: geometry)
                    }
                }
            }
            let legend = legendLayout(report, geometry: geometry, filmWidth: width, filmHeight: height)
            for label in idLabels(report, geometry: geometry, avoiding: legend.box, width: width, height: height) {
                drawIDLabel(label, on: canvas)
            }
            drawLegend(legend, on: canvas)
        }
        return rgb
    }

    /// Sizes that scale with the film, so the overlay looks the same when a film of any size
    /// is shown whole on a screen (about 1000 pixels tall).
    struct Geometry {
        let longSide: Int
        /// Outline and ring thickness in film pixels: 1 up to 1000 px, 2 up to 3000, then 3.
        var lineThickness: Int { longSide < 1000 ? 1 : longSide < 3000 ? 2 : 3 }
        /// Deposits whose bounding box is at most this many pixels across get a ring: shown
        /// whole on a screen they would shrink below about three screen pixels.
        var speckSize: Int { max(4, longSide / 250) }
        /// Gap between a speck's edge and its ring.
        var ringRadius: Int { max(6, longSide / 120) }
        /// Legend font scale: glyphs about 1/65 of the long side tall (7 rows × scale).
        var fontScale: Int { max(1, longSide / 450) }
        /// Deposit id font scale: digits about 1/85 of the long side tall, smaller than the
        /// legend's because a film may carry hundreds of them.
        var idScale: Int { max(1, longSide / 600) }

        init(width: Int, height: Int) { longSide = max(width, height) }

        func isRinged(_ deposit: DepositReport) -> Bool {
            max(deposit.bbox.width, deposit.bbox.height) <= speckSize
        }
    }

    /// Paints the deposit's boundary (its pixels with a neighbour outside it, 8-connected, or
    /// on the film's edge) and, for thicker lines, the background pixels just outside it, so
    /// the outline hugs the deposit without hiding more of it than one pixel.
    static func outline(_ deposit: DepositReport, labels: UnsafeBufferPointer<Int32>,
                        on canvas: OverlayCanvas, thickness: Int) {
        let width = canvas.width, height = canvas.height
        let id = Int32(truncatingIfNeeded: deposit.id)
        let box = deposit.bbox
        // The box comes from our detector, but clamp it as if it did not: no overflow, no trap.
        guard id > 0, box.x < width, box.y < height, box.width > 0, box.height > 0 else { return }
        let x0 = max(0, box.x), y0 = max(0, box.y)
        let x1 = min(width, box.x + min(box.width, width)), y1 = min(height, box.y + min(box.height, height))
        guard x0 < x1, y0 < y1 else { return }
        let outside = thickness - 1
        for y in y0..<y1 {
            for x in x0..<x1 where labels[y &* width &+ x] == id {
                var isBoundary = false
                neighbours: for dy in -1...1 {
                    for dx in -1...1 where dx != 0 || dy != 0 {
                        let nx = x + dx, ny = y + dy
                        if nx < 0 || ny < 0 || nx >= width || ny >= height || labels[ny &* width &+ nx] != id {
                            isBoundary = true
                            break neighbours
                        }
                    }
                }
                guard isBoundary else { continue }
                canvas.set(x, y, outlineColour)
                guard outside > 0 else { continue }
                for ny in max(0, y - outside)...min(height - 1, y + outside) {
                    for nx in max(0, x - outside)...min(width - 1, x + outside)
                    where labels[ny &* width &+ nx] == 0 {
                        canvas.set(nx, ny, outlineColour)
                    }
                }
            }
        }
    }

    /// A circle around a small deposit with a one-pixel dark halo on both sides, so it shows on
    /// white bone as well as on dark soft tissue. Drawn only on background pixels so it never
    /// hides another deposit; without labels it is drawn everywhere on its path.
    static func ring(_ deposit: DepositReport, labels: UnsafeBufferPointer<Int32>?,
                     on canvas: OverlayCanvas, geometry: Geometry) {
        guard deposit.centroidX.isFinite, deposit.centroidY.isFinite,
              abs(deposit.centroidX) < 1e9, abs(deposit.centroidY) < 1e9 else { return }
        let cx = Int(deposit.centroidX.rounded()), cy = Int(deposit.centroidY.rounded())
        let size = min(max(0, deposit.bbox.width, deposit.bbox.height), geometry.speckSize)
        let outer = geometry.ringRadius + size / 2 + 1
        let inner = outer - geometry.lineThickness
        let outer2 = outer * outer, inner2 = inner * inner
        let haloOuter2 = (outer + 1) * (outer + 1), haloInner2 = (inner - 1) * (inner - 1)
        let width = canvas.width, height = canvas.height
        let reach = outer + 1
        // Centroids far outside the film (bad data) draw nothing and cost nothing.
        guard cx + reach >= 0, cy + reach >= 0, cx - reach < width, cy - reach < height else { return }
        for y in max(0, cy - reach)...min(height - 1, cy + reach) {
            let dy = y - cy
            for x in max(0, cx - reach)...min(width - 1, cx + reach) {
                let dx = x - cx
                let d2 = dx * dx + dy * dy
                guard d2 <= haloOuter2, d2 > haloInner2 else { continue }
                if let labels, labels[y * width + x] != 0 { continue }
                canvas.set(x, y, d2 <= outer2 && d2 > inner2 ? markerColour : markerHalo)
            }
        }
    }

    /// The legend's lines, top to bottom; the first (the tool's name) is drawn in the outline
    /// colour so the legend is recognisably ours. The distribution line is followed by its main
    /// figure (the classifier's headline) and, with clinical facts, the top subtype.
    static func legendLines(_ report: AnalysedFilm) -> [String] {
        let count = report.depositCount
        var total = "total \(report.totalAreaPx) px"
        if let mm2 = report.totalAreaMM2, let text = NumberText.fixed(mm2, decimals: 2) {
            total = "total \(text) mm²"
        }
        var lines = ["detect", "\(count) deposit\(count == 1 ? "" : "s")", total]
        let assessment = report.distribution
        let score = NumberText.fixed(assessment.score, decimals: 2) ?? "n/a"
        lines.append("distribution: \(assessment.label.rawValue) (\(score))")
        // The figure that decided it, so the label can be checked on the picture itself.
        if !assessment.headline.isEmpty { lines.append(assessment.headline) }
        if let top = report.clinical?.top { lines.append("subtype: \(top) (not a diagnosis)") }
        return lines
    }

    /// The key to the marks, drawn under the figures in the colour of what each line explains;
    /// only marks this film shows are explained.
    static func legendKey(_ report: AnalysedFilm, geometry: Geometry) -> [(text: String, colour: Colour)] {
        guard !report.deposits.isEmpty else { return [] }
        var key: [(text: String, colour: Colour)] = [("magenta outline: a deposit", outlineColour)]
        if report.deposits.contains(where: geometry.isRinged) {
            key.append(("yellow ring: a small deposit", markerColour))
        }
        key.append(("number: deposit id (JSON, CSV)", outlineColour))
        return key
    }

    /// The legend's lines with their colours, its font scale and its box on the film.
    struct LegendLayout {
        var lines: [(text: String, colour: Colour)]
        var scale: Int
        var padding: Int
        var box: PixelBox
    }

    /// An opaque dark box in a corner with the legend lines and the key, shrunk only if the film
    /// is too narrow for it (and clipped on films smaller than the legend at scale 1). The corner
    /// is the first of top-left, top-right, bottom-left, bottom-right whose box covers the fewest
    /// deposit marks (a deposit's outline, or a speck's ring): on a real chest film a
    /// false mark at a rib crossing sat under the top-left legend, where nobody could see it.
    static func legendLayout(_ report: AnalysedFilm, geometry: Geometry, filmWidth: Int, filmHeight: Int) -> LegendLayout {
        let facts = legendLines(report)
        let lines = facts.enumerated().map { index, text in (text: text, colour: index == 0 ? outlineColour : legendText) }
            + legendKey(report, geometry: geometry)
        let textWidth = lines.map { PixelFont.width(of: $0.text) }.max() ?? 0
        let padding = 3
        var scale = geometry.fontScale
        // Keep the legend within 60 % of the film's width.
        while scale > 1, (textWidth + 2 * padding) * scale > filmWidth * 3 / 5 { scale -= 1 }
        let margin = 2 * scale
        let size = (width: (textWidth + 2 * padding) * scale,
                    height: (lines.count * PixelFont.lineHeight - (PixelFont.lineHeight - PixelFont.glyphRows) + 2 * padding) * scale)
        let right = max(margin, filmWidth - margin - size.width), bottom = max(margin, filmHeight - margin - size.height)
        let corners = [(margin, margin), (right, margin), (margin, bottom), (right, bottom)].map {
            PixelBox(x: $0.0, y: $0.1, width: size.width, height: size.height)
        }
        // A mark reaches past the deposit's box by its outline's thickness, or a speck's by its
        // ring (the ids are placed afterwards, clear of the legend).
        let marks = report.deposits.compactMap { deposit -> PixelBox? in
            let box = deposit.bbox
            // A box that is not on the film (a report from elsewhere) covers no corner, and its
            // numbers are never added to.
            guard box.width > 0, box.height > 0, box.x >= 0, box.y >= 0, box.x < filmWidth, box.y < filmHeight,
                  box.width <= filmWidth, box.height <= filmHeight else { return nil }
            let reach = geometry.isRinged(deposit) ? geometry.ringRadius + geometry.lineThickness : geometry.lineThickness
            return PixelBox(x: box.x - reach, y: box.y - reach, width: box.width + 2 * reach, height: box.height + 2 * reach)
        }
        let covered = corners.map { corner in marks.filter { overlaps(corner, $0) }.count }
        let box = corners[covered.firstIndex(of: covered.min() ?? 0) ?? 0]
        return LegendLayout(lines: lines, scale: scale, padding: padding, box: box)
    }

    static func drawLegend(_ legend: LegendLayout, on canvas: OverlayCanvas) {
        let box = legend.box, scale = legend.scale
        canvas.fill(x: box.x, y: box.y, width: box.width, height: box.height, legendBackground)
        for (index, line) in legend.lines.enumerated() {
            canvas.text(line.text, x: box.x + legend.padding * scale,
                        y: box.y + (legend.padding + index * PixelFont.lineHeight) * scale,
                        scale: scale, line.colour)
        }
    }
}
