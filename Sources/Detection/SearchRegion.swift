import Radiography

/// The pixels where deposits are searched: soft tissue at least `skinMarginMM` inside the skin,
/// away from bone, collimation and the film's border; and bone at least `boneEdgeMarginMM`
/// inside the bone map's edge (`AnatomyMap.boneSearchable`), where `Candidates.scan` measures
/// against the bone's own clutter.
///
/// The skin seen tangentially at the edge of a limb is a thin dense line (skin is denser than the
/// fat under it), so it looks like a streak. A margin on the ~1 mm cell grid would be up to a cell
/// too wide and hide subcutaneous deposits 3–4 mm from the skin, so the margin is measured per
/// pixel: body pixels are those of body cells (and their neighbours) brighter than the skin
/// level (`AnatomyMap.skinLevel`), and a chamfer distance transform from the air gives each
/// pixel its distance to the skin (3–4 weights, exact to a few %: Borgefors, "Distance
/// transformations in digital images", CVGIP 1986).
///
/// Memory: the distances go into a caller's plane (the label image, before labelling) and the
/// region into a caller's bit mask (`RowBits`), so no film-sized allocation happens here.
enum SearchRegion {
    /// A margin wider than the film leaves nothing whatever its size; bounding it keeps the
    /// capped distances (and the +3/+4 steps) far from Int32's limit.
    static func margin(_ parameters: DetectionParameters, scales: PixelScales, width: Int, height: Int) -> Int {
        CheckedConversion.pixels(mm: parameters.skinMarginMM, spacingMM: scales.spacingMM, maximum: 2 * (width + height) + 1)
    }

