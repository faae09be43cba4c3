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
    }

    let width: Int
    let height: Int
    let peakRadius: Int
    let floorRadius: Int
    /// Components whose bounding-box diagonal is at least this are split (pixels).
    let minimumExtent: Double
    let minimumArea: Int

    /// `componentOf[k]` is the component of candidate k (0: none); `sigmaAt` the local noise σ.
    func split(index: UnsafeBufferPointer<Int>, contrast c: UnsafeBufferPointer<Float>, significance z: UnsafeBufferPointer<Float>,
               componentOf: [Int32], components: Int, seed: Float, pixels: UnsafeBufferPointer<UInt16>,
               sigmaAt: (Int) -> Float) -> [Region] {
        guard components > 0 else { return [] }
        // Bounding boxes and member lists of the components to split.
        var minX = [Int](repeating: .max, count: components + 1), maxX = [Int](repeating: .min, count: components + 1)
        var minY = minX, maxY = maxX
        for k in 0..<index.count {
            let id = Int(componentOf[k])
            guard id != 0 else { continue }
            let x = index[k] % width, y = index[k] / width
            minX[id] = min(minX[id], x); maxX[id] = max(maxX[id], x)
            minY[id] = min(minY[id], y); maxY[id] = max(maxY[id], y)
        }
        var members = [[Int]](repeating: [], count: components + 1)
        var splitting = [Bool](repeating: false, count: components + 1)
        for id in 1...components where minX[id] <= maxX[id] {
            let w = Double(maxX[id] - minX[id] + 1), h = Double(maxY[id] - minY[id] + 1)
            splitting[id] = (w * w + h * h).squareRoot() >= minimumExtent
        }
        for k in 0..<index.count where splitting[Int(componentOf[k])] { members[Int(componentOf[k])].append(k) }
        // Components are independent: split concurrently, gathered in component order.
        let ids = (1...components).filter { splitting[$0] }
        var perComponent = [[Region]](repeating: [], count: ids.count)
        perComponent.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out, index = index, c = c, z = z, pixels = pixels
            nonisolated(unsafe) let sigmaAt = sigmaAt
            let members = members
            let boxes = ids.map { (minX[$0], minY[$0], maxX[$0], maxY[$0]) }
            DispatchQueue.concurrentPerform(iterations: ids.count) { n in
                out[n] = splitComponent(members[ids[n]], box: boxes[n], index: index, contrast: c,
                                        significance: z, seed: seed, pixels: pixels, sigmaAt: sigmaAt)
            }
        }
        return perComponent.flatMap { $0 }
    }

    private func splitComponent(_ member: [Int], box: (Int, Int, Int, Int), index: UnsafeBufferPointer<Int>,
                                contrast c: UnsafeBufferPointer<Float>, significance z: UnsafeBufferPointer<Float>,
                                seed: Float, pixels: UnsafeBufferPointer<UInt16>, sigmaAt: (Int) -> Float) -> [Region] {
        let (x0, y0, x1, y1) = box
        let w = x1 - x0 + 1, h = y1 - y0 + 1
        // Dense contrast over the box: −∞ outside the component; and where each member sits.
        var value = [Float](repeating: -.infinity, count: w * h)
        var slot = [Int32](repeating: -1, count: w * h)
        for k in member {
            let i = index[k], p = (i / width - y0) * w + (i % width - x0)
            value[p] = c[k]
            slot[p] = Int32(k)
        }
        // Maxima over (2·peakRadius + 1)², looked for only where the significance reaches the seed
        // (a maximum below it cannot rise `seed` σ above anything) and the pixel tops its eight
        // neighbours, so the full window is read for a few pixels of the component only.
        let r = peakRadius
        var peaks: [(value: Float, p: Int)] = []
        for k in member where z[k] >= seed {
            let i = index[k], x = i % width - x0, y = i / width - y0, v = c[k]
            var top = true
            for yy in max(0, y - 1)...min(h - 1, y + 1) where top {
                for xx in max(0, x - 1)...min(w - 1, x + 1) where value[yy * w + xx] > v { top = false }
            }
            guard top else { continue }
            for yy in max(0, y - r)...min(h - 1, y + r) where top {
                for xx in max(0, x - r)...min(w - 1, x + r) where value[yy * w + xx] > v { top = false }
            }
            if top { peaks.append((v, y * w + x)) }
        }
        // Highest first; ties by position, so the result is fixed.
        peaks.sort { $0.value != $1.value ? $0.value > $1.value : $0.p < $1.p }
        var taken = [Bool](repeating: false, count: w * h)
        var regions: [Region] = []
        let f = floorRadius
        for (peakValue, p) in peaks where !taken[p] {
            let px = p % w, py = p / w
            // Floor: the smallest member contrast on the square ring at distance f (0 off the component).
            var floor = Float.infinity
            for d in [-f, f] {
                for t in -f...f {
                    for (xx, yy) in [(px + t, py + d), (px + d, py + t)] {
                        guard xx >= 0, yy >= 0, xx < w, yy < h, value[yy * w + xx] > -.infinity else { floor = min(floor, 0); continue }
                        floor = min(floor, value[yy * w + xx])
                    }
                }
            }
            let peakIndex = index[Int(slot[p])]
            guard peakValue - floor >= seed * sigmaAt(peakIndex) else { continue }
            let level = (peakValue + floor) / 2
            // Flood over the component within the window.
            var stack = [p], region: [Int] = []
            taken[p] = true
            while let q = stack.popLast() {
                region.append(q)
                let qx = q % w, qy = q / w
                for oy in -1...1 {
                    for ox in -1...1 {
                        let nx = qx + ox, ny = qy + oy
                        guard nx >= 0, ny >= 0, nx < w, ny < h, abs(nx - px) <= 2 * f, abs(ny - py) <= 2 * f else { continue }
                        let n = ny * w + nx
                        if !taken[n] && value[n] >= level {
                            taken[n] = true
                            stack.append(n)
                        }
                    }
                }
            }
            guard region.count >= minimumArea else { continue }
            region.sort()
            var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0, sumValue = 0.0, sumContrast = 0.0
            var peak: UInt16 = 0, peakSNR: Float = 0
            var bx0 = Int.max, by0 = Int.max, bx1 = Int.min, by1 = Int.min
            var raster: [Int] = []
            raster.reserveCapacity(region.count)
            for q in region {
                let k = Int(slot[q]), i = index[k]
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
                                  elongation: ComponentShape.elongation(n: n, sx: sx, sy: sy, sxx: sxx, syy: syy, sxy: sxy)))
        }
        return regions
    }
}
