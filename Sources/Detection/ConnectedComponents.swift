/// What a labelling pass accumulates per component.
///
/// The labeller is generic over it, so the per-pixel call is specialised and inlined at compile
/// time (no dynamic dispatch, no closure per pixel), the way OpenCV's labelling takes a statistics
/// visitor. Row bands are measured concurrently, each into its own accumulator keyed by the
/// band's components, and the band accumulators are folded into one keyed by the final ids, in
/// band order: an implementation needs no locks, and a sum comes out the same bits whatever the
/// thread count, because the bands do not depend on it (`ConnectedComponents.bandRows`).
protocol ComponentStatistics {
    /// An empty accumulator for components 1…`count` that shares this one's inputs. It will be
    /// fed the pixels from raster index `start` on, in raster order (a cursor over a raster-ordered
    /// list can begin there: a band starts in the middle of the film).
    func empty(count: Int, start: Int) -> Self
    /// Called for every pixel of the band, in raster order, with the band's component id.
    mutating func add(label: Int, x: Int, y: Int, index: Int)
    /// Folds component `component` of a band's accumulator into this one's component `id`. Called
    /// in band order, and within a band in the order of the band's components.
    mutating func merge(_ band: Self, component: Int, into id: Int)
}

/// 8-connected labelling of a byte mask, over row bands in parallel with a merge at the band
/// borders; statistics are gathered in the pass that writes the final ids.
///
/// 1. Bands of `bandRows` rows are labelled concurrently, run by run: a run of set pixels takes
///    the provisional id of the runs it touches in the row above (unions in the band's own flat
///    union–find, the smaller id as root) or a new one (two-pass labelling with equivalences:
///    Rosenfeld and Pfaltz, "Sequential operations in digital picture processing", JACM 1966).
///    Runs of empty pixels are skipped 32, then 8 pixels at a time (a deposit mask is mostly
///    empty), and only set pixels are written.
/// 2. Serially: each band's provisional ids become band components numbered in raster order of
///    their first pixel; the last row of band k is joined to the first row of band k + 1; the
///    components of all bands, in band order, are numbered into final ids 1…count.
/// 3. Bands concurrently again: the final ids are written (and 0 off the mask, unless the caller
///    reads set pixels only) and every pixel is fed to the band's statistics, which are then
///    merged in band order. The label plane is written once.
///
/// Final ids run 1…count in the raster order of each component's first pixel (the smaller id
/// wins every union, and band components are ordered by band, then by first pixel), so the label
/// image is a function of the mask alone, and bit-identical to a serial two-pass labelling.
/// The band layout is fixed, not derived from the thread count, so statistics are too.
///
/// Ids are `Int32`, like the label image: there are at most ⌈w/2⌉ new ids per row, so a film
/// would need over 4·10⁹ pixels (8 GB of samples) to run out, far beyond what the decoders accept.
enum ConnectedComponents {
    /// Rows per band. Fixed (never a function of the cores), so that sums merged in band order
    /// come out the same for any thread count; 128 rows give a 3000-row film 24 bands (enough to
    /// balance two cores) while keeping the per-band bookkeeping and the border merges negligible.
    static let bandRows = 128

