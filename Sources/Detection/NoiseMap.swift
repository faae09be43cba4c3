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
        raw.withUnsafeMutableBufferPointer { rawBuffer in
            nonisolated(unsafe) let out = rawBuffer
            nonisolated(unsafe) let s = s
            ParallelBands.run(rows, minimumBand: 4) { cellRows in
                var values = [Float](repeating: 0, count: (cellSize / step + 1) * (cellSize / step + 1))
                for cy in cellRows {
                    for cx in 0..<columns {
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
                                values[n] = abs(s[i] - 0.25 * around)
                                n += 1
                                x += step
                            }
                            y += step
                        }
                        guard n >= 8 else { continue }
                        out[cy * columns + cx] = Self.median(&values, count: n) * (1.4826 / 1.1180)
                    }
                }
            }
        }
        // 5×5 median over the cells that had an estimate.
        var smoothed = [Float](repeating: Self.floor, count: columns * rows)
        var window = [Float](repeating: 0, count: 25)
        var global: [Float] = raw.filter { $0 >= 0 }
        let fallback = global.isEmpty ? Self.floor : max(Self.floor, Self.median(&global, count: global.count))
        for cy in 0..<rows {
            for cx in 0..<columns {
                var n = 0
                for dy in -2...2 {
                    let y = cy + dy
                    guard y >= 0, y < rows else { continue }
                    for dx in -2...2 {
                        let x = cx + dx
                        guard x >= 0, x < columns else { continue }
                        let v = raw[y * columns + x]
                        if v >= 0 {
                            window[n] = v
                            n += 1
                        }
                    }
                }
                smoothed[cy * columns + cx] = n == 0 ? fallback : max(Self.floor, Self.median(&window, count: n))
            }
        }
        sigma = smoothed
    }

    /// Median of the first `count` values (reorders them).
    static func median(_ values: inout [Float], count: Int) -> Float {
        values.withUnsafeMutableBufferPointer { buffer in
            var slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            slice.sort()
            return count % 2 == 1 ? slice[count / 2] : 0.5 * (slice[count / 2 - 1] + slice[count / 2])
        }
    }
}
