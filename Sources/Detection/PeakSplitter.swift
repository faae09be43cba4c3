import Dispatch

/// Candidates inside large components: each local maximum of the local contrast that stands out
/// from the component around it becomes a candidate of its own.
///
/// Why: on real films a deposit projected over a bone, or a cluster of specks beside a cortex,
/// joins the bone's own component in the hysteresis (both are above the grow threshold), and the
/// merged component's centroid lies nowhere near the deposit. Phantoms did not show this (their
/// bone map kept bone out of the search); hybrids of real hands did: half of the missed deposits
/// with CNR ≥ 3 were inside such merged components.
///
/// A maximum counts when it is the largest contrast within `peakRadius`, its significance reaches
/// the seed, and it rises at least
/// `seed` noise σ above the component's floor around it (the smallest contrast of the
/// component's pixels on a square ring at `floorRadius`; 0 where the ring leaves the component).
/// Its region is the 8-connected set of the component's pixels within 2 × `floorRadius` of it whose
/// contrast is at least halfway from that floor to the peak, taking no pixel an earlier (higher)
/// maximum took. Maxima are visited from the highest down, so the regions do not depend on the
/// order of the components or the thread count.
struct PeakSplitter {
    struct Region {
        var pixels: [Int]
        var deposit: Deposit
        var elongation: Double
        /// Raster index of the peak the region grew from.
        var peakPixel: Int
    }

    let width: Int
    let peakRadius: Int
    let floorRadius: Int
    /// Components whose bounding-box diagonal is at least this are split (pixels).
    let minimumExtent: Double
    let minimumArea: Int
    /// Largest flood window (cells, with its border) whose members are tabled; a larger one (a
    /// floor radius far beyond the defaults) is searched in the list instead. 5 MiB of tables.
    static let windowTableLimit = 1 << 20

    /// Members a task of the maxima search takes: a bone-sized component's search is cut into
    /// pieces of this many, so that it runs on every core. A constant: the pieces never depend
    /// on the thread count (and the maxima they find do not depend on the pieces).
    static let searchPiece = 8192

