import Radiography

/// Body (soft tissue and bone, as opposed to air, collimation and markers) and bone, on a grid of
/// cells about 1 mm wide.
///
/// - **Body**: cells brighter than the air/tissue threshold (`airLevels`, on the cell means
///   of the exposed field), keeping only components large enough to be anatomy: a lead marker in the air is a
///   small bright island and drops out. Collimator blades (`CollimationFinder`) and saturated
///   cells (≥ 98 % of the largest sample value) are never body.
/// - **Bone**: a bone is a ridge: brighter than the soft tissue on *both* sides across it, over a
///   length no deposit has. For each cell and each of four orientations and several distances D
///   the ridge contrast is min(R − side₊, R − side₋), with sides averaged over 3×3 cells and only
///   inside the body (a finger's edges border air, which says nothing about bone). Cells whose
///   best ridge contrast exceeds `boneRidgeSigmas` noise σ form cores; cores longer than
///   `boneMinExtentMM` are bone. Each bone grows from its core over cells brighter than
///   `boneGrowFraction` of the way from its soft-tissue sides to its core level (the cortex and the bone
///   ends the core does not reach), and is finally dilated by `boneMarginMM`.
/// - **Searched bone**: bone cells at least `boneEdgeMarginMM` inside the bone map's edge (and
///   the skin margin inside the body), where deposits projected over bone are searched against
///   the bone's own clutter; the cortex lines near the edge are left out.
struct AnatomyMap {
    let cellSize: Int
    let columns: Int
    let rows: Int
    var cellMean: [Float]
    var body: [UInt8]
    var bone: [UInt8]
    /// Body minus the skin margin, minus bone and its margin: where deposits are searched in soft tissue.
    var searchable: [UInt8]
    /// Bone eroded by `boneEdgeMarginMM`, within the skin margin: where deposits are searched over
    /// bone. Disjoint from `searchable` and at least the edge margin away from it, so no component
    /// of candidates spans both.
    var boneSearchable: [UInt8]
    /// Cells the search region may reach (the skin margin is then measured per pixel): body cells
    /// that are not bone, bone searched apart (`boneSearchable`), or any bone when bone is searched
    /// like soft tissue.
    var regionCells: [UInt8]
    /// Where the skin is, for the skin margin: a quarter of the way from the air mode to Otsu's
    /// air/tissue split. Scatter makes the air next to a limb glow above the body threshold, so
    /// the skin line is located at this higher level (a limb's thickness rises steeply at its
    /// edge, so the level is reached within about 1 mm of the true skin line).
    var skinLevel: Float

    // The map's fixed constants. Each was set once on the phantoms and the WG04 CR films and
    // then checked on the real films of ../shared/eval (body and bone maps drawn on the overlays
    // with `detect --overlay`); none is fitted per film.

    /// Cells whose mean is at least this fraction of the largest sample value are saturated
    /// (burnt-out direct exposure, detector clipping) and never body.
    static let saturatedFraction: Float = 0.98
    /// Body components smaller than this (mm²) are not anatomy: a lead marker (≤ 15 × 15 mm) or a
    /// label in the air is a small bright island and drops out; the smallest real body part on a
    /// film, a fingertip cut by the collimator, is larger.
    static let minimumBodyAreaMM2 = 300.0
    /// … and so are components smaller than this fraction of the largest (dust, text, markers
    /// beside a large body part).
    static let minimumBodyFractionOfLargest = 0.1
    /// Half-widths (mm) of the bones the ridge test looks for, finger phalanx (≈ 5 mm) to femur
    /// shaft (≈ 25 mm): the ridge's sides are sampled this far from the cell.
    static let boneHalfWidthsMM = [5.0, 9, 13, 18, 25]
    /// `airLevels`: the lower class of an Otsu split is itself split again while its two modes
    /// are this well separated (Otsu's effectiveness η) …
    static let airSplitEffectiveness = 0.85
    /// … and each part keeps at least 1/this of the cells (2 %: a sliver of air beside a limb).
    static let airMinimumShareDivisor = 50
    /// The body threshold: air's median plus the larger of this many robust σ of the air cells …
    static let airNoiseSigmas: Float = 10
    /// … and this fraction of the gap from air's median to the split (thin subcutaneous tissue
    /// near the skin lies just above air: Otsu's own split would cut it off).
    static let airGapFraction: Float = 0.05
    /// The skin line's level: this fraction of the gap from air's median to the split (scatter
    /// makes the air next to a limb glow above the body threshold).
    static let skinGapFraction: Float = 0.25

