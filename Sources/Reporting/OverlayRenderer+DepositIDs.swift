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
    static func idLabels(_ report: FilmReport, geometry: Geometry, avoiding legend: PixelBox,
                         width: Int, height: Int) -> [IDLabel] {
        let scale = geometry.idScale
        let pad = scale, gap = max(2, scale)
        let marks = report.deposits.map { markBox($0, geometry: geometry) }
        var placed: [PixelBox] = []
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
                side.x >= 0 && side.y >= 0 && side.x + w <= width && side.y + h <= height
                    && !overlaps(side, legend) && !placed.contains { overlaps(side, $0) }
                    && !marks.contains { $0.map { overlaps(side, $0) } ?? false }
            }
            var box = clear ?? sides[0]
            box.x = max(0, min(box.x, width - w))
            box.y = max(0, min(box.y, height - h))
            placed.append(box)
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