    /// Labels the non-zero pixels of `mask` into `labels` and replaces `statistics` by the
    /// accumulator of the final components, made with `statistics.empty`. Returns the number of
    /// components. `mask` and `labels` hold `width × height` pixels.
    ///
    /// - `clearsBackground`: write 0 to every pixel off the mask. A caller that reads the labels
    ///   of set pixels only passes false and saves the one pass that writes the whole plane (the
    ///   labelling reads labels only where the mask is set); the other pixels keep what they held.
    /// - `bandRows` is for tests: any value gives the same labels, and the same bits in sums for
    ///   any thread count; only the rounding of sums may differ between values.
    static func label<Statistics: ComponentStatistics>(
        mask: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
        labels: UnsafeMutableBufferPointer<Int32>, statistics: inout Statistics,
        clearsBackground: Bool = true, bandRows: Int = ConnectedComponents.bandRows
    ) -> Int {
        guard width > 0, height > 0 else {
            statistics = statistics.empty(count: 0, start: 0)
            return 0
        }
        let rowsPerBand = max(1, bandRows)
        let bandCount = (height + rowsPerBand - 1) / rowsPerBand
        nonisolated(unsafe) let maskBase = mask.baseAddress!
        nonisolated(unsafe) let labelBase = labels.baseAddress!
        func rows(_ band: Int) -> Range<Int> { (band * rowsPerBand)..<min(height, (band + 1) * rowsPerBand) }

        // 1. Provisional ids per band. After `labelBand`, tables[b][p] is the band component of
        // provisional id p, and counts[b] the band's number of components.
        nonisolated(unsafe) let tables = UnsafeMutableBufferPointer<UnsafeMutablePointer<Int32>>.allocate(capacity: bandCount)
        nonisolated(unsafe) let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: bandCount + 1)
        defer {
            for b in 0..<bandCount { tables[b].deallocate() }
            tables.deallocate()
            counts.deallocate()
        }
        ParallelBands.run(bandCount, minimumBand: 1) { bands in
            for b in bands {
                (tables[b], counts[b]) = labelBand(mask: maskBase, labels: labelBase, width: width, rows: rows(b))
            }
        }

        // 2. Band components, numbered globally in band order (offsets), joined across borders.
        var total = 0
        for b in 0..<bandCount {
            let n = counts[b]
            counts[b] = total
            total += n
        }
        counts[bandCount] = total
        nonisolated(unsafe) let final = UnsafeMutablePointer<Int32>.allocate(capacity: total + 1)
        defer { final.deallocate() }
        for g in 0...total { final[g] = Int32(truncatingIfNeeded: g) }
        for b in 1..<max(1, bandCount) {
            let y = b * rowsPerBand
            joinBorder(mask: maskBase + y * width, maskAbove: maskBase + (y - 1) * width,
                       below: labelBase + y * width, above: labelBase + (y - 1) * width, width: width,
                       belowTable: tables[b], belowOffset: counts[b],
                       aboveTable: tables[b - 1], aboveOffset: counts[b - 1], parent: final)
        }
        let count = numberRoots(final, ids: total)