    init(pixels: UnsafeBufferPointer<UInt16>, width: Int, height: Int, maximumValue: Int,
         noise: NoiseMap, scales: PixelScales, parameters: DetectionParameters) {
        let cell = scales.cellSize
        cellSize = cell
        columns = noise.columns
        rows = noise.rows
        let columns = columns, rows = rows
        let cellMM = Double(cell) * scales.spacingMM
        let mean = Self.cellMeans(pixels, width: width, height: height, cell: cell, columns: columns, rows: rows)
        cellMean = mean

        // Body: neither collimation nor saturated nor air.
        var sigmas = noise.sigma
        let filmSigma = RobustStatistics.median(&sigmas, count: sigmas.count)
        // The 5th and 95th percentiles of the cell means: two selections, not a sort.
        var order = mean
        let range = order.withUnsafeMutableBufferPointer { cells in
            RobustStatistics.select(cells, cells.count * 95 / 100) - RobustStatistics.select(cells, cells.count * 5 / 100)
        }
        let blades = CollimationFinder.blades(
            cellMean: mean, columns: columns, rows: rows,
            jump: max(Float(parameters.collimationStepSigmas) * filmSigma, Float(parameters.collimationStepFraction) * range))
        let saturated = Float(maximumValue) * Self.saturatedFraction
        let exposed = mean.indices.map { mean[$0] < saturated && blades[$0] == 0 }
        let levels = Self.airLevels(mean.indices.compactMap { exposed[$0] ? mean[$0] : nil })
        let threshold = levels.body
        skinLevel = levels.skin
        var body = mean.indices.map { exposed[$0] && mean[$0] > threshold ? UInt8(1) : 0 }
        let minBodyCells = CheckedConversion.clampedInt(Self.minimumBodyAreaMM2 / (cellMM * cellMM), in: 0...Int.max, rounding: .towardZero)
        Self.keepLargeComponents(&body, columns: columns, rows: rows, minimumCells: minBodyCells, fractionOfLargest: Self.minimumBodyFractionOfLargest)
        self.body = body

        // Bone cores from the ridge contrast.
        let ridgeThreshold = Float(parameters.boneRidgeSigmas) * filmSigma
        var ridge = [Float](repeating: -.infinity, count: columns * rows)
        var sideLevel = [Float](repeating: 0, count: columns * rows)
        let distances = Self.boneHalfWidthsMM.map { CheckedConversion.pixels(mm: $0, spacingMM: cellMM, minimum: 2) }
        // The mean over the body cells of each body cell's 3×3 neighbourhood, computed once
        // (the ridge test below asks for each cell's side ~40 times); NaN marks non-body cells.
        var sideMean = [Float](repeating: .nan, count: columns * rows)
        for cy in 0..<rows {
            for cx in 0..<columns where body[cy * columns + cx] != 0 {
                var sum: Float = 0, n: Float = 0
                for y in max(0, cy - 1)...min(rows - 1, cy + 1) {
                    for x in max(0, cx - 1)...min(columns - 1, cx + 1) where body[y * columns + x] != 0 {
                        sum += mean[y * columns + x]
                        n += 1
                    }
                }
                sideMean[cy * columns + cx] = sum / n
            }
        }
        func side(_ cx: Int, _ cy: Int) -> Float? {
            guard cx >= 0, cy >= 0, cx < columns, cy < rows, body[cy * columns + cx] != 0 else { return nil }
            return sideMean[cy * columns + cx]
        }
        // Each cell row writes only its own cells: row bands run in parallel.
        ridge.withUnsafeMutableBufferPointer { ridge in
            sideLevel.withUnsafeMutableBufferPointer { sideLevel in
                nonisolated(unsafe) let ridge = ridge, sideLevel = sideLevel
                ParallelBands.run(rows, minimumBand: 8) { cellRows in
                    for cy in cellRows {
                        for cx in 0..<columns where body[cy * columns + cx] != 0 {
                            let v = mean[cy * columns + cx]
                            var best = -Float.infinity, bestSide: Float = 0
                            for d in distances {
                                let diagonal = Int((Double(d) / 2.0.squareRoot()).rounded())
                                for (ox, oy) in [(d, 0), (0, d), (diagonal, diagonal), (diagonal, -diagonal)] {
                                    guard let plus = side(cx + ox, cy + oy), let minus = side(cx - ox, cy - oy) else { continue }
                                    let contrast = min(v - plus, v - minus)
                                    if contrast > best {
                                        best = contrast
                                        bestSide = max(plus, minus)
                                    }
                                }
                            }
                            ridge[cy * columns + cx] = best
                            sideLevel[cy * columns + cx] = bestSide
                        }
                    }
                }
            }
        }
        var bone = [UInt8](repeating: 0, count: columns * rows)
        let cores = CellComponents(ridge.map { $0 > ridgeThreshold ? 1 : 0 }, columns: columns, rows: rows)
        let growLimit = CheckedConversion.pixels(mm: parameters.boneGrowMM, spacingMM: cellMM)
        for component in cores.components {
            let extentMM = Double(component.extentCells) * cellMM
            guard extentMM >= parameters.boneMinExtentMM else { continue }
            var coreValues = component.cells.map { mean[$0] }
            var sides = component.cells.map { sideLevel[$0] }
            let coreLevel = RobustStatistics.median(&coreValues, count: coreValues.count)
            let sideLevelMedian = RobustStatistics.median(&sides, count: sides.count)
            let floor = sideLevelMedian + Float(parameters.boneGrowFraction) * (coreLevel - sideLevelMedian)
            Self.grow(from: component.cells, into: &bone, columns: columns, rows: rows, limit: growLimit) {
                body[$0] != 0 && mean[$0] >= floor
            }
        }
        let marginCells = CheckedConversion.pixels(mm: parameters.boneMarginMM, spacingMM: cellMM, minimum: 0, rounding: .up)
        Self.dilate(&bone, columns: columns, rows: rows, by: marginCells)
        self.bone = bone

        var searchable = body
        Self.erode(&searchable, columns: columns, rows: rows, by: scales.skinMarginCells)
        // A margin as wide as the grid leaves no bone (and would cost cells × grid² to erode).
        var boneSearchable = scales.boneEdgeMarginCells >= max(columns, rows) ? [UInt8](repeating: 0, count: bone.count) : bone
        Self.erode(&boneSearchable, columns: columns, rows: rows, by: scales.boneEdgeMarginCells)
        for i in searchable.indices {
            boneSearchable[i] &= searchable[i]
            if bone[i] != 0 && !parameters.searchesBoneAsSoftTissue { searchable[i] = 0 }
        }
        if parameters.searchesBoneAsSoftTissue { boneSearchable = [UInt8](repeating: 0, count: bone.count) }
        self.searchable = searchable
        self.boneSearchable = boneSearchable
        regionCells = body.indices.map { k in
            body[k] != 0 && (bone[k] == 0 || boneSearchable[k] != 0 || parameters.searchesBoneAsSoftTissue) ? 1 : 0
        }
    }

