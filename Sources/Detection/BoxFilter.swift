/// Mean over a (2r+1)×(2r+1) window clipped to the image, by running sums: the cost per pixel
/// does not depend on the window size.
///
/// Near the borders the window is clipped and the mean taken over the pixels inside it, so a
/// border is not darkened by imaginary zeros. Running sums are kept in `Double`, so a 4500-pixel
/// row accumulates no drift.
///
/// The order of every addition is fixed (left to right along a row, top to bottom down a column,
/// whatever the bands), so the result does not depend on the thread count: the speed comes from
/// running four rows' sums side by side in SIMD lanes (the horizontal running sum is a chain of
/// dependent additions, so one row at a time waits on the adder's latency) and from one fused,
/// vectorised loop per output row in the vertical pass.
enum BoxFilter {
    /// `dst` receives the means; it first holds the horizontal window sums, which the vertical
    /// pass replaces in place, keeping the last 2r + 2 rows of sums of its column band in a small
    /// ring (a row's sums are copied there when they enter the window, before the row is
    /// overwritten, and read back when they leave). So no film-sized scratch plane is needed.
    /// `dst` may be `src` itself: the horizontal pass reads each row from a copy.
    static func mean(
        _ source: UnsafeBufferPointer<Float>, width: Int, height: Int, radius r: Int,
        into dst: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(source.count >= width * height && dst.count >= width * height)
        nonisolated(unsafe) let source = source
        nonisolated(unsafe) let rowSums = dst
        // Columns where a pixel enters the window (x + r < width) and where one leaves (x − r − 1 ≥ 0).
        let enterEnd = max(0, width - r), leaveStart = r + 1
        // Horizontal: window sums per row (not yet divided), four rows per SIMD4<Double>.
        ParallelBands.run((height + 3) / 4, minimumBand: 4) { groups in
            // The band's four rows, copied before their sums overwrite them (when dst is src).
            let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: 4 * width)
            defer { copy.deallocate() }
            for group in groups {
                let y0 = group * 4, lanes = min(4, height - y0)
                _ = copy.initialize(from: UnsafeBufferPointer(rebasing: source[(y0 * width)..<((y0 + lanes) * width)]))
                let src = UnsafeBufferPointer(copy), base = y0 * width
                if lanes < 4 {
                    for y in y0..<(y0 + lanes) {
                        let row = y * width, local = row - base
                        var sum = 0.0
                        for x in 0..<min(r, width) { sum += Double(src[local + x]) }
                        for x in 0..<width {
                            if x < enterEnd { sum += Double(src[local + x + r]) }
                            if x >= leaveStart { sum -= Double(src[local + x - r - 1]) }
                            rowSums[row + x] = Float(sum)
                        }
                    }
                    continue
                }
                let r0 = y0 * width, r1 = r0 + width, r2 = r1 + width, r3 = r2 + width
                @inline(__always) func load(_ x: Int) -> SIMD4<Double> {
                    SIMD4(Double(src[x]), Double(src[width + x]), Double(src[2 * width + x]), Double(src[3 * width + x]))
                }
                var sum = SIMD4<Double>(repeating: 0)
                for x in 0..<min(r, width) { sum += load(x) }
                for x in 0..<width {
                    if x < enterEnd { sum += load(x + r) }
                    if x >= leaveStart { sum -= load(x - r - 1) }
                    rowSums[r0 + x] = Float(sum[0])
                    rowSums[r1 + x] = Float(sum[1])
                    rowSums[r2 + x] = Float(sum[2])
                    rowSums[r3 + x] = Float(sum[3])
                }
            }
        }
        // Vertical: running sums down each column band, then divide by the clipped window area.
        let ringRows = 2 * r + 2
        ParallelBands.run(width, minimumBand: 256) { columns in
            let n = columns.count
            let acc = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * n)
            defer { acc.deallocate() }
            acc.initialize(repeating: 0)
            let colsIn = UnsafeMutableBufferPointer(rebasing: acc[n..<(2 * n)])
            let ring = UnsafeMutableBufferPointer<Float>.allocate(capacity: ringRows * n)
            defer { ring.deallocate() }
            let x0 = columns.lowerBound
            for i in 0..<n {
                let x = x0 + i
                colsIn[i] = Double(min(width - 1, x + r) - max(0, x - r) + 1)
            }
            /// Copies row `y`'s sums into the ring (before the row is overwritten) and returns them there.
            @inline(__always) func enter(_ y: Int) -> Int {
                let slot = (y % ringRows) * n, row = y * width + x0
                for i in 0..<n { ring[slot + i] = rowSums[row + i] }
                return slot
            }
            for y in 0..<min(r, height) {
                let slot = enter(y)
                for i in 0..<n { acc[i] += Double(ring[slot + i]) }
            }
            for y in 0..<height {
                let rowsIn = Double(min(height - 1, y + r) - max(0, y - r) + 1)
                let out = y * width + x0
                let entering = y + r < height ? enter(y + r) : -1
                let leaving = y - r - 1 >= 0 ? ((y - r - 1) % ringRows) * n : -1
                let ringBase = UnsafeRawPointer(ring.baseAddress!), accBase = UnsafeMutableRawPointer(acc.baseAddress!)
                let colsBase = UnsafeRawPointer(colsIn.baseAddress!), outBase = UnsafeMutableRawPointer(rowSums.baseAddress!)
                @inline(__always) func widen(_ slot: Int, _ i: Int) -> SIMD4<Double> {
                    let f = ringBase.loadUnaligned(fromByteOffset: (slot + i) &* 4, as: SIMD4<Float>.self)
                    return SIMD4(Double(f[0]), Double(f[1]), Double(f[2]), Double(f[3]))
                }
                // Four columns at a time (same additions in the same order per column), then the rest.
                let vectorEnd = n / 4 * 4
                var i = 0
                while i < vectorEnd {
                    var a = accBase.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self)
                    if entering >= 0 { a = a + widen(entering, i) }
                    if leaving >= 0 { a = a - widen(leaving, i) }
                    accBase.storeBytes(of: a, toByteOffset: i &* 8, as: SIMD4<Double>.self)
                    let q = a / (rowsIn * colsBase.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self))
                    outBase.storeBytes(of: SIMD4<Float>(Float(q[0]), Float(q[1]), Float(q[2]), Float(q[3])),
                                       toByteOffset: (out + i) &* 4, as: SIMD4<Float>.self)
                    i += 4
                }
                for i in vectorEnd..<n {
                    var a = acc[i]
                    if entering >= 0 { a = a + Double(ring[entering + i]) }
                    if leaving >= 0 { a = a - Double(ring[leaving + i]) }
                    acc[i] = a
                    rowSums[out + i] = Float(a / (rowsIn * colsIn[i]))
                }
            }
        }
    }

    /// The 3×3 mean (clipped at the borders) of 16-bit samples, straight from the samples.
    ///
    /// Gives the same bits as `mean(_:radius: 1)` over the samples converted to `Float`: a sum
    /// of at most nine 16-bit samples is an exact integer there too, and the quotient is the
    /// same `Double` division rounded once to `Float`. Integer sums need no scratch plane and
    /// no conversion pass, and any row can be recomputed on its own (`mean3x3Row`), which lets
    /// the detector reuse S's plane once S's box means are taken.
    static func mean3x3(_ src: UnsafeBufferPointer<UInt16>, width: Int, height: Int, into dst: UnsafeMutableBufferPointer<Float>) {
        precondition(src.count >= width * height && dst.count >= width * height)
        guard width > 0, height > 0 else { return }
        nonisolated(unsafe) let src = src
        nonisolated(unsafe) let dst = dst
        ParallelBands.run(height, minimumBand: 16) { rows in
            let columnSums = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
            defer { columnSums.deallocate() }
            for y in rows {
                mean3x3Row(src, width: width, height: height, y: y, columnSums: columnSums, into: dst.baseAddress! + y * width)
            }
        }
    }

    /// Row `y` of `mean3x3` into `out` (`width` values); `columnSums` is scratch for `width` values.
    @inline(__always)
    static func mean3x3Row(_ src: UnsafeBufferPointer<UInt16>, width: Int, height: Int, y: Int,
                           columnSums: UnsafeMutablePointer<UInt32>, into out: UnsafeMutablePointer<Float>) {
        let top = max(0, y - 1), bottom = min(height - 1, y + 1)
        let rowsIn = Double(bottom - top + 1)
        for x in 0..<width { columnSums[x] = UInt32(src[top * width + x]) }
        if bottom > top {
            for yy in (top + 1)...bottom {
                let row = yy * width
                for x in 0..<width { columnSums[x] &+= UInt32(src[row + x]) }
            }
        }
        if width == 1 {
            out[0] = Float(Double(columnSums[0]) / rowsIn)
            return
        }
        let edge = rowsIn * 2
        out[0] = Float(Double(columnSums[0] &+ columnSums[1]) / edge)
        let area = rowsIn * 3
        for x in 1..<(width - 1) {
            out[x] = Float(Double(columnSums[x - 1] &+ columnSums[x] &+ columnSums[x + 1]) / area)
        }
        out[width - 1] = Float(Double(columnSums[width - 2] &+ columnSums[width - 1]) / edge)
    }
}
