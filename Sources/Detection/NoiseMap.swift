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
        let scale: Float = 1.4826 / 1.1180
        // Interior cells all have the same number of residuals: eight of them at a time go through
        // one sorting network (`LaneMedian`); cells at the film's border one at a time.
        let cellMedian = LaneMedian(count: ((cellSize + step - 1) / step) * ((cellSize + step - 1) / step))
        raw.withUnsafeMutableBufferPointer { rawBuffer in
            nonisolated(unsafe) let out = rawBuffer
            nonisolated(unsafe) let s = s
            ParallelBands.run(rows, minimumBand: 4) { cellRows in
                let values = UnsafeMutablePointer<Float>.allocate(capacity: (cellSize / step + 1) * (cellSize / step + 1))
                let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: cellMedian.size)
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
                            for j in cellMedian.count..<cellMedian.size { lanes[j] = SIMD8(repeating: .infinity) }
                            let m = cellMedian.median(lanes)
                            for l in 0..<8 { out[cy * columns + cx + l] = m[l] * scale }
                            cx += 8
                            continue
                        }
                        let n = residuals(cx, cy, into: values, stride: 1)
                        if n >= 8 { out[cy * columns + cx] = Self.smallMedian(values, count: n) * scale }
                        cx += 1
                    }
                }
            }
        }
        // 5×5 median over the cells that had an estimate: eight cells at a time where all 25 of
        // each one's neighbours have one, else one at a time.
        var smoothed = [Float](repeating: Self.floor, count: columns * rows)
        var global: [Float] = raw.filter { $0 >= 0 }
        let fallback = global.isEmpty ? Self.floor : max(Self.floor, Self.median(&global, count: global.count))
        let windowMedian = LaneMedian(count: 25)
        raw.withUnsafeBufferPointer { rawBuffer in
            smoothed.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let raw = rawBuffer, out = out
                ParallelBands.run(rows, minimumBand: 8) { cellRows in
                    let window = UnsafeMutablePointer<Float>.allocate(capacity: 25)
                    let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: windowMedian.size)
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
                                    for j in windowMedian.count..<windowMedian.size { lanes[j] = SIMD8(repeating: .infinity) }
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
                            out[cy * columns + cx] = n == 0 ? fallback : max(Self.floor, Self.smallMedian(window, count: n))
                            cx += 1
                        }
                    }
                }
            }
        }
        sigma = smoothed
    }

    /// Median of the first `count` values (reorders them).
    static func median(_ values: inout [Float], count: Int) -> Float {
        values.withUnsafeMutableBufferPointer { median(UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Median of a buffer (reorders it); the mean of the two middle values for an even count.
    ///
    /// Selection, not a sort: the median is a value, so any method that finds the k-th smallest
    /// gives the same bits as sorting, at a fraction of the cost (the clutter σ takes two medians
    /// of ~10⁶ values). Small buffers use an insertion
    /// sort; large ones quickselect with a median-of-three pivot that falls back to a full sort
    /// after 2·log₂(n) rounds, so crafted values cannot make it quadratic.
    static func median(_ buffer: UnsafeMutableBufferPointer<Float>) -> Float {
        let count = buffer.count
        precondition(count > 0)
        let k = count / 2
        let upper = select(buffer, k)
        guard count % 2 == 0 else { return upper }
        // Everything before k is ≤ the k-th value after selection: the (k−1)-th is their maximum.
        var lower = buffer[0]
        for i in 1..<k { lower = max(lower, buffer[i]) }
        return 0.5 * (lower + upper)
    }

    /// Median of a few values (the noise map's cells and 5×5 windows at the film's border, where
    /// `LaneMedian` cannot take eight alike), without reordering them.
    ///
    /// Each value's rank is counted against all the others with branch-free comparisons, which
    /// vectorise; a sort or a selection over ~50 values is dominated by mispredicted branches.
    /// The k-th smallest is the value with (number smaller) ≤ k < (number smaller or equal), so
    /// the result has the same bits as sorting and taking the middle (and the mean of the two
    /// middle values for an even count). Quadratic: for small counts only.
    static func smallMedian(_ v: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        precondition(n > 0)
        guard n <= 64 else { return median(UnsafeMutableBufferPointer(start: v, count: n)) }
        let vectors = (n + 7) / 8
        return withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: vectors) { lanes in
            // Padding lanes hold +∞: never smaller than, nor equal to, a finite value.
            for c in 0..<vectors {
                var chunk = SIMD8<Float>(repeating: .infinity)
                for l in 0..<min(8, n - c * 8) { chunk[l] = v[c * 8 + l] }
                lanes[c] = chunk
            }
            // Ranks of eight candidates at once: each value is compared with all eight.
            func kth(_ k: Int) -> Float {
                let target = SIMD8<Int32>(repeating: Int32(k))
                for c in 0..<vectors {
                    let candidates = lanes[c]
                    var less = SIMD8<Int32>(), lessOrEqual = SIMD8<Int32>()
                    for j in 0..<n {
                        let value = SIMD8<Float>(repeating: v[j])
                        less &+= SIMD8<Int32>().replacing(with: 1, where: value .< candidates)
                        lessOrEqual &+= SIMD8<Int32>().replacing(with: 1, where: value .<= candidates)
                    }
                    let hit = (less .<= target) .& (target .< lessOrEqual)
                    if any(hit) {
                        for l in 0..<8 where hit[l] { return candidates[l] }
                    }
                }
                return v[0]    // unreachable for values without NaN
            }
            let upper = kth(n / 2)
            return n % 2 == 1 ? upper : 0.5 * (kth(n / 2 - 1) + upper)
        }
    }

    /// Rearranges `b` so that `b[k]` is its k-th smallest value, with everything before it ≤ it
    /// and everything after it ≥ it; returns `b[k]`.
    static func select(_ b: UnsafeMutableBufferPointer<Float>, _ k: Int) -> Float {
        var lo = 0, hi = b.count - 1
        var rounds = 0, limit = 2 * (Int.bitWidth - b.count.leadingZeroBitCount) + 4
        while hi - lo >= 24 {
            rounds += 1
            if rounds > limit {
                var rest = UnsafeMutableBufferPointer(rebasing: b[lo...hi])
                rest.sort()
                return b[k]
            }
            // Median of three as pivot, moved to lo.
            let mid = lo + (hi - lo) / 2
            if b[mid] < b[lo] { b.swapAt(mid, lo) }
            if b[hi] < b[lo] { b.swapAt(hi, lo) }
            if b[hi] < b[mid] { b.swapAt(hi, mid) }
            b.swapAt(lo, mid)
            let pivot = b[lo]
            // Hoare partition of lo+1...hi around the pivot.
            var i = lo + 1, j = hi
            while true {
                while i <= j && b[i] < pivot { i += 1 }
                while i <= j && b[j] > pivot { j -= 1 }
                if i >= j { break }
                b.swapAt(i, j)
                i += 1
                j -= 1
            }
            b.swapAt(lo, j)
            if j == k { return pivot }
            if k < j { hi = j - 1 } else { lo = j + 1 }
        }
        // Insertion sort of the small remaining range.
        if hi > lo {
            for i in (lo + 1)...hi {
                let v = b[i]
                var j = i - 1
                while j >= lo && b[j] > v {
                    b[j + 1] = b[j]
                    j -= 1
                }
                b[j + 1] = v
            }
        }
        return b[k]
    }
}