    /// `componentOf[k]` is the component of candidate k (0: none); `sigmaAt` the local noise σ.
    func split(index: UnsafeBufferPointer<Int>, contrast c: UnsafeBufferPointer<Float>, significance z: UnsafeBufferPointer<Float>,
               componentOf: [Int32], components: Int, seed: Float, pixels: UnsafeBufferPointer<UInt16>,
               sigmaAt: @escaping (Int) -> Float) -> [Region] {
        guard components > 0 else { return [] }
        // Bounding boxes and member lists of the components to split (through pointers: these
        // loops run over every candidate pixel, before the components go in parallel). The
        // candidates are in raster order: a pixel's row follows them, with a division only
        // where a row is skipped.
        var minX = [Int](repeating: .max, count: components + 1), maxX = [Int](repeating: .min, count: components + 1)
        var minY = minX, maxY = maxX
        minX.withUnsafeMutableBufferPointer { minX in
        maxX.withUnsafeMutableBufferPointer { maxX in
        minY.withUnsafeMutableBufferPointer { minY in
        maxY.withUnsafeMutableBufferPointer { maxY in
        componentOf.withUnsafeBufferPointer { componentOf in
            var y = 0, rowStart = 0
            for k in 0..<index.count {
                let id = Int(componentOf[k])
                guard id != 0 else { continue }
                let i = index[k]
                if i >= rowStart &+ width {
                    y = i / width
                    rowStart = y * width
                }
                let x = i &- rowStart
                minX[id] = min(minX[id], x); maxX[id] = max(maxX[id], x)
                minY[id] = min(minY[id], y); maxY[id] = max(maxY[id], y)
            }
        }}}}}
        let ids = (1...components).filter { id in
            guard minX[id] <= maxX[id] else { return false }
            let w = Double(maxX[id] - minX[id] + 1), h = Double(maxY[id] - minY[id] + 1)
            return (w * w + h * h).squareRoot() >= minimumExtent
        }
        guard !ids.isEmpty else { return [] }
        // The members of the components to split, in one list: the n-th component's (in raster
        // order) at memberStart[n]..<memberStart[n + 1]. Counted first, so nothing grows, in
        // fixed bands of the candidate list on all cores: each band's members of a component go
        // after the earlier bands' ones.
        var slot = [Int](repeating: -1, count: components + 1)
        for (n, id) in ids.enumerated() { slot[id] = n }
        let bands = ParallelBands.layout(index.count, minimumBand: 1 << 14, maximumBands: ParallelBands.maximumBands)
        var start = [Int](repeating: 0, count: bands.count * ids.count)
        var memberStart = [Int](repeating: 0, count: ids.count + 1)
        var members: [Int] = []
        slot.withUnsafeBufferPointer { slot in
        componentOf.withUnsafeBufferPointer { componentOf in
        start.withUnsafeMutableBufferPointer { start in
            nonisolated(unsafe) let slot = slot, componentOf = componentOf, start = start
            let count = ids.count
            ParallelBands.run(bands) { b, band in
                for k in band where slot[Int(componentOf[k])] >= 0 { start[b * count + slot[Int(componentOf[k])]] += 1 }
            }
            // Band b's members of component n start after every earlier component's and band b − 1's.
            var total = 0
            for n in 0..<count {
                memberStart[n] = total
                for b in bands.indices {
                    let members = start[b * count + n]
                    start[b * count + n] = total
                    total += members
                }
            }
            memberStart[count] = total
            members = [Int](unsafeUninitializedCapacity: total) { buffer, initialized in
                nonisolated(unsafe) let buffer = buffer
                ParallelBands.run(bands) { b, band in
                    let next = start.baseAddress! + b * count
                    for k in band where slot[Int(componentOf[k])] >= 0 {
                        let n = slot[Int(componentOf[k])]
                        buffer[next[n]] = k
                        next[n] += 1
                    }
                }
                initialized = total
            }
        }}}
        // Components are independent, and so are pieces of one component's maxima search: the
        // maxima of every piece on all cores, then each component's regions on all cores, the
        // largest first; gathered in component order.
        return members.withUnsafeBufferPointer { members in
            // Each component's row table on all cores.
            var made = [ComponentView?](repeating: nil, count: ids.count)
            made.withUnsafeMutableBufferPointer { made in
                nonisolated(unsafe) let made = made, members = members
                let boxes = ids.map { (minX[$0], minY[$0], maxX[$0], maxY[$0]) }, memberStart = memberStart
                ParallelBands.forEachItem(ids.count, scratch: {}) { n, _ in
                    made[n] = ComponentView(member: UnsafeBufferPointer(rebasing: members[memberStart[n]..<memberStart[n + 1]]),
                                            box: boxes[n], index: index, width: width)
                }
            }
            let views = made.map { $0! }
            var pieces: [(component: Int, members: Range<Int>)] = []
            for (n, view) in views.enumerated() {
                for first in stride(from: 0, to: view.member.count, by: Self.searchPiece) {
                    pieces.append((n, first..<min(view.member.count, first + Self.searchPiece)))
                }
            }
            var maxima = [[(value: Float, m: Int)]](repeating: [], count: pieces.count)
            maxima.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out, c = c, z = z
                ParallelBands.forEachItem(pieces.count, scratch: {}) { p, _ in
                    let piece = pieces[p]
                    out[p] = maximaOf(views[piece.component], members: piece.members, contrast: c, significance: z, seed: seed)
                }
            }
            var peaksOf = [[(value: Float, m: Int)]](repeating: [], count: views.count)
            for (p, piece) in pieces.enumerated() { peaksOf[piece.component] += maxima[p] }
            let largestFirst = views.indices.sorted { views[$0].member.count > views[$1].member.count }
            var perComponent = [[Region]](repeating: [], count: views.count)
            perComponent.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out, c = c, z = z, pixels = pixels, sigmaAt = sigmaAt
                ParallelBands.forEachItem(views.count, scratch: { FloodScratch() }) { item, scratch in
                    let n = largestFirst[item]
                    out[n] = regions(views[n], peaks: peaksOf[n], contrast: c, significance: z, seed: seed, pixels: pixels,
                                     sigmaAt: sigmaAt, scratch: scratch)
                }
            }
            return perComponent.flatMap { $0 }
        }
    }

    /// One component to split: its members (candidate numbers, in raster order) and box, and
    /// each row's stretch of the list. No plane the size of the component's box is made (a
    /// bone's box can be most of the film).
    struct ComponentView {
        let member: UnsafeBufferPointer<Int>
        let box: (x0: Int, y0: Int, x1: Int, y1: Int)
        let index: UnsafeBufferPointer<Int>
        let width: Int
        /// Row y's members (film row y0 + y) are member[rowStart[y]..<rowStart[y + 1]].
        let rowStart: [Int]

        init(member: UnsafeBufferPointer<Int>, box: (Int, Int, Int, Int), index: UnsafeBufferPointer<Int>, width: Int) {
            self.member = member
            self.box = box
            self.index = index
            self.width = width
            let y0 = box.1, h = box.3 - box.1 + 1
            var rowStart = [Int](repeating: member.count, count: h + 1)
            // Forward through the members: a row's start is set when its first member comes.
            var y = -1, rowEnd = Int.min
            for (m, k) in member.enumerated() where index[k] >= rowEnd {
                y = index[k] / width - y0
                rowEnd = (y0 + y + 1) * width
                rowStart[y] = m
            }
            for y in stride(from: h - 1, through: 0, by: -1) where rowStart[y] > rowStart[y + 1] { rowStart[y] = rowStart[y + 1] }
            self.rowStart = rowStart
        }

        /// Position in `member` of the pixel (x, y) (film coordinates), or nil.
        func find(_ x: Int, _ y: Int) -> Int? {
            guard y >= box.y0, y <= box.y1, x >= 0, x < width else { return nil }
            let target = y * width + x
            var low = rowStart[y - box.y0], high = rowStart[y - box.y0 + 1]
            while low < high {
                let middle = (low + high) / 2
                if index[member[middle]] < target { low = middle + 1 } else { high = middle }
            }
            return low < rowStart[y - box.y0 + 1] && index[member[low]] == target ? low : nil
        }

        /// The first position in `member` of row y (film coordinates, inside the box) at
        /// column x or later.
        func first(row y: Int, from x: Int) -> Int {
            let first = y * width + x
            var low = rowStart[y - box.y0], high = rowStart[y - box.y0 + 1]
            while low < high {
                let middle = (low + high) / 2
                if index[member[middle]] < first { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// Largest and smallest member contrast in row y from column xa to xb, and how many members
        /// lie there (a binary search for the first, then a walk along the row).
        func span(_ y: Int, _ xa: Int, _ xb: Int, contrast c: UnsafeBufferPointer<Float>) -> (largest: Float, smallest: Float, count: Int) {
            var largest = -Float.infinity, smallest = Float.infinity, count = 0
            guard y >= box.y0, y <= box.y1 else { return (largest, smallest, 0) }
            let last = y * width + min(width - 1, xb)
            var low = first(row: y, from: max(0, xa))
            let end = rowStart[y - box.y0 + 1]
            while low < end && index[member[low]] <= last {
                let v = c[member[low]]
                largest = max(largest, v)
                smallest = min(smallest, v)
                count += 1
                low += 1
            }
            return (largest, smallest, count)
        }
    }

    /// The component's maxima among `members` (positions in its list): over (2·peakRadius + 1)²,
    /// looked for only where the significance reaches the seed (a maximum below it cannot rise
    /// `seed` σ above anything) and the pixel tops its eight neighbours, so the full window is
    /// read for a few pixels of the component only. In list order.
    private func maximaOf(_ view: ComponentView, members: Range<Int>, contrast c: UnsafeBufferPointer<Float>,
                          significance z: UnsafeBufferPointer<Float>, seed: Float) -> [(value: Float, m: Int)] {
        let member = view.member, index = view.index, rowStart = view.rowStart
        let (_, y0, _, y1) = view.box
        let r = peakRadius
        var peaks: [(value: Float, m: Int)] = []
        // The rows above and below are read through cursors that only move forward: the members
        // are in raster order, so for the next member of a row the three pixels above (below) it
        // start at or after where they started for the previous one. No search per pixel.
        var cursorRow = Int.min, above = 0, below = 0
        /// Whether a member of row `y` (at list positions from `cursor` to the row's end) in
        /// columns x−1…x+1 has a contrast above v; moves `cursor` to the first member at x−1 or later.
        func risesAbove(_ v: Float, row y: Int, x: Int, cursor: inout Int) -> Bool {
            guard y >= y0, y <= y1 else { return false }
            let end = rowStart[y - y0 + 1]
            let first = y * width + max(0, x - 1), last = y * width + min(width - 1, x + 1)
            while cursor < end && index[member[cursor]] < first { cursor += 1 }
            var n = cursor
            while n < end && index[member[n]] <= last {
                if c[member[n]] > v { return true }
                n += 1
            }
            return false
        }
        for m in members where z[member[m]] >= seed {
            let k = member[m]
            let x = index[k] % width, y = index[k] / width, v = c[k]
            // Left and right neighbours first: when members, they sit beside it in the list.
            if m > 0 && index[member[m - 1]] == index[k] - 1 && c[member[m - 1]] > v { continue }
            if m + 1 < member.count && index[member[m + 1]] == index[k] + 1 && c[member[m + 1]] > v { continue }
            if y != cursorRow {
                cursorRow = y
                above = y - 1 >= y0 ? rowStart[y - 1 - y0] : 0
                below = y + 1 <= y1 ? rowStart[y + 1 - y0] : 0
            }
            if risesAbove(v, row: y - 1, x: x, cursor: &above) || risesAbove(v, row: y + 1, x: x, cursor: &below) { continue }
            var top = true
            for yy in (y - r)...(y + r) where top && view.span(yy, x - r, x + r, contrast: c).largest > v { top = false }
            if top { peaks.append((v, m)) }
        }
        return peaks
    }

    /// A thread's buffers for `regions`, reused from component to component.
    final class FloodScratch {
        /// Which peak's region took each member (1, 2, …; 0: none yet), `takenCapacity` long.
        var takenBy = UnsafeMutablePointer<Int32>.allocate(capacity: 0), takenCapacity = 0
        /// A peak's window with a border of one cell, `windowCapacity` long: each member's
        /// position in the list (read only where `filled` says a member is), and its state
        /// (`closed`, `open`, `taken`), all `closed` between peaks.
        var member = UnsafeMutablePointer<Int32>.allocate(capacity: 0), state = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
        var windowCapacity = 0

        func reserve(members: Int) {
            guard takenCapacity < members else { return }
            takenBy.deallocate()
            takenBy = .allocate(capacity: members)
            takenCapacity = members
        }

        func reserve(window cells: Int) {
            guard windowCapacity < cells else { return }
            member.deallocate()
            state.deallocate()
            member = .allocate(capacity: cells)
            state = .allocate(capacity: cells)
            state.initialize(repeating: closed, count: cells)
            windowCapacity = cells
        }

        deinit {
            takenBy.deallocate()
            member.deallocate()
            state.deallocate()
        }
    }

    /// A window cell's state in a flood: no member, or one it may not take; a member it may
    /// take; a member it took.
    static let closed: UInt8 = 0, open: UInt8 = 1, taken: UInt8 = 2

    /// The regions of the component's maxima (`peaks`, in list order).
    private func regions(_ view: ComponentView, peaks: [(value: Float, m: Int)], contrast c: UnsafeBufferPointer<Float>,
                         significance z: UnsafeBufferPointer<Float>, seed: Float, pixels: UnsafeBufferPointer<UInt16>,
                         sigmaAt: (Int) -> Float, scratch: FloodScratch) -> [Region] {
        let member = view.member, index = view.index, rowStart = view.rowStart, box = view.box
        let (_, y0, _, y1) = box
        var peaks = peaks
        // Highest first; ties by position, so the result is fixed.
        peaks.sort { $0.value != $1.value ? $0.value > $1.value : $0.m < $1.m }
        scratch.reserve(members: member.count)
        let takenBy = scratch.takenBy
        takenBy.initialize(repeating: 0, count: member.count)
        var flooded: Int32 = 0
        var filled: [Int] = [], stack: [Int] = [], region: [Int] = []
        var regions: [Region] = []
        let f = floorRadius
        for (peakValue, m) in peaks where takenBy[m] == 0 {
            let peakIndex = index[member[m]]
            let px = peakIndex % width, py = peakIndex / width
            // Floor: the smallest member contrast on the square ring at distance f (0 off the component).
            var floor = Float.infinity
            func ring(_ y: Int, _ xa: Int, _ xb: Int) {
                let ring = view.span(y, xa, xb, contrast: c)
                floor = min(floor, ring.smallest)
                if ring.count < xb - xa + 1 { floor = min(floor, 0) }
            }
            ring(py - f, px - f, px + f)
            ring(py + f, px - f, px + f)
            for y in py - f + 1..<py + f {
                ring(y, px - f, px - f)
                ring(y, px + f, px + f)
            }
            guard peakValue - floor >= seed * sigmaAt(peakIndex) else { continue }
            let level = (peakValue + floor) / 2
            // Flood over the component within twice the floor's distance.
            let wx0 = max(box.0, px - 2 * f), wx1 = min(box.2, px + 2 * f)
            let wy0 = max(y0, py - 2 * f), wy1 = min(y1, py + 2 * f)
            let ww = wx1 - wx0 + 1, wh = wy1 - wy0 + 1
            flooded += 1
            takenBy[m] = flooded
            region.removeAll(keepingCapacity: true)
            var size = 0
            if (ww + 2) * (wh + 2) <= Self.windowTableLimit {
                // The window's members and whether each may be taken go into a table filled once
                // per peak (a row's members are one stretch of the list); the flood then reads
                // only that table, whose border of closed cells holds every pixel's eight
                // neighbours. `filled` lists the members' cells in raster order.
                scratch.reserve(window: (ww + 2) * (wh + 2))
                let cells = ww + 2, memberAt = scratch.member, state = scratch.state
                for y in wy0...wy1 {
                    let last = y * width + wx1, end = rowStart[y - y0 + 1]
                    let rowCell = (y - wy0 + 1) * cells + 1 - wx0 - y * width
                    var low = view.first(row: y, from: wx0)
                    while low < end && index[member[low]] <= last {
                        let cell = rowCell + index[member[low]]
                        memberAt[cell] = Int32(low)
                        state[cell] = takenBy[low] == 0 && c[member[low]] >= level ? Self.open : Self.closed
                        filled.append(cell)
                        low += 1
                    }
                }
                let start = (py - wy0 + 1) * cells + px - wx0 + 1
                state[start] = Self.taken
                let neighbours = [-cells - 1, -cells, -cells + 1, -1, 1, cells - 1, cells, cells + 1]
                stack.removeAll(keepingCapacity: true)
                stack.append(start)
                while let q = stack.popLast() {
                    size += 1
                    for d in neighbours where state[q + d] == Self.open {
                        state[q + d] = Self.taken
                        stack.append(q + d)
                    }
                }
                // The region in raster order, from the table (no sort).
                for cell in filled {
                    if state[cell] == Self.taken {
                        takenBy[Int(memberAt[cell])] = flooded
                        region.append(Int(memberAt[cell]))
                    }
                    state[cell] = Self.closed
                }
                filled.removeAll(keepingCapacity: true)
            } else {
                // A window too large to table (a floor radius far beyond the defaults): each
                // neighbour is searched for in the member list.
                stack.removeAll(keepingCapacity: true)
                stack.append(m)
                while let q = stack.popLast() {
                    size += 1
                    region.append(q)
                    let qx = index[member[q]] % width, qy = index[member[q]] / width
                    for ny in max(wy0, qy - 1)...min(wy1, qy + 1) {
                        for nx in max(wx0, qx - 1)...min(wx1, qx + 1) {
                            guard let n = view.find(nx, ny), takenBy[n] == 0, c[member[n]] >= level else { continue }
                            takenBy[n] = flooded
                            stack.append(n)
                        }
                    }
                }
                region.sort()
            }
            guard size >= minimumArea else { continue }
            var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0, sumValue = 0.0, sumContrast = 0.0
            var peak: UInt16 = 0, peakSNR: Float = 0
            var bx0 = Int.max, by0 = Int.max, bx1 = Int.min, by1 = Int.min
            var raster: [Int] = []
            raster.reserveCapacity(region.count)
            for q in region {
                let k = member[q], i = index[k]
                let x = i % width, y = i / width
                raster.append(i)
                sx += Double(x); sy += Double(y)
                sxx += Double(x * x); syy += Double(y * y); sxy += Double(x * y)
                sumValue += Double(pixels[i])
                sumContrast += Double(c[k])
                peak = max(peak, pixels[i])
                peakSNR = max(peakSNR, z[k])
                bx0 = min(bx0, x); bx1 = max(bx1, x); by0 = min(by0, y); by1 = max(by1, y)
            }
            let n = Double(region.count)
            let deposit = Deposit(id: 0, areaPx: region.count, bbox: PixelBox(x: bx0, y: by0, width: bx1 - bx0 + 1, height: by1 - by0 + 1),
                                  centroidX: sx / n, centroidY: sy / n, mean: sumValue / n, peak: Int(peak),
                                  contrast: sumContrast / n, peakSNR: Double(peakSNR))
            regions.append(Region(pixels: raster, deposit: deposit,
                                  elongation: ComponentShape.elongation(n: n, sx: sx, sy: sy, sxx: sxx, syy: syy, sxy: sxy),
                                  peakPixel: peakIndex))
        }
        return regions
    }
}
