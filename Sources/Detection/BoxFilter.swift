/// Mean over a (2r+1)×(2r+1) window clipped to the image, by running sums: the cost per pixel
/// does not depend on the window size.
///
/// Near the borders the window is clipped and the mean taken over the pixels inside it, so a
/// border is not darkened by imaginary zeros. Running sums are kept in `Double`, where the window
/// sums of a film's `Float` means are exact (a few dozen values of 24 significant bits, unless
/// a window holds both near-zero and near-full-scale rows): so each output is the exact window
/// sum, rounded to `Float` once per row and once per column, whatever the bands. Where a sum is
/// not exact, the bands (a function of the film's size, never of the thread count) fix the order
/// of the additions, so the result is still the same on every run and any number of cores.
///
/// One streaming pass down the film per row band: each input row's horizontal window sums are
/// taken once, four rows side by side in SIMD lanes (the running sum along a row is a chain of
/// dependent additions, so one row at a time waits on the adder), kept in a small ring of rows,
/// and added to (and, 2r + 1 rows later, taken from) per-column vertical sums, from which each
/// output row is written. The film is read once and written once, with no film-sized scratch.
enum BoxFilter {
    /// `dst` may be `src` itself: each band then first copies the source rows it needs from its
    /// neighbours' bands (r + 1 above, r below), before any band writes.
    static func mean(
        _ source: UnsafeBufferPointer<Float>, width: Int, height: Int, radius r: Int,
        into dst: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(source.count >= width * height && dst.count >= width * height)
        guard width > 0, height > 0 else { return }
        let inPlace = UnsafeMutablePointer(mutating: source.baseAddress!) == dst.baseAddress!
        // Bands of at least 8 windows, so the rows a band reads twice (its first window) stay a
        // small share; in place, at most four bands, which bounds the copied rows.
        let minimumBand = max(64, 8 * (2 * r + 1))
        let bands = ParallelBands.layout(height, minimumBand: minimumBand,
                                         maximumBands: inPlace ? min(4, ParallelBands.maximumBands) : ParallelBands.maximumBands)
        // Rows each band reads outside its own: [y0 − r − 1, y0) and [y1, y1 + r), clipped.
        @inline(__always) func outside(_ band: Range<Int>) -> (above: Range<Int>, below: Range<Int>) {
            (max(0, band.lowerBound - r - 1)..<band.lowerBound, band.upperBound..<min(height, band.upperBound + r))
        }
        let haloRows = 2 * r + 1
        let copies = UnsafeMutableBufferPointer<Float>.allocate(capacity: inPlace ? max(1, bands.count * haloRows * width) : 1)
        defer { copies.deallocate() }
        nonisolated(unsafe) let source = source, dst = dst, halo = copies
        if inPlace {
            ParallelBands.run(bands) { index, band in
                let (above, below) = outside(band)
                var slot = index * haloRows * width
                for y in Array(above) + Array(below) {
                    (halo.baseAddress! + slot).update(from: source.baseAddress! + y * width, count: width)
                    slot += width
                }
            }
        }
        ParallelBands.run(bands) { index, band in
            let (above, below) = outside(band)
            /// Source row `y`: the band's own rows and, out of place, any row from the source;
            /// in place, the rows of other bands from the copies.
            @inline(__always) func row(_ y: Int) -> UnsafePointer<Float> {
                if !inPlace || band.contains(y) { return source.baseAddress! + y * width }
                let k = y < band.lowerBound ? y - above.lowerBound : above.count + y - below.lowerBound
                return UnsafePointer(halo.baseAddress! + (index * haloRows + k) * width)
            }
            let ringRows = 2 * r + 6
            let ring = UnsafeMutablePointer<Float>.allocate(capacity: ringRows * width)
            let acc = UnsafeMutablePointer<Double>.allocate(capacity: width)
            let colsIn = UnsafeMutablePointer<Double>.allocate(capacity: width)
            defer {
                ring.deallocate()
                acc.deallocate()
                colsIn.deallocate()
            }
            acc.initialize(repeating: 0, count: width)
            for x in 0..<width { colsIn[x] = Double(min(width - 1, x + r) - max(0, x - r) + 1) }
            // Horizontal window sums of rows first..<first+4 (fewer at the bottom) into the ring.
            // Rows from the window above the band's first row to the one below its last.
            var nextRow = above.lowerBound
            let endRow = below.upperBound
            @inline(__always) func slot(_ y: Int) -> UnsafeMutablePointer<Float> { ring + (y % ringRows) * width }
            func horizontalSums(through last: Int) {
                while nextRow <= last {
                    let y0 = nextRow, lanes = min(4, endRow - y0)
                    nextRow += lanes
                    let enterEnd = max(0, width - r), leaveStart = r + 1
                    if lanes < 4 {
                        for y in y0..<(y0 + lanes) {
                            let src = row(y), out = slot(y)
                            var sum = 0.0
                            for x in 0..<min(r, width) { sum += Double(src[x]) }
                            for x in 0..<width {
                                if x < enterEnd { sum += Double(src[x + r]) }
                                if x >= leaveStart { sum -= Double(src[x - r - 1]) }
                                out[x] = Float(sum)
                            }
                        }
                        continue
                    }
                    let s0 = row(y0), s1 = row(y0 + 1), s2 = row(y0 + 2), s3 = row(y0 + 3)
                    let o0 = slot(y0), o1 = slot(y0 + 1), o2 = slot(y0 + 2), o3 = slot(y0 + 3)
                    @inline(__always) func load(_ x: Int) -> SIMD4<Double> {
                        SIMD4(Double(s0[x]), Double(s1[x]), Double(s2[x]), Double(s3[x]))
                    }
                    var sum = SIMD4<Double>(repeating: 0)
                    for x in 0..<min(r, width) { sum += load(x) }
                    @inline(__always) func store(_ x: Int) {
                        let f = SIMD4<Float>(sum)
                        o0[x] = f[0]
                        o1[x] = f[1]
                        o2[x] = f[2]
                        o3[x] = f[3]
                    }
                    // The same additions in the same order as one loop testing both bounds at
                    // every column, in three stretches that test neither.
                    let entering = min(leaveStart, enterEnd), both = max(entering, enterEnd)
                    for x in 0..<entering {
                        sum += load(x + r)
                        store(x)
                    }
                    for x in entering..<both {
                        sum += load(x + r)
                        if x >= leaveStart { sum -= load(x - r - 1) }
                        store(x)
                    }
                    for x in both..<width {
                        if x >= leaveStart { sum -= load(x - r - 1) }
                        store(x)
                    }
                }
            }
            let accBase = UnsafeMutableRawPointer(acc), colsBase = UnsafeRawPointer(colsIn)
            /// acc ± the ring's row `y` (sign +1 or −1), four columns at a time.
            @inline(__always) func addRow(_ y: Int, _ sign: Double) {
                let sums = UnsafeRawPointer(slot(y))
                let vectorEnd = width / 4 * 4
                var x = 0
                while x < vectorEnd {
                    let f = sums.loadUnaligned(fromByteOffset: x &* 4, as: SIMD4<Float>.self)
                    let a = accBase.loadUnaligned(fromByteOffset: x &* 8, as: SIMD4<Double>.self)
                    let v = SIMD4(Double(f[0]), Double(f[1]), Double(f[2]), Double(f[3]))
                    accBase.storeBytes(of: sign > 0 ? a + v : a - v, toByteOffset: x &* 8, as: SIMD4<Double>.self)
                    x += 4
                }
                let tail = UnsafePointer<Float>(slot(y))
                for x in vectorEnd..<width { acc[x] = sign > 0 ? acc[x] + Double(tail[x]) : acc[x] - Double(tail[x]) }
            }
            // The window of the band's first row, less its last row, which the loop adds.
            let firstEnter = band.lowerBound + r
            horizontalSums(through: min(height, firstEnter) - 1)
            for y in above.lowerBound..<min(height, firstEnter) { addRow(y, 1) }
            for y in band {
                let rowsIn = Double(min(height - 1, y + r) - max(0, y - r) + 1)
                let out = UnsafeMutableRawPointer(dst.baseAddress! + y * width)
                let vectorEnd = width / 4 * 4
                var x = 0
                if y + r < height && y - r - 1 >= 0 {
                    // Inside the film: add the entering row, take the leaving one and write the
                    // means in one pass, in the order the passes below take.
                    horizontalSums(through: y + r)
                    let enter = UnsafeRawPointer(slot(y + r)), leave = UnsafeRawPointer(slot(y - r - 1))
                    while x < vectorEnd {
                        let a = accBase.loadUnaligned(fromByteOffset: x &* 8, as: SIMD4<Double>.self)
                            + SIMD4<Double>(enter.loadUnaligned(fromByteOffset: x &* 4, as: SIMD4<Float>.self))
                            - SIMD4<Double>(leave.loadUnaligned(fromByteOffset: x &* 4, as: SIMD4<Float>.self))
                        accBase.storeBytes(of: a, toByteOffset: x &* 8, as: SIMD4<Double>.self)
                        let q = a / (rowsIn * colsBase.loadUnaligned(fromByteOffset: x &* 8, as: SIMD4<Double>.self))
                        out.storeBytes(of: SIMD4<Float>(q), toByteOffset: x &* 4, as: SIMD4<Float>.self)
                        x += 4
                    }
                    let entering = UnsafePointer<Float>(slot(y + r)), leaving = UnsafePointer<Float>(slot(y - r - 1))
                    for x in vectorEnd..<width {
                        acc[x] = acc[x] + Double(entering[x]) - Double(leaving[x])
                        dst[y * width + x] = Float(acc[x] / (rowsIn * colsIn[x]))
                    }
                    continue
                }
                if y + r < height {
                    horizontalSums(through: y + r)
                    addRow(y + r, 1)
                }
                if y - r - 1 >= 0 { addRow(y - r - 1, -1) }
                while x < vectorEnd {
                    let a = accBase.loadUnaligned(fromByteOffset: x &* 8, as: SIMD4<Double>.self)
                    let q = a / (rowsIn * colsBase.loadUnaligned(fromByteOffset: x &* 8, as: SIMD4<Double>.self))
                    out.storeBytes(of: SIMD4<Float>(Float(q[0]), Float(q[1]), Float(q[2]), Float(q[3])),
                                   toByteOffset: x &* 4, as: SIMD4<Float>.self)
                    x += 4
                }
                for x in vectorEnd..<width { dst[y * width + x] = Float(acc[x] / (rowsIn * colsIn[x])) }
            }
        }
    }

