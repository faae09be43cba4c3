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
    /// Largest flood window (pixels) whose members are tabled; a larger one (a floor radius far
    /// beyond the defaults) is searched in the list instead. 4 MiB of Int32.
    static let windowTableLimit = 1 << 20

    /// `componentOf[k]` is the component of candidate k (0: none); `sigmaAt` the local noise σ.
    func split(index: UnsafeBufferPointer<Int>, contrast c: UnsafeBufferPointer<Float>, significance z: UnsafeBufferPointer<Float>,
               componentOf: [Int32], components: Int, seed: Float, pixels: UnsafeBufferPointer<UInt16>,
               sigmaAt: (Int) -> Float) -> [Region] {
        guard components > 0 else { return [] }
        // Bounding boxes and member lists of the components to split (through pointers: these
        // loops run over every candidate pixel, before the components go in parallel).
        var minX = [Int](repeating: .max, count: components + 1), maxX = [Int](repeating: .min, count: components + 1)
        var minY = minX, maxY = maxX
        minX.withUnsafeMutableBufferPointer { minX in
        maxX.withUnsafeMutableBufferPointer { maxX in
        minY.withUnsafeMutableBufferPointer { minY in
        maxY.withUnsafeMutableBufferPointer { maxY in
            for k in 0..<index.count {
                let id = Int(componentOf[k])
                guard id != 0 else { continue }
                let x = index[k] % width, y = index[k] / width
                minX[id] = min(minX[id], x); maxX[id] = max(maxX[id], x)
                minY[id] = min(minY[id], y); maxY[id] = max(maxY[id], y)
            }
        }}}}
        var splitting = [Bool](repeating: false, count: components + 1)
        for id in 1...components where minX[id] <= maxX[id] {
            let w = Double(maxX[id] - minX[id] + 1), h = Double(maxY[id] - minY[id] + 1)
            splitting[id] = (w * w + h * h).squareRoot() >= minimumExtent
        }
        // The members of the components to split, in one list: component id's (in raster
        // order) at memberStart[id]..<memberStart[id + 1], counted first, so nothing grows.
        var memberStart = [Int](repeating: 0, count: components + 2)
        var members: [Int] = []
        splitting.withUnsafeBufferPointer { splitting in
            memberStart.withUnsafeMutableBufferPointer { memberStart in
                for k in 0..<index.count where splitting[Int(componentOf[k])] { memberStart[Int(componentOf[k]) + 1] += 1 }
                for id in 0...components { memberStart[id + 1] += memberStart[id] }
                members = [Int](repeating: 0, count: memberStart[components + 1])
                var next = Array(memberStart)
                members.withUnsafeMutableBufferPointer { members in
                    next.withUnsafeMutableBufferPointer { next in
                        for k in 0..<index.count where splitting[Int(componentOf[k])] {
                            let id = Int(componentOf[k])
                            members[next[id]] = k
                            next[id] += 1
                        }
                    }
                }
            }
        }
        // Components are independent: split concurrently, gathered in component order.
        let ids = (1...components).filter { splitting[$0] }
        var perComponent = [[Region]](repeating: [], count: ids.count)
        perComponent.withUnsafeMutableBufferPointer { out in
            members.withUnsafeBufferPointer { members in
                nonisolated(unsafe) let out = out, index = index, c = c, z = z, pixels = pixels, members = members
                nonisolated(unsafe) let sigmaAt = sigmaAt
                let boxes = ids.map { (minX[$0], minY[$0], maxX[$0], maxY[$0]) }
                let memberStart = memberStart
                DispatchQueue.concurrentPerform(iterations: ids.count) { n in
                    let id = ids[n]
                    let member = UnsafeBufferPointer(rebasing: members[memberStart[id]..<memberStart[id + 1]])
                    out[n] = splitComponent(member, box: boxes[n], index: index, contrast: c,
                                            significance: z, seed: seed, pixels: pixels, sigmaAt: sigmaAt)
                }
            }
        }
        return perComponent.flatMap { $0 }
    }

    private func splitComponent(_ member: UnsafeBufferPointer<Int>, box: (Int, Int, Int, Int), index: UnsafeBufferPointer<Int>,
                                contrast c: UnsafeBufferPointer<Float>, significance z: UnsafeBufferPointer<Float>,
                                seed: Float, pixels: UnsafeBufferPointer<UInt16>, sigmaAt: (Int) -> Float) -> [Region] {
        let (_, y0, _, y1) = box
        let h = y1 - y0 + 1
        // The members are in raster order: each row's members are one stretch of the list, found
        // through `rowStart`, and a pixel's member by binary search within its row. No plane the
        // size of the component's box is made (a bone's box can be most of the film).
        var rowStart = [Int](repeating: member.count, count: h + 1)
        for (m, k) in member.enumerated().reversed() { rowStart[index[k] / width - y0] = m }
        for y in stride(from: h - 1, through: 0, by: -1) where rowStart[y] > rowStart[y + 1] { rowStart[y] = rowStart[y + 1] }
        /// Position in `member` of the pixel (x, y) (film coordinates), or nil.
        func find(_ x: Int, _ y: Int) -> Int? {
            guard y >= y0, y <= y1, x >= 0, x < width else { return nil }
            let target = y * width + x
            var low = rowStart[y - y0], high = rowStart[y - y0 + 1]
            while low < high {
                let middle = (low + high) / 2
                if index[member[middle]] < target { low = middle + 1 } else { high = middle }
            }
            return low < rowStart[y - y0 + 1] && index[member[low]] == target ? low : nil
        }
        /// Largest and smallest member contrast in row y from column xa to xb, and how many members
        /// lie there (a binary search for the first, then a walk along the row).
        func span(_ y: Int, _ xa: Int, _ xb: Int) -> (largest: Float, smallest: Float, count: Int) {
            var largest = -Float.infinity, smallest = Float.infinity, count = 0
            guard y >= y0, y <= y1 else { return (largest, smallest, 0) }
            let first = y * width + max(0, xa), last = y * width + min(width - 1, xb)
            var low = rowStart[y - y0]
            let end = rowStart[y - y0 + 1]
            var high = end
            while low < high {
                let middle = (low + high) / 2
                if index[member[middle]] < first { low = middle + 1 } else { high = middle }
            }
            while low < end && index[member[low]] <= last {
                let v = c[member[low]]
                largest = max(largest, v)
                smallest = min(smallest, v)
                count += 1
                low += 1
            }
            return (largest, smallest, count)
        }

        // Maxima over (2·peakRadius + 1)², looked for only where the significance reaches the seed
        // (a maximum below it cannot rise `seed` σ above anything) and the pixel tops its eight
        // neighbours, so the full window is read for a few pixels of the component only.
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
        for (m, k) in member.enumerated() where z[k] >= seed {
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
            for yy in (y - r)...(y + r) where top && span(yy, x - r, x + r).largest > v { top = false }
            if top { peaks.append((v, m)) }
        }
        // Highest first; ties by position, so the result is fixed.
        peaks.sort { $0.value != $1.value ? $0.value > $1.value : $0.m < $1.m }
        // Which peak's region took each member (1, 2, …; 0: none yet).
        let takenBy = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, member.count))
        takenBy.initialize(repeating: 0, count: member.count)
        defer { takenBy.deallocate() }
        var flooded: Int32 = 0
        // The flood's member table: all −1 between peaks. A peak sets the entries of its window's
        // members and resets just those afterwards (`filled`), not the whole window.
        var window = UnsafeMutablePointer<Int32>.allocate(capacity: 0), windowCapacity = 0
        var filled: [Int] = []
        defer { window.deallocate() }
        var stack: [Int] = [], region: [Int] = []
        var regions: [Region] = []
        let f = floorRadius
        for (peakValue, m) in peaks where takenBy[m] == 0 {
            let peakIndex = index[member[m]]
            let px = peakIndex % width, py = peakIndex / width
            // Floor: the smallest member contrast on the square ring at distance f (0 off the component).
            var floor = Float.infinity
            for (y, xa, xb) in [(py - f, px - f, px + f), (py + f, px - f, px + f)] + (py - f + 1..<py + f).flatMap({ [($0, px - f, px - f), ($0, px + f, px + f)] }) {
                let ring = span(y, xa, xb)
                floor = min(floor, ring.smallest)
                if ring.count < xb - xa + 1 { floor = min(floor, 0) }
            }
            guard peakValue - floor >= seed * sigmaAt(peakIndex) else { continue }
            let level = (peakValue + floor) / 2
            // Flood over the component within twice the floor's distance. The window's members
            // are looked up in a small table filled once per peak (a row's members are one
            // stretch of the list), not searched for at each of a pixel's eight neighbours.
            let wx0 = max(box.0, px - 2 * f), wx1 = min(box.2, px + 2 * f)
            let wy0 = max(y0, py - 2 * f), wy1 = min(y1, py + 2 * f)
            let ww = wx1 - wx0 + 1, wh = wy1 - wy0 + 1
            let tabled = ww * wh <= Self.windowTableLimit
            if tabled {
                if windowCapacity < ww * wh {
                    window.deallocate()
                    window = UnsafeMutablePointer<Int32>.allocate(capacity: ww * wh)
                    window.initialize(repeating: -1, count: ww * wh)
                    windowCapacity = ww * wh
                }
                for y in wy0...wy1 {
                    let first = y * width + wx0, last = y * width + wx1
                    var low = rowStart[y - y0], high = rowStart[y - y0 + 1]
                    let end = high
                    while low < high {
                        let middle = (low + high) / 2
                        if index[member[middle]] < first { low = middle + 1 } else { high = middle }
                    }
                    while low < end && index[member[low]] <= last {
                        let n = (y - wy0) * ww + index[member[low]] - y * width - wx0
                        window[n] = Int32(low)
                        filled.append(n)
                        low += 1
                    }
                }
            }
            let table = window
            /// Position in `member` of the window's pixel (x, y), or nil.
            @inline(__always) func windowMember(_ x: Int, _ y: Int) -> Int? {
                guard x >= wx0, x <= wx1, y >= wy0, y <= wy1 else { return nil }
                guard tabled else { return find(x, y) }
                let n = table[(y - wy0) * ww + x - wx0]
                return n < 0 ? nil : Int(n)
            }
            stack.removeAll(keepingCapacity: true)
            region.removeAll(keepingCapacity: true)
            flooded += 1
            stack.append(m)
            takenBy[m] = flooded
            var size = 0
            while let q = stack.popLast() {
                size += 1
                if !tabled { region.append(q) }
                let qx = index[member[q]] % width, qy = index[member[q]] / width
                for oy in -1...1 {
                    for ox in -1...1 {
                        let nx = qx + ox, ny = qy + oy
                        guard let n = windowMember(nx, ny) else { continue }
                        if takenBy[n] == 0 && c[member[n]] >= level {
                            takenBy[n] = flooded
                            stack.append(n)
                        }
                    }
                }
            }
            // The region in raster order: from the table, whose entries were filled in raster order
            // (no sort), else sorted.
            if tabled && size >= minimumArea {
                for n in filled where takenBy[Int(window[n])] == flooded { region.append(Int(window[n])) }
            }
            for n in filled { window[n] = -1 }
            filled.removeAll(keepingCapacity: true)
            guard size >= minimumArea else { continue }
            if !tabled { region.sort() }
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