    /// Mean sample per cell. Each cell's samples are summed in integers (a cell row's column sums,
    /// eight columns at a time, then each cell's columns) and converted once: integer sums below
    /// 2⁵³ are exact in `Double`, so this equals the sum pixel by pixel, without a division and a
    /// floating add per pixel.
    static func cellMeans(_ pixels: UnsafeBufferPointer<UInt16>, width: Int, height: Int, cell: Int, columns: Int, rows: Int) -> [Float] {
        var sums = [Double](repeating: 0, count: columns * rows)
        sums.withUnsafeMutableBufferPointer { sums in
            nonisolated(unsafe) let sums = sums
            ParallelBands.run(rows, minimumBand: 4) { cellRows in
                let columnSums = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
                defer { columnSums.deallocate() }
                let columnBase = UnsafeMutableRawPointer(columnSums)
                for cy in cellRows {
                    columnSums.initialize(repeating: 0, count: width)
                    for y in (cy * cell)..<min(height, (cy + 1) * cell) {
                        let row = pixels.baseAddress! + y * width, rowBase = UnsafeRawPointer(row)
                        var x = 0
                        while x + 8 <= width {
                            let v = SIMD8<UInt32>(truncatingIfNeeded: rowBase.loadUnaligned(fromByteOffset: x &* 2, as: SIMD8<UInt16>.self))
                            let a = columnBase.loadUnaligned(fromByteOffset: x &* 4, as: SIMD8<UInt32>.self)
                            columnBase.storeBytes(of: a &+ v, toByteOffset: x &* 4, as: SIMD8<UInt32>.self)
                            x += 8
                        }
                        while x < width {
                            columnSums[x] &+= UInt32(row[x])
                            x += 1
                        }
                    }
                    for cx in 0..<columns {
                        var total: UInt64 = 0
                        for x in (cx * cell)..<min(width, (cx + 1) * cell) { total &+= UInt64(columnSums[x]) }
                        sums[cy * columns + cx] = Double(total)
                    }
                }
            }
        }
        return sums.indices.map { i in
            let cx = i % columns, cy = i / columns
            let w = min(width, (cx + 1) * cell) - cx * cell
            let h = min(height, (cy + 1) * cell) - cy * cell
            return Float(sums[i] / Double(w * h))
        }
    }

