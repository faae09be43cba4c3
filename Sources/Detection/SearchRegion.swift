/// The pixels where deposits are searched: soft tissue at least `skinMarginMM` inside the skin,
/// away from bone, collimation and the film's border.
///
/// The skin seen tangentially at the edge of a limb is a thin dense line (skin is denser than the
/// fat under it), so it looks like a streak. A margin on the ~1 mm cell grid would be up to a cell
/// too wide and hide subcutaneous deposits 3–4 mm from the skin, so the margin is measured per
/// pixel: body pixels are those of body cells (and their neighbours) brighter than the skin
/// level (`AnatomyMap.skinLevel`), and a chamfer distance transform (3–4 weights, exact to a few % ) from the air gives
/// each pixel its distance to the skin.
enum SearchRegion {
    static func make(smoothed s: UnsafeBufferPointer<Float>, width: Int, height: Int, anatomy: AnatomyMap,
                     scales: PixelScales, parameters: DetectionParameters) -> [UInt8] {
        let cell = anatomy.cellSize, columns = anatomy.columns, rows = anatomy.rows
        // Body cells grown by one cell, so the pixel test decides the exact skin line.
        var nearBody = anatomy.body
        AnatomyMap.dilate(&nearBody, columns: columns, rows: rows, by: 1)
        let margin = max(1, Int((parameters.skinMarginMM / scales.spacingMM).rounded()))
        let cap = Int32(3 * (margin + 1))
        // Chamfer distance (in thirds of a pixel) from the nearest air pixel, capped.
        var distance = [Int32](repeating: cap, count: width * height)
        for y in 0..<height {
            let cellRow = (y / cell) * columns, row = y * width
            for x in 0..<width where nearBody[cellRow + x / cell] == 0 || s[row + x] <= anatomy.skinLevel {
                distance[row + x] = 0
            }
        }
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                var d = distance[row + x]
                guard d > 0 else { continue }
                if x > 0 { d = min(d, distance[row + x - 1] + 3) }
                if y > 0 {
                    let up = row - width + x
                    d = min(d, distance[up] + 3)
                    if x > 0 { d = min(d, distance[up - 1] + 4) }
                    if x + 1 < width { d = min(d, distance[up + 1] + 4) }
                }
                distance[row + x] = d
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            let row = y * width
            for x in stride(from: width - 1, through: 0, by: -1) {
                var d = distance[row + x]
                guard d > 0 else { continue }
                if x + 1 < width { d = min(d, distance[row + x + 1] + 3) }
                if y + 1 < height {
                    let down = row + width + x
                    d = min(d, distance[down] + 3)
                    if x + 1 < width { d = min(d, distance[down + 1] + 4) }
                    if x > 0 { d = min(d, distance[down - 1] + 4) }
                }
                distance[row + x] = d
            }
        }
        // Away from the skin, bone (cells) and the film's border.
        let border = scales.smallSurround.distance
        var region = [UInt8](repeating: 0, count: width * height)
        let needed = Int32(3 * margin)
        for y in border..<max(border, height - border) {
            let cellRow = (y / cell) * columns, row = y * width
            for x in border..<max(border, width - border) {
                let k = cellRow + x / cell
                if anatomy.body[k] != 0 && anatomy.bone[k] == 0 && distance[row + x] >= needed { region[row + x] = 1 }
            }
        }
        return region
    }
}
