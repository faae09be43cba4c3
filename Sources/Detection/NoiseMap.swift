/// Local noise σ of the smoothed film on the coarse cell grid.
///
/// X-ray noise is mostly quantum noise: larger where fewer photons arrive (behind bone and thick
/// tissue) than in thin tissue. A single global σ would make the threshold too strict in one
/// place and too loose in another, so each cell gets its own robust estimate.
///
/// Estimator: residual r = S(x,y) − ¼·[S(x±3,y) + S(x,y±3)] of the 3×3-smoothed film S. The four
/// neighbours lie outside the 3×3 support, so for white noise Var r = 1.25·σ_S²; the median of |r|
/// times 1.4826 / √1.25 estimates σ_S and ignores the edges and deposits in a cell. The cell
/// estimates are then replaced by the median over the 5×5 cells around each, so a cell full of
/// bone edge borrows its σ from its neighbours.
struct NoiseMap {
    let columns: Int
    let rows: Int
    let cellSize: Int
    /// σ of the smoothed film per cell, in sample units.
    var sigma: [Float]

    /// The smallest σ used: quantisation of integer samples leaves at least this much after a
    /// 3×3 mean (1/√12/3 ≈ 0.1), and an all-constant region must not give σ = 0.
    static let floor: Float = 0.1