    /// Just above air. Air is the darkest well-separated mode of the cell means: Otsu splits the
    /// values in two, and while the lower class is itself clearly two modes (Otsu's effectiveness
    /// η = between-class / total variance ≥ `airSplitEffectiveness`, lower part ≥ 2 % of the cells) it is split again,
    /// so that bone + tissue + air resolves to air even when the film holds more bone than air.
    /// The threshold is then the air mode's median plus the larger of 10 robust σ of its cells and
    /// 5 % of the gap to the split: Otsu's own split would cut off the thin subcutaneous tissue
    /// near the skin, where deposits are. Also returns the skin level (see `skinLevel`).
    static func airLevels(_ values: [Float]) -> (body: Float, skin: Float) {
        var lower = values
        var split = RobustStatistics.otsu(lower)
        while true {
            let below = lower.filter { $0 <= split.threshold }
            guard below.count * airMinimumShareDivisor >= values.count, below.count < lower.count else { break }
            let next = RobustStatistics.otsu(below)
            let belowNext = below.filter { $0 <= next.threshold }
            guard next.effectiveness >= airSplitEffectiveness, belowNext.count * airMinimumShareDivisor >= values.count else {
                lower = below
                break
            }
            lower = below
            split = next
        }
        var air = lower.filter { $0 <= split.threshold }
        guard air.count >= 16 else { return (split.threshold, split.threshold) }
        let (airMedian, airSigma) = RobustStatistics.medianAndSigma(&air)
        let gap = split.threshold - airMedian
        let body = min(split.threshold, airMedian + max(airNoiseSigmas * airSigma, airGapFraction * gap))
        return (body, max(body, airMedian + skinGapFraction * gap))
    }

    static func keepLargeComponents(_ mask: inout [UInt8], columns: Int, rows: Int, minimumCells: Int, fractionOfLargest: Double) {
        let found = CellComponents(mask, columns: columns, rows: rows)
        let largest = found.components.map(\.cells.count).max() ?? 0
        let keep = max(minimumCells, Int(Double(largest) * fractionOfLargest))
        mask = [UInt8](repeating: 0, count: mask.count)
        for component in found.components where component.cells.count >= keep {
            for i in component.cells { mask[i] = 1 }
        }
    }

    /// Breadth-first growth from `seeds` over cells that `admit`, at most `limit` steps away.
    static func grow(from seeds: [Int], into mask: inout [UInt8], columns: Int, rows: Int, limit: Int, admit: (Int) -> Bool) {
        var front = seeds
        for i in seeds { mask[i] = 1 }
        var step = 0
        while !front.isEmpty && step < limit {
            var next: [Int] = []
            for i in front {
                let cx = i % columns, cy = i / columns
                for dy in -1...1 {
                    for dx in -1...1 {
                        let x = cx + dx, y = cy + dy
                        guard x >= 0, y >= 0, x < columns, y < rows else { continue }
                        let j = y * columns + x
                        if mask[j] == 0 && admit(j) {
                            mask[j] = 1
                            next.append(j)
                        }
                    }
                }
            }
            front = next
            step += 1
        }
    }

