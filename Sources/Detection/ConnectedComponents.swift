/// What a labelling pass accumulates per component, one pixel at a time.
///
/// The labeller is generic over it, so the per-pixel call is specialised and inlined at
/// compile time (no dynamic dispatch, no closure per pixel), the way OpenCV's labelling takes a
/// statistics visitor.
protocol ComponentStatistics {
    /// Called once before the pass with the number of components (ids 1…count).
    mutating func prepare(count: Int)
    /// Called for every labelled pixel, in raster order.
    mutating func add(label: Int, x: Int, y: Int, index: Int)
}

/// 8-connected labelling: two passes with a flat union–find equivalence table. Both passes skip
/// empty stretches eight pixels at a time (a deposit mask is mostly empty). Serial: the bands
/// with a border merge that DESIGN.md describes are not done (labelling is ~2 % of a film's time).
///
/// Final ids run 1…count in the raster order of each component's first pixel, which makes them
/// a function of the mask alone.
enum ConnectedComponents {
    /// Labels the non-zero pixels of `mask` into `labels` and feeds every labelled pixel to
    /// `statistics`. Returns the number of components.
    static func label<Statistics: ComponentStatistics>(
        mask: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
        labels: UnsafeMutableBufferPointer<Int32>, statistics: inout Statistics
    ) -> Int {
        var parent: [Int32] = [0]
        func find(_ a: Int32) -> Int32 {
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
        func union(_ a: Int32, _ b: Int32) -> Int32 {
            let ra = find(a), rb = find(b)
            if ra == rb { return ra }
            // The smaller provisional id becomes the root, so roots keep raster order.
            if ra < rb {
                parent[Int(rb)] = ra
                return ra
            }
            parent[Int(ra)] = rb
            return rb
        }

        guard width > 0, height > 0 else {
            statistics.prepare(count: 0)
            return 0
        }
        let maskBase = UnsafeRawPointer(mask.baseAddress!)
        let labelBase = UnsafeMutableRawPointer(labels.baseAddress!)
        for y in 0..<height {
            let row = y * width
            var x = 0
            while x < width {
                let i = row + x
                // Sparse masks: eight empty pixels are skipped as one word (labels set to 0).
                if x + 8 <= width && maskBase.loadUnaligned(fromByteOffset: i, as: UInt64.self) == 0 {
                    labelBase.storeBytes(of: SIMD8<Int32>(), toByteOffset: i &* 4, as: SIMD8<Int32>.self)
                    x += 8
                    continue
                }
                defer { x += 1 }
                guard mask[i] != 0 else {
                    labels[i] = 0
                    continue
                }
                var current: Int32 = 0
                if x > 0, labels[i - 1] != 0 { current = labels[i - 1] }
                if y > 0 {
                    let up = i - width
                    let northWest = x > 0 ? labels[up - 1] : 0
                    let north = labels[up]
                    let northEast = x + 1 < width ? labels[up + 1] : 0
                    if northWest != 0 { current = current == 0 ? northWest : union(current, northWest) }
                    if north != 0 { current = current == 0 ? north : union(current, north) }
                    if northEast != 0 { current = current == 0 ? northEast : union(current, northEast) }
                }
                if current == 0 {
                    current = Int32(parent.count)
                    parent.append(current)
                }
                labels[i] = current
            }
        }

        // Flatten: provisional → consecutive final ids in order of the roots' creation.
        var final = [Int32](repeating: 0, count: parent.count)
        var count: Int32 = 0
        for provisional in 1..<parent.count {
            let root = find(Int32(provisional))
            if root == Int32(provisional) {
                count += 1
                final[provisional] = count
            } else {
                final[provisional] = final[Int(root)]
            }
        }
        statistics.prepare(count: Int(count))
        for y in 0..<height {
            let row = y * width
            var x = 0
            while x < width {
                let i = row + x
                if x + 8 <= width && labelBase.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Int32>.self) == SIMD8<Int32>() {
                    x += 8
                    continue
                }
                defer { x += 1 }
                let provisional = labels[i]
                guard provisional != 0 else { continue }
                let id = final[Int(provisional)]
                labels[i] = id
                statistics.add(label: Int(id), x: x, y: y, index: i)
            }
        }
        return Int(count)
    }
}