    init(smoothed s: UnsafeBufferPointer<Float>, width: Int, height: Int, cellSize: Int) {
        self.cellSize = cellSize
        columns = (width + cellSize - 1) / cellSize
        rows = (height + cellSize - 1) / cellSize
        var raw = [Float](repeating: -1, count: columns * rows)
        let step = cellSize > 8 ? 2 : 1
        let columns = columns, rows = rows
        let scale: Float = RobustStatistics.gaussianSigmaPerMAD / 1.1180
        // Interior cells all have the same number of residuals: eight of them at a time go through
        // one sorting network (`LaneMedian`); cells at the film's border one at a time.
        let cellMedian = LaneMedian(count: ((cellSize + step - 1) / step) * ((cellSize + step - 1) / step))
        raw.withUnsafeMutableBufferPointer { rawBuffer in
            nonisolated(unsafe) let out = rawBuffer
            nonisolated(unsafe) let s = s
            ParallelBands.run(rows, minimumBand: 4) { cellRows in
                let values = UnsafeMutablePointer<Float>.allocate(capacity: (cellSize / step + 1) * (cellSize / step + 1))
                let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: cellMedian.count)
                defer {
                    values.deallocate()
                    lanes.deallocate()
                }
                /// The residuals |r| of cell (cx, cy) into `values` (strided by `stride`); their count.
                @inline(__always) func residuals(_ cx: Int, _ cy: Int, into values: UnsafeMutablePointer<Float>, stride: Int) -> Int {
                    var n = 0
                    let y0 = max(3, cy * cellSize), y1 = min(height - 3, (cy + 1) * cellSize)
                    let x0 = max(3, cx * cellSize), x1 = min(width - 3, (cx + 1) * cellSize)
                    var y = y0
                    while y < y1 {
                        var x = x0
                        let row = y * width
                        while x < x1 {
                            let i = row + x
                            let around = s[i - 3] + s[i + 3] + s[i - 3 * width] + s[i + 3 * width]
                            values[n * stride] = abs(s[i] - 0.25 * around)
                            n += 1
                            x += step
                        }
                        y += step
                    }
                    return n
                }
                let laneValues = UnsafeMutableRawPointer(lanes).assumingMemoryBound(to: Float.self)
                // For full cell rows, the residuals of every sampled pixel row across the film,
                // eight pixels at a time (the same arithmetic as `residuals`, lane by lane).
                let perSide = (cellSize + step - 1) / step
                let residualRows = UnsafeMutablePointer<Float>.allocate(capacity: perSide * width)
                defer { residualRows.deallocate() }
                for cy in cellRows {
                    let rowFull = cy * cellSize >= 3 && (cy + 1) * cellSize <= height - 3
                    if rowFull {
                        for k in 0..<perSide {
                            let y = cy * cellSize + k * step, row = y * width
                            let out = residualRows + k * width, p = s.baseAddress! + row
                            let up = p - 3 * width, down = p + 3 * width
                            var x = 3
                            while x + 8 <= width - 3 {
                                @inline(__always) func at(_ q: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
                                    UnsafeRawPointer(q).loadUnaligned(fromByteOffset: (x + offset) &* 4, as: SIMD8<Float>.self)
                                }
                                let around = at(p, -3) + at(p, 3) + at(up, 0) + at(down, 0)
                                let r = at(p, 0) - 0.25 * around
                                UnsafeMutableRawPointer(out).storeBytes(of: r.replacing(with: -r, where: r .< 0),
                                                                        toByteOffset: x &* 4, as: SIMD8<Float>.self)
                                x += 8
                            }
                            while x < width - 3 {
                                let around = p[x - 3] + p[x + 3] + up[x] + down[x]
                                out[x] = abs(p[x] - 0.25 * around)
                                x += 1
                            }
                        }
                    }
                    var cx = 0
                    while cx < columns {
                        if rowFull && cx + 8 <= columns && cx * cellSize >= 3 && (cx + 8) * cellSize <= width - 3 {
                            for l in 0..<8 {
                                let x0 = (cx + l) * cellSize
                                var j = 0
                                for k in 0..<perSide {
                                    let residualRow = residualRows + k * width + x0
                                    for q in 0..<perSide {
                                        laneValues[j &* 8 &+ l] = residualRow[q * step]
                                        j += 1
                                    }
                                }
                            }
                            let m = cellMedian.median(lanes)
                            for l in 0..<8 { out[cy * columns + cx + l] = m[l] * scale }
                            cx += 8
                            continue
                        }
                        let n = residuals(cx, cy, into: values, stride: 1)
                        if n >= 8 { out[cy * columns + cx] = RobustStatistics.smallMedian(values, count: n) * scale }
                        cx += 1
                    }
                }
            }
        }
        // 5×5 median over the cells that had an estimate: eight cells at a time where all 25 of
        // each one's neighbours have one, else one at a time.
        var smoothed = [Float](repeating: Self.floor, count: columns * rows)
        var global: [Float] = raw.filter { $0 >= 0 }
        let fallback = global.isEmpty ? Self.floor : max(Self.floor, RobustStatistics.median(&global, count: global.count))
        let windowMedian = LaneMedian(count: 25)
        raw.withUnsafeBufferPointer { rawBuffer in
            smoothed.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let raw = rawBuffer, out = out
                ParallelBands.run(rows, minimumBand: 8) { cellRows in
                    let window = UnsafeMutablePointer<Float>.allocate(capacity: 25)
                    let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: windowMedian.count)
                    defer {
                        window.deallocate()
                        lanes.deallocate()
                    }
                    let rawBase = UnsafeRawPointer(raw.baseAddress!)
                    for cy in cellRows {
                        var cx = 0
                        while cx < columns {
                            if cy >= 2 && cy + 2 < rows && cx >= 2 && cx + 8 + 2 <= columns {
                                var complete = true
                                var j = 0
                                for y in (cy - 2)...(cy + 2) {
                                    for x in (cx - 2)...(cx + 2) {
                                        let v = rawBase.loadUnaligned(fromByteOffset: (y * columns + x) * 4, as: SIMD8<Float>.self)
                                        if any(v .< 0) { complete = false }
                                        lanes[j] = v
                                        j += 1
                                    }
                                }
                                if complete {
                                    let m = windowMedian.median(lanes)
                                    for l in 0..<8 { out[cy * columns + cx + l] = max(Self.floor, m[l]) }
                                    cx += 8
                                    continue
                                }
                            }
                            var n = 0
                            for y in max(0, cy - 2)...min(rows - 1, cy + 2) {
                                for x in max(0, cx - 2)...min(columns - 1, cx + 2) {
                                    let v = raw[y * columns + x]
                                    if v >= 0 {
                                        window[n] = v
                                        n += 1
                                    }
                                }
                            }
                            out[cy * columns + cx] = n == 0 ? fallback : max(Self.floor, RobustStatistics.smallMedian(window, count: n))
                            cx += 1
                        }
                    }
                }
            }
        }
        sigma = smoothed
    }
}