    static func dilate(_ mask: inout [UInt8], columns: Int, rows: Int, by radius: Int) {
        guard radius > 0, columns > 0, rows > 0 else { return }
        // A square is a row segment swept along a column segment: one pass along the rows, one
        // down the columns, each counting the set cells in a sliding window of 2r + 1 (the cost
        // does not grow with the radius).
        var across = [UInt8](repeating: 0, count: mask.count)
        mask.withUnsafeBufferPointer { source in
            across.withUnsafeMutableBufferPointer { out in
                for cy in 0..<rows {
                    let row = cy * columns
                    var inWindow = 0
                    for x in 0..<min(radius, columns) where source[row + x] != 0 { inWindow += 1 }
                    for cx in 0..<columns {
                        if cx + radius < columns, source[row + cx + radius] != 0 { inWindow += 1 }
                        if cx - radius - 1 >= 0, source[row + cx - radius - 1] != 0 { inWindow -= 1 }
                        out[row + cx] = inWindow > 0 ? 1 : 0
                    }
                }
            }
        }
        across.withUnsafeBufferPointer { source in
            mask.withUnsafeMutableBufferPointer { out in
                for cx in 0..<columns {
                    var inWindow = 0
                    for y in 0..<min(radius, rows) where source[y * columns + cx] != 0 { inWindow += 1 }
                    for cy in 0..<rows {
                        if cy + radius < rows, source[(cy + radius) * columns + cx] != 0 { inWindow += 1 }
                        if cy - radius - 1 >= 0, source[(cy - radius - 1) * columns + cx] != 0 { inWindow -= 1 }
                        out[cy * columns + cx] = inWindow > 0 ? 1 : 0
                    }
                }
            }
        }
    }

    static func erode(_ mask: inout [UInt8], columns: Int, rows: Int, by radius: Int) {
        guard radius > 0 else { return }
        var inverse = mask.map { $0 == 0 ? UInt8(1) : 0 }
        dilate(&inverse, columns: columns, rows: rows, by: radius)
        // Cells on the film's border stay as they are: the body may run off the film.
        mask = zip(mask, inverse).map { $0 != 0 && $1 == 0 ? 1 : 0 }
    }
}

/// 8-connected components of a small cell mask (a few hundred thousand cells at most), in the
/// raster order of their first cell, each cell list in raster order.
struct CellComponents {
    struct Component {
        var cells: [Int]
        /// Length of the bounding box's diagonal, in cells.
        var extentCells: Double
    }
    var components: [Component] = []

    init(_ mask: [UInt8], columns: Int, rows: Int) {
        // Each set cell joins the set cells before it in raster order (left, and the three above).
        var sets = DisjointSets(count: mask.count)
        for i in mask.indices where mask[i] != 0 {
            let cx = i % columns, cy = i / columns
            if cx > 0, mask[i - 1] != 0 { sets.union(i, i - 1) }
            guard cy > 0 else { continue }
            for dx in -1...1 where cx + dx >= 0 && cx + dx < columns && mask[i - columns + dx] != 0 {
                sets.union(i, i - columns + dx)
            }
        }
        var componentOfRoot: [Int: Int] = [:]
        var boxes: [(minX: Int, maxX: Int, minY: Int, maxY: Int)] = []
        for i in mask.indices where mask[i] != 0 {
            let root = sets.find(i), cx = i % columns, cy = i / columns
            if let k = componentOfRoot[root] {
                components[k].cells.append(i)
                boxes[k] = (min(boxes[k].minX, cx), max(boxes[k].maxX, cx), boxes[k].minY, cy)
            } else {
                componentOfRoot[root] = components.count
                components.append(Component(cells: [i], extentCells: 0))
                boxes.append((cx, cx, cy, cy))
            }
        }
        for k in components.indices {
            let w = Double(boxes[k].maxX - boxes[k].minX + 1), h = Double(boxes[k].maxY - boxes[k].minY + 1)
            components[k].extentCells = (w * w + h * h).squareRoot()
        }
    }
}
