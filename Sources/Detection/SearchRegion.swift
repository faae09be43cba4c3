/// The pixels where deposits are searched: soft tissue at least `skinMarginMM` inside the skin,
/// away from bone, collimation and the film's border; and bone at least `boneEdgeMarginMM`
/// inside the bone map's edge (`AnatomyMap.boneSearchable`), where `Candidates.scan` measures
/// against the bone's own clutter.
///
/// The skin seen tangentially at the edge of a limb is a thin dense line (skin is denser than the
/// fat under it), so it looks like a streak. A margin on the ~1 mm cell grid would be up to a cell
/// too wide and hide subcutaneous deposits 3–4 mm from the skin, so the margin is measured per
/// pixel: body pixels are those of body cells (and their neighbours) brighter than the skin
/// level (`AnatomyMap.skinLevel`), and a chamfer distance transform (3–4 weights, exact to a few % ) from the air gives
/// each pixel its distance to the skin.
///
/// Memory: the distances go into a caller's plane (the label image, before labelling) and the
/// region into a caller's bit mask (`RowBits`), so no film-sized allocation happens here.
enum SearchRegion {
    /// A margin wider than the film leaves nothing whatever its size; bounding it keeps the
    /// capped distances (and the +3/+4 steps) far from Int32's limit.
    static func margin(_ parameters: DetectionParameters, scales: PixelScales, width: Int, height: Int) -> Int {
        min(2 * (width + height) + 1, max(1, Int((parameters.skinMarginMM / scales.spacingMM).rounded())))
    }

    /// Chamfer distance to the skin (thirds of a pixel, capped a little above the margin).
    static func distances(smoothed s: UnsafeBufferPointer<Float>, width: Int, height: Int, anatomy: AnatomyMap,
                          scales: PixelScales, parameters: DetectionParameters, into distance: UnsafeMutableBufferPointer<Int32>) {
        precondition(distance.count >= width * height)
        let cell = anatomy.cellSize, columns = anatomy.columns
        // Body cells grown by one cell, so the pixel test decides the exact skin line.
        var nearBody = anatomy.body
        AnatomyMap.dilate(&nearBody, columns: columns, rows: anatomy.rows, by: 1)
        let margin = margin(parameters, scales: scales, width: width, height: height)
        let cap = Int32(3 * (margin + 1))
        let skinLevel = anatomy.skinLevel
        // Chamfer distance (in thirds of a pixel) from the nearest air pixel, capped.
        nonisolated(unsafe) let distance = distance
        nearBody.withUnsafeBufferPointer { nearBody in
            nonisolated(unsafe) let nearBody = nearBody
            ParallelBands.run(height, minimumBand: 16) { rows in
            for y in rows {
                let cellRow = (y / cell) * columns, row = y * width
                for cx in 0..<columns {
                    let x0 = cx * cell, x1 = min(width, x0 + cell)
                    if nearBody[cellRow + cx] == 0 {
                        for x in x0..<x1 { distance[row + x] = 0 }
                    } else {
                        for x in x0..<x1 { distance[row + x] = s[row + x] <= skinLevel ? 0 : cap }
                    }
                }
            }
            }
        }
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                var d = distance[row + x]
                guard d > 0 else { continue }
                if x > 0 { d = min(d, distance[row + x - 1] &+ 3) }
                if y > 0 {
                    let up = row - width + x
                    d = min(d, distance[up] &+ 3)
                    if x > 0 { d = min(d, distance[up - 1] &+ 4) }
                    if x + 1 < width { d = min(d, distance[up + 1] &+ 4) }
                }
                distance[row + x] = d
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            let row = y * width
            for x in stride(from: width - 1, through: 0, by: -1) {
                var d = distance[row + x]
                guard d > 0 else { continue }
                if x + 1 < width { d = min(d, distance[row + x + 1] &+ 3) }
                if y + 1 < height {
                    let down = row + width + x
                    d = min(d, distance[down] &+ 3)
                    if x + 1 < width { d = min(d, distance[down + 1] &+ 4) }
                    if x > 0 { d = min(d, distance[down - 1] &+ 4) }
                }
                distance[row + x] = d
            }
        }
    }

    /// Set where deposits are searched: body cells, not bone (or bone far enough inside its edge),
    /// the margin away from the skin and clear of the film's border by the small scale's window distance.
    static func region(distances distance: UnsafeBufferPointer<Int32>, width: Int, height: Int, anatomy: AnatomyMap,
                       scales: PixelScales, parameters: DetectionParameters, into region: RowBits) {
        precondition(distance.count >= width * height)
        let cell = anatomy.cellSize, columns = anatomy.columns
        let margin = margin(parameters, scales: scales, width: width, height: height)
        let border = scales.smallSurround.distance
        let needed = Int32(3 * margin)
        anatomy.body.withUnsafeBufferPointer { body in
            anatomy.bone.withUnsafeBufferPointer { bone in
            anatomy.boneSearchable.withUnsafeBufferPointer { boneSearchable in
                nonisolated(unsafe) let body = body, bone = bone, boneSearchable = boneSearchable
                ParallelBands.run(height, minimumBand: 16) { rows in
                    let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, width))
                    defer { bytes.deallocate() }
                    for y in rows {
                        let cellRow = (y / cell) * columns, row = y * width
                        for x in 0..<width { bytes[x] = 0 }
                        if y >= border && y < height - border {
                            for x in border..<max(border, width - border) {
                                let k = cellRow + x / cell
                                if body[k] != 0 && (bone[k] == 0 || boneSearchable[k] != 0) && distance[row + x] >= needed { bytes[x] = 1 }
                            }
                        }
                        region.pack(row: y, width: width, from: bytes)
                    }
                }
            }
            }
        }
    }
}