    /// Chamfer distance to the skin (thirds of a pixel, capped a little above the margin).
    ///
    /// The two raster passes of a chamfer transform are serial down the film, but a capped
    /// distance is local: a path of chamfer length ≤ cap (every step costs ≥ 3) spans at most
    /// cap/3 rows, and the two passes give the exact chamfer distance on any image (a shortest
    /// path can be reordered into the forward mask's moves followed by the backward mask's).
    /// So each row band runs both passes over its own rows plus `halo` rows above and below,
    /// recomputed into a scratch buffer, and its own rows come out exactly as from one pass over
    /// the whole film, whatever the bands (`DetectionTests` compares one band with many).
    static func distances(smoothed s: UnsafeBufferPointer<Float>, width: Int, height: Int, anatomy: AnatomyMap,
                          scales: PixelScales, parameters: DetectionParameters, into distance: UnsafeMutableBufferPointer<Int32>) {
        precondition(distance.count >= width * height)
        let cell = anatomy.cellSize, columns = anatomy.columns
        // Body cells grown by one cell, so the pixel test decides the exact skin line.
        var nearBody = anatomy.body
        AnatomyMap.dilate(&nearBody, columns: columns, rows: anatomy.rows, by: 1)
        let margin = margin(parameters, scales: scales, width: width, height: height)
        let cap = Int32(3 * (margin + 1))
        let halo = margin + 2
        let skinLevel = anatomy.skinLevel
        // Chamfer distance (in thirds of a pixel) from the nearest air pixel, capped.
        nonisolated(unsafe) let distance = distance
        nearBody.withUnsafeBufferPointer { nearBody in
            nonisolated(unsafe) let nearBody = nearBody
            // Bands of at least 16 halos, so the halos add at most an eighth to the work.
            ParallelBands.run(height, minimumBand: max(16, 16 * halo)) { rows in
                let top = max(0, rows.lowerBound - halo), bottom = min(height, rows.upperBound + halo)
                let above = rows.lowerBound - top, below = bottom - rows.upperBound
                let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, (above + below) * width))
                defer { scratch.deallocate() }
                @inline(__always) func row(_ y: Int) -> UnsafeMutablePointer<Int32> {
                    if y < rows.lowerBound { return scratch + (y - top) * width }
                    if y >= rows.upperBound { return scratch + (above + y - rows.upperBound) * width }
                    return distance.baseAddress! + y * width
                }
                // 0 on air (outside the grown body cells, or not brighter than the skin), else the cap.
                for y in top..<bottom {
                    let cellRow = (y / cell) * columns, out = row(y), smoothed = s.baseAddress! + y * width
                    for cx in 0..<columns {
                        let x0 = cx * cell, x1 = min(width, x0 + cell)
                        if nearBody[cellRow + cx] == 0 {
                            for x in x0..<x1 { out[x] = 0 }
                        } else {
                            for x in x0..<x1 { out[x] = smoothed[x] <= skinLevel ? 0 : cap }
                        }
                    }
                }
                // Each pass: first the three neighbours in the row already done (no dependency
                // along the row, so it vectorises), then the one before it in this row, a short
                // serial scan. The same minima as visiting the four neighbours pixel by pixel
                // (min is associative, and the row's earlier pixels are final when read), and
                // air stays 0 because no distance is negative.
                @inline(__always) func fromRow(_ current: UnsafeMutablePointer<Int32>, _ done: UnsafeMutablePointer<Int32>) {
                    current[0] = min(current[0], done[0] &+ 3)
                    if width > 1 { current[0] = min(current[0], done[1] &+ 4) }
                    if width > 2 {
                        for x in 1..<(width - 1) {
                            current[x] = min(current[x], min(done[x] &+ 3, min(done[x - 1], done[x + 1]) &+ 4))
                        }
                    }
                    if width > 1 {
                        current[width - 1] = min(current[width - 1], min(done[width - 1] &+ 3, done[width - 2] &+ 4))
                    }
                }
                // The scan changes nothing over eight pixels of air (all 0), nor over eight at
                // the cap once the running value is at the cap: those are stepped over.
                let zero = SIMD8<Int32>(repeating: 0), capped = SIMD8<Int32>(repeating: cap)
                @inline(__always) func unchanged(_ current: UnsafeMutablePointer<Int32>, _ x: Int, _ previous: inout Int32) -> Bool {
                    let v = UnsafeRawPointer(current + x).loadUnaligned(as: SIMD8<Int32>.self)
                    if all(v .== zero) {
                        previous = 0
                        return true
                    }
                    return previous == cap && all(v .== capped)
                }
                for y in top..<bottom {
                    let current = row(y)
                    if y > top { fromRow(current, row(y - 1)) }
                    var previous = current[0]
                    var x = 1
                    while x < width {
                        if x + 8 <= width && unchanged(current, x, &previous) {
                            x += 8
                            continue
                        }
                        previous = min(current[x], previous &+ 3)
                        current[x] = previous
                        x += 1
                    }
                }
                for y in stride(from: bottom - 1, through: top, by: -1) {
                    let current = row(y)
                    if y + 1 < bottom { fromRow(current, row(y + 1)) }
                    var previous = current[width - 1]
                    var x = width - 2
                    while x >= 0 {
                        if x >= 7 && unchanged(current, x - 7, &previous) {
                            x -= 8
                            continue
                        }
                        previous = min(current[x], previous &+ 3)
                        current[x] = previous
                        x -= 1
                    }
                }
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
        anatomy.regionCells.withUnsafeBufferPointer { cells in
                nonisolated(unsafe) let cells = cells
                // Cell by cell, so the cell tests are made once per cell row and not per pixel;
                // bits are set straight into the region's words (it starts empty, and each row
                // starts on its own word, so bands never share one).
                ParallelBands.run(height, minimumBand: 16) { rows in
                    for y in rows where y >= border && y < height - border {
                        let cellRow = (y / cell) * columns, row = y * width
                        let words = region.words.baseAddress! + y * region.wordsPerRow
                        for cx in 0..<columns {
                            let k = cellRow + cx
                            guard cells[k] != 0 else { continue }
                            let x0 = max(border, cx * cell), x1 = min(width - border, (cx + 1) * cell)
                            guard x0 < x1 else { continue }
                            for x in x0..<x1 where distance[row + x] >= needed {
                                words[x >> 6] |= 1 << UInt64(x & 63)
                            }
                        }
                    }
                }
        }
    }
}