        // 3. Final ids and statistics per band, merged in band order.
        let prototype = statistics
        var bandStatistics = [Statistics?](repeating: nil, count: bandCount)
        bandStatistics.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            ParallelBands.run(bandCount, minimumBand: 1) { bands in
                for b in bands {
                    let band = rows(b)
                    var accumulator = prototype.empty(count: counts[b + 1] - counts[b], start: band.lowerBound * width)
                    if clearsBackground {
                        relabelBand(mask: maskBase, labels: labelBase, width: width, rows: band, table: tables[b],
                                    final: final + counts[b], statistics: &accumulator, clearing: true)
                    } else {
                        relabelBand(mask: maskBase, labels: labelBase, width: width, rows: band, table: tables[b],
                                    final: final + counts[b], statistics: &accumulator, clearing: false)
                    }
                    slots[b] = accumulator
                }
            }
        }
        statistics = prototype.empty(count: Int(count), start: 0)
        for b in 0..<bandCount {
            let band = bandStatistics[b]!
            let offset = counts[b]
            for component in 0..<(counts[b + 1] - offset) {
                statistics.merge(band, component: component + 1, into: Int(final[offset + component + 1]))
            }
        }
        return Int(count)
    }

    // MARK: Pass 1, one band

    /// Labels the rows of one band with provisional ids 1, 2, … (the row above the band is not
    /// looked at), then turns its union–find table into the band component of every provisional
    /// id. Returns the table (the caller deallocates it) and the number of components.
    static func labelBand(mask: UnsafePointer<UInt8>, labels: UnsafeMutablePointer<Int32>, width: Int,
                          rows: Range<Int>) -> (UnsafeMutablePointer<Int32>, Int) {
        // At most one new id per run, and runs are separated by an empty pixel: the table is
        // allocated uninitialised for that bound, and only the pages in use are ever touched.
        let parent = UnsafeMutablePointer<Int32>.allocate(capacity: rows.count * ((width + 1) / 2) + 1)
        parent[0] = 0
        var next: Int32 = 1
        for y in rows {
            let m = mask + y * width, l = labels + y * width
            let hasRowAbove = y > rows.lowerBound
            var x = 0
            while true {
                x = firstSet(m, from: x, width: width)
                guard x < width else { break }
                let start = x
                while x < width && m[x] != 0 { x += 1 }
                var current: Int32 = 0
                if hasRowAbove {
                    // The run touches the row above from start − 1 to x (8-connectivity); a run
                    // above shows as repeated ids, looked up once. Labels are read only where
                    // the mask is set: the plane is not cleared.
                    let up = l - width, upMask = m - width
                    var previous: Int32 = 0
                    for j in max(0, start - 1)..<min(width, x + 1) where upMask[j] != 0 {
                        let v = up[j]
                        if v != previous {
                            current = current == 0 ? v : union(parent, current, v)
                            previous = v
                        }
                    }
                }
                if current == 0 {
                    current = next
                    parent[Int(next)] = next
                    next += 1
                }
                for j in start..<x { l[j] = current }
            }
        }
        // Roots are created at their set's first pixel, so the band's components come out
        // numbered in raster order of their first pixel.
        let components = numberRoots(parent, ids: Int(next) - 1)
        return (parent, Int(components))
    }

    // MARK: Border merge

    /// Joins the first row of a band (`below`) to the last row of the band above it (`above`):
    /// every run of the lower row with every id of the upper row from one pixel before it to one
    /// after it. Ids are still provisional here; the tables and offsets turn them into global
    /// band-component numbers, which are united in `parent`.
    static func joinBorder(mask: UnsafePointer<UInt8>, maskAbove: UnsafePointer<UInt8>,
                           below: UnsafePointer<Int32>, above: UnsafePointer<Int32>, width: Int,
                           belowTable: UnsafePointer<Int32>, belowOffset: Int,
                           aboveTable: UnsafePointer<Int32>, aboveOffset: Int, parent: UnsafeMutablePointer<Int32>) {
        var x = 0
        while true {
            x = firstSet(mask, from: x, width: width)
            guard x < width else { return }
            let start = x
            while x < width && mask[x] != 0 { x += 1 }
            let lower = Int32(truncatingIfNeeded: belowOffset + Int(belowTable[Int(below[start])]))
            var previous: Int32 = 0
            for j in max(0, start - 1)..<min(width, x + 1) where maskAbove[j] != 0 {
                let v = above[j]
                if v != previous {
                    _ = union(parent, lower, Int32(truncatingIfNeeded: aboveOffset + Int(aboveTable[Int(v)])))
                    previous = v
                }
            }
        }
    }

    // MARK: Pass 2, one band

    /// Writes the final id over each run (one table look-up per run: a run has one provisional
    /// id) and feeds its pixels, in raster order, to the band's statistics under the band's
    /// component id; with `clearing`, writes 0 between the runs.
    @inline(__always)
    static func relabelBand<Statistics: ComponentStatistics>(
        mask: UnsafePointer<UInt8>, labels: UnsafeMutablePointer<Int32>, width: Int, rows: Range<Int>,
        table: UnsafePointer<Int32>, final: UnsafePointer<Int32>, statistics: inout Statistics, clearing: Bool
    ) {
        for y in rows {
            let row = y * width
            let m = mask + row, l = labels + row
            var x = 0
            while true {
                x = clearing ? firstSet(m, from: x, width: width, zeroing: l) : firstSet(m, from: x, width: width)
                guard x < width else { break }
                let component = Int(table[Int(l[x])])
                let id = final[component]
                while x < width && m[x] != 0 {
                    l[x] = id
                    statistics.add(label: component, x: x, y: y, index: row &+ x)
                    x += 1
                }
            }
        }
    }

    // MARK: Scanning and union–find

    /// The first set pixel of the row at or after `x` (`width` if none). Empty stretches go 32
    /// bytes, then 8 bytes at a time; in the first non-zero word the set byte is found from the
    /// word's trailing zero bits, not byte by byte.
    @inline(__always)
    static func firstSet(_ m: UnsafePointer<UInt8>, from x: Int, width: Int) -> Int {
        let raw = UnsafeRawPointer(m)
        var x = x
        while x &+ 32 <= width {
            let a = raw.loadUnaligned(fromByteOffset: x, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: x &+ 8, as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: x &+ 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: x &+ 24, as: UInt64.self)
            if a | b != 0 { break }
            x &+= 32
        }
        while x &+ 8 <= width {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: x, as: UInt64.self))
            if word != 0 { return x &+ word.trailingZeroBitCount >> 3 }
            x &+= 8
        }
        while x < width && m[x] == 0 { x &+= 1 }
        return x
    }

    /// `firstSet` that also writes 0 to the labels of the empty pixels it passes over.
    @inline(__always)
    static func firstSet(_ m: UnsafePointer<UInt8>, from x: Int, width: Int, zeroing l: UnsafeMutablePointer<Int32>) -> Int {
        let raw = UnsafeRawPointer(m), out = UnsafeMutableRawPointer(l)
        var x = x
        while x &+ 32 <= width {
            let a = raw.loadUnaligned(fromByteOffset: x, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: x &+ 8, as: UInt64.self)
            let b = raw.loadUnaligned(fromByteOffset: x &+ 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: x &+ 24, as: UInt64.self)
            if a | b != 0 { break }
            out.storeBytes(of: SIMD16<Int32>(), toByteOffset: x &* 4, as: SIMD16<Int32>.self)
            out.storeBytes(of: SIMD16<Int32>(), toByteOffset: x &* 4 &+ 64, as: SIMD16<Int32>.self)
            x &+= 32
        }
        while x &+ 8 <= width {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: x, as: UInt64.self))
            if word != 0 {
                // Only the empty pixels before the set one: the set ones still hold their
                // provisional ids.
                let first = x &+ word.trailingZeroBitCount >> 3
                while x < first {
                    l[x] = 0
                    x &+= 1
                }
                return first
            }
            out.storeBytes(of: SIMD8<Int32>(), toByteOffset: x &* 4, as: SIMD8<Int32>.self)
            x &+= 8
        }
        while x < width && m[x] == 0 {
            l[x] = 0
            x &+= 1
        }
        return x
    }

    @inline(__always)
    /// Replaces each id 1…`ids` of a union–find table by the number of its set, 1…count in the
    /// order of the sets' roots; returns count. Roots are the smallest ids of their sets (the
    /// smaller id wins every union), so one ascending sweep finds each id's root already numbered.
    static func numberRoots(_ parent: UnsafeMutablePointer<Int32>, ids: Int) -> Int32 {
        var count: Int32 = 0
        for id in stride(from: 1, through: ids, by: 1) {
            let root = parent[id]
            if root == Int32(truncatingIfNeeded: id) {
                count += 1
                parent[id] = count
            } else {
                parent[id] = parent[Int(root)]
            }
        }
        return count
    }

    static func find(_ parent: UnsafeMutablePointer<Int32>, _ a: Int32) -> Int32 {
        var root = a
        while parent[Int(root)] != root { root = parent[Int(root)] }
        var node = a
        while parent[Int(node)] != root {
            let next = parent[Int(node)]
            parent[Int(node)] = root
            node = next
        }
        return root
    }

    /// Joins the sets of `a` and `b` and returns the root. The smaller root wins, so every root
    /// is the smallest (earliest) id of its set and every entry is at most its own index.
    @inline(__always)
    static func union(_ parent: UnsafeMutablePointer<Int32>, _ a: Int32, _ b: Int32) -> Int32 {
        let ra = find(parent, a), rb = find(parent, b)
        if ra < rb {
            parent[Int(rb)] = ra
            return ra
        }
        if rb < ra { parent[Int(ra)] = rb }
        return rb
    }
}
