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

/// 8-connected labelling: two passes with a flat union–find equivalence table.
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

        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                let i = row + x
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
            for x in 0..<width {
                let i = row + x
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