    /// The 3×3 mean (clipped at the borders) of 16-bit samples, straight from the samples.
    ///
    /// Gives the same bits as `mean(_:radius: 1)` over the samples converted to `Float`: a sum
    /// of at most nine 16-bit samples is an exact integer there too, and the quotient is the
    /// same correctly rounded division. Integer sums need no scratch plane and
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
        mean3x3Row(src, width: width, height: height, y: y, columns: 0..<width, columnSums: columnSums, into: out)
    }

    /// Columns `columns` of row `y` of `mean3x3` into `out[columns]` (indexed by column, like
    /// `columnSums`): the same values as the whole row gives there.
    @inline(__always)
    static func mean3x3Row(_ src: UnsafeBufferPointer<UInt16>, width: Int, height: Int, y: Int, columns: Range<Int>,
                           columnSums: UnsafeMutablePointer<UInt32>, into out: UnsafeMutablePointer<Float>) {
        guard !columns.isEmpty else { return }
        let top = max(0, y - 1), bottom = min(height - 1, y + 1)
        let c0 = max(0, columns.lowerBound - 1), c1 = min(width, columns.upperBound + 1)
        // Row pointers and SIMD lanes: the integer sums are exact, so the same values as adding
        // the rows one pixel at a time.
        let first = src.baseAddress! + top * width
        @inline(__always) func load(_ p: UnsafePointer<UInt16>, _ x: Int) -> SIMD8<UInt32> {
            SIMD8<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(fromByteOffset: x &* 2, as: SIMD8<UInt16>.self))
        }
        let sumsBase = UnsafeMutableRawPointer(columnSums)
        var x = c0
        if bottom - top == 2 {
            let second = first + width, third = second + width
            while x + 8 <= c1 {
                sumsBase.storeBytes(of: load(first, x) &+ load(second, x) &+ load(third, x), toByteOffset: x &* 4, as: SIMD8<UInt32>.self)
                x += 8
            }
            while x < c1 {
                columnSums[x] = UInt32(first[x]) &+ UInt32(second[x]) &+ UInt32(third[x])
                x += 1
            }
        } else {
            for x in c0..<c1 { columnSums[x] = UInt32(first[x]) }
            var row = first
            for _ in top..<bottom {
                row += width
                for x in c0..<c1 { columnSums[x] &+= UInt32(row[x]) }
            }
        }
        // One Float division of the exact integer sum (< 2²⁰) by the clipped count (≤ 9): the
        // same bits as dividing in Double and rounding to Float, because a quotient n/d with
        // d ≤ 9 is never on a Float rounding midpoint nor within 2⁻⁵³ of one; in Float the
        // interior loop runs eight pixels per instruction.
        @inline(__always) func mean(_ sum: UInt32, _ count: Float) -> Float { Float(Int32(bitPattern: sum)) / count }
        let rows = Float(bottom - top + 1)
        let edge = rows * 2, area = rows * 3
        x = columns.lowerBound
        if x == 0 {
            out[0] = width == 1 ? mean(columnSums[0], rows) : mean(columnSums[0] &+ columnSums[1], edge)
            x = 1
        }
        let interiorEnd = min(columns.upperBound, width - 1)
        for i in x..<max(x, interiorEnd) {
            out[i] = mean(columnSums[i - 1] &+ columnSums[i] &+ columnSums[i + 1], area)
        }
        x = max(x, interiorEnd)
        if columns.upperBound == width && width > 1 && x == width - 1 {
            out[width - 1] = mean(columnSums[width - 2] &+ columnSums[width - 1], edge)
        }
    }
}
