import Detection

extension OverlayRenderer {
    /// One deposit's id as drawn: its digits on a dark box, so a row of the JSON or CSV can be
    /// found on the picture.
    struct IDLabel: Equatable {
        var text: String
        var box: PixelBox
        var scale: Int
    }

    /// Where each deposit's id goes: beside its mark (its outline's box, or its ring), on the
    /// first side, right, left, below, above, then the corners, where the label lies wholly on the
    /// film and clear of the legend, of every deposit's marks and of the labels placed before it.
    /// Deposits are taken in report order, so the
    /// picture is the same on every run. When no side is clear (a crowded cluster), the label goes
    /// on the right, moved onto the film if it would leave it.
    static func idLabels(_ report: AnalysedFilm, geometry: Geometry, avoiding legend: PixelBox,
                         width: Int, height: Int) -> [IDLabel] {
        let scale = geometry.idScale
        let pad = scale, gap = max(2, scale)
        let marks = report.deposits.map { markBox($0, geometry: geometry) }
        var taken = BoxGrid(width: width, height: height)
        taken.insert(legend)
        for case let mark? in marks { taken.insert(mark) }
        var labels: [IDLabel] = []
        for (deposit, mark) in zip(report.deposits, marks) {
            guard let mark else { continue }
            let text = String(deposit.id)
            let w = PixelFont.width(of: text) * scale + 2 * pad
            let h = PixelFont.capitalRows * scale + 2 * pad
            let right = mark.x + mark.width + gap, left = mark.x - gap - w
            let below = mark.y + mark.height + gap, above = mark.y - gap - h
            let midX = mark.x + mark.width / 2 - w / 2, midY = mark.y + mark.height / 2 - h / 2
            let sides = [(right, midY), (left, midY), (midX, below), (midX, above),
                         (right, above), (right, below), (left, below), (left, above)]
                .map { PixelBox(x: $0.0, y: $0.1, width: w, height: h) }
            let clear = sides.first { side in
                side.x >= 0 && side.y >= 0 && side.x + w <= width && side.y + h <= height && !taken.intersects(side)
            }
            var box = clear ?? sides[0]
            box.x = max(0, min(box.x, width - w))
            box.y = max(0, min(box.y, height - h))
            taken.insert(box)
            labels.append(IDLabel(text: text, box: box, scale: scale))
        }
        return labels
    }

    static func drawIDLabel(_ label: IDLabel, on canvas: OverlayCanvas) {
        let box = label.box
        canvas.fill(x: box.x, y: box.y, width: box.width, height: box.height, legendBackground)
        canvas.text(label.text, x: box.x + label.scale, y: box.y + label.scale, scale: label.scale, outlineColour)
    }

    /// The part of the film the deposit's own marks cover: the ring's square for a speck, else
    /// the box widened by the outline. Nil for reports whose numbers cannot be a place on a
    /// film (not finite, absurdly far away), which then get no label rather than a trap.
    static func markBox(_ deposit: DepositReport, geometry: Geometry) -> PixelBox? {
        let limit = 1 << 40
        if geometry.isRinged(deposit) {
            guard deposit.centroidX.isFinite, deposit.centroidY.isFinite,
                  abs(deposit.centroidX) < 1e9, abs(deposit.centroidY) < 1e9 else { return nil }
            let size = min(max(0, deposit.bbox.width, deposit.bbox.height), geometry.speckSize)
            let reach = geometry.ringRadius + size / 2 + 2  // the ring and its outer halo
            let cx = Int(deposit.centroidX.rounded()), cy = Int(deposit.centroidY.rounded())
            return PixelBox(x: cx - reach, y: cy - reach, width: 2 * reach + 1, height: 2 * reach + 1)
        }
        let box = deposit.bbox
        guard abs(box.x) < limit, abs(box.y) < limit, box.width > 0, box.height > 0,
              box.width < limit, box.height < limit else { return nil }
        let t = geometry.lineThickness - 1
        return PixelBox(x: box.x - t, y: box.y - t, width: box.width + 2 * t, height: box.height + 2 * t)
    }

    static func overlaps(_ a: PixelBox, _ b: PixelBox) -> Bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }
}

/// Boxes on the film, bucketed on a coarse grid so that asking whether a label would cover one
/// costs the boxes near it rather than every box: a film with thousands of deposits stays quick.
/// Only the part of a box on the film is kept, which is all a label (always on the film) can meet.
struct BoxGrid {
    private static let cell = 64
    private let columns: Int
    private let rows: Int
    private var boxes: [PixelBox] = []
    private var buckets: [[Int]]

    init(width: Int, height: Int) {
        columns = max(1, (width + Self.cell - 1) / Self.cell)
        rows = max(1, (height + Self.cell - 1) / Self.cell)
        buckets = Array(repeating: [], count: columns * rows)
    }

    mutating func insert(_ box: PixelBox) {
        guard let cells = cells(of: box) else { return }
        boxes.append(box)
        for row in cells.rows { for column in cells.columns { buckets[row * columns + column].append(boxes.count - 1) } }
    }

    func intersects(_ box: PixelBox) -> Bool {
        guard let cells = cells(of: box) else { return false }
        for row in cells.rows {
            for column in cells.columns where buckets[row * columns + column].contains(where: {
                OverlayRenderer.overlaps(box, boxes[$0])
            }) { return true }
        }
        return false
    }

    /// The grid cells the box touches, or nil when none of it is on the film.
    private func cells(of box: PixelBox) -> (columns: ClosedRange<Int>, rows: ClosedRange<Int>)? {
        let x0 = max(0, box.x), y0 = max(0, box.y)
        let x1 = min(columns * Self.cell, box.x + box.width) - 1, y1 = min(rows * Self.cell, box.y + box.height) - 1
        guard box.width > 0, box.height > 0, x0 <= x1, y0 <= y1 else { return nil }
        return (x0 / Self.cell...x1 / Self.cell, y0 / Self.cell...y1 / Self.cell)
    }
}
