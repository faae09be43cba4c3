extension DepositShape {
    /// The shape of the pixels labelled `id` inside `box` (which must hold them all).
    public init(labels: UnsafeBufferPointer<Int32>, width: Int, id: Int32, box: PixelBox) {
        let mask = BoxMask(labels: labels, width: width, id: id, box: box)
        self.init(mask: mask, originX: Double(box.x), originY: Double(box.y))
    }

    /// The shape of the pixels set in a row-major `mask` of `width` × `height` (tests: discs,
    /// rectangles, ellipses drawn by hand).
    public init(mask: [Bool], width: Int, height: Int) {
        precondition(mask.count == width * height)
        self.init(mask: BoxMask(mask: mask, width: width, height: height), originX: 0, originY: 0)
    }

    /// `originX`, `originY`: where the mask's top-left pixel is on the film.
    init(mask: BoxMask, originX: Double, originY: Double) {
        let w = mask.width, h = mask.height
        // Moments in two passes (centroid, then centred sums), as regionprops takes them.
        var n = 0, sx = 0, sy = 0
        for y in 0..<h {
            for x in 0..<w where mask[x, y] {
                n += 1; sx += x; sy += y
            }
        }
        let mx = n > 0 ? Double(sx) / Double(n) : 0, my = n > 0 ? Double(sy) / Double(n) : 0
        var xx = 0.0, yy = 0.0, xy = 0.0
        for y in 0..<h {
            for x in 0..<w where mask[x, y] {
                let dx = Double(x) - mx, dy = Double(y) - my
                xx += dx * dx; yy += dy * dy; xy += dx * dy
            }
        }
        let count = Double(max(n, 1))
        let hull = Self.feretPoints(mask).map { ConvexHull.Point(x: originX + $0.x / 2, y: originY + $0.y / 2) }
        self.init(areaPx: n, perimeterPx: Self.perimeter(mask), varianceX: xx / count, varianceY: yy / count,
                  covarianceXY: xy / count, feretHull: hull)
    }

    /// scikit-image's `perimeter(image, neighborhood=4)`: the border pixels (set, with a
    /// 4-neighbour not set) each coded 1 + 2 × border 4-neighbours + 10 × border diagonal
    /// neighbours, and each code weighted (Benkrid and Crookes' table, as scikit-image has it).
    static func perimeter(_ mask: BoxMask) -> Double {
        let w = mask.width, h = mask.height, stride = mask.stride
        // The border image, with the mask's one-pixel frame of zeros.
        var border = [UInt8](repeating: 0, count: mask.bits.count)
        for y in 0..<h {
            for x in 0..<w where mask[x, y] && !(mask[x - 1, y] && mask[x + 1, y] && mask[x, y - 1] && mask[x, y + 1]) {
                border[(y + 1) * stride + x + 1] = 1
            }
        }
        var counts = [Int](repeating: 0, count: 50)
        for y in 1...max(h, 1) {
            for x in 1...max(w, 1) where border[y * stride + x] != 0 {
                let i = y * stride + x
                let sides = Int(border[i - 1]) + Int(border[i + 1]) + Int(border[i - stride]) + Int(border[i + stride])
                let corners = Int(border[i - stride - 1]) + Int(border[i - stride + 1]) + Int(border[i + stride - 1]) + Int(border[i + stride + 1])
                counts[1 + 2 * sides + 10 * corners] += 1
            }
        }
        let straight = counts[5] + counts[7] + counts[15] + counts[17] + counts[25] + counts[27]
        return Double(straight) + Double(counts[21] + counts[33]) * 2.0.squareRoot()
            + Double(counts[13] + counts[23]) * (1 + 2.0.squareRoot()) / 2
    }

    /// The convex hull of `feret_diameter_max`'s points, in half pixels (×2, whole numbers, so
    /// every test below is exact) from the mask's top-left pixel centre: the mask's convex hull
    /// image (pixel centres inside or on the hull of the midpoints of its pixels' edges, as
    /// `convex_hull_image` makes it), then the midpoints of the edges between that image and the
    /// outside.
    static func feretPoints(_ mask: BoxMask) -> [ConvexHull.Point] {
        let w = mask.width, h = mask.height
        // Each row's first and last pixel and each column's top and bottom one hold every
        // vertex of the hull (scikit-image's `possible_hull`). Every row of the box has a pixel
        // (the deposit is connected); a column may not.
        var first = [Int](repeating: .max, count: h), last = [Int](repeating: .min, count: h)
        var top = [Int](repeating: .max, count: w), bottom = [Int](repeating: .min, count: w)
        for y in 0..<h {
            for x in 0..<w where mask[x, y] {
                first[y] = min(first[y], x); last[y] = max(last[y], x)
                top[x] = min(top[x], y); bottom[x] = max(bottom[x], y)
            }
        }
        var extremes: [ConvexHull.Point] = []
        func addEdgeMidpoints(_ x: Int, _ y: Int) {
            let cx = Double(2 * x), cy = Double(2 * y)
            extremes += [.init(x: cx + 1, y: cy), .init(x: cx - 1, y: cy), .init(x: cx, y: cy + 1), .init(x: cx, y: cy - 1)]
        }
        for y in 0..<h where first[y] <= last[y] { addEdgeMidpoints(first[y], y); addEdgeMidpoints(last[y], y) }
        for x in 0..<w where top[x] <= bottom[x] { addEdgeMidpoints(x, top[x]); addEdgeMidpoints(x, bottom[x]) }
        let outline = ConvexHull.of(extremes)
        guard outline.count > 2 else { return outline }
        // The hull image is convex and holds the mask: each row of it is one run around the
        // mask's, found by stepping outwards; its runs' ends (and each column's) give the
        // boundary's edge midpoints.
        func inside(_ x: Int, _ y: Int) -> Bool { ConvexHull.contains(outline, .init(x: Double(2 * x), y: Double(2 * y))) }
        top = [Int](repeating: .max, count: w)
        bottom = [Int](repeating: .min, count: w)
        var points: [ConvexHull.Point] = []
        for y in 0..<h where first[y] <= last[y] {
            var a = first[y], b = last[y]
            while a > 0 && inside(a - 1, y) { a -= 1 }
            while b < w - 1 && inside(b + 1, y) { b += 1 }
            points += [.init(x: Double(2 * a - 1), y: Double(2 * y)), .init(x: Double(2 * b + 1), y: Double(2 * y))]
            for x in a...b { top[x] = min(top[x], y); bottom[x] = max(bottom[x], y) }
        }
        for x in 0..<w where top[x] <= bottom[x] {
            points += [.init(x: Double(2 * x), y: Double(2 * top[x] - 1)), .init(x: Double(2 * x), y: Double(2 * bottom[x] + 1))]
        }
        return ConvexHull.of(points)
    }
}

/// The pixels of one deposit on its bounding box, framed by one pixel of background on every
/// side, so that a neighbour of any pixel of the box can be read without a range test.
struct BoxMask {
    let width: Int
    let height: Int
    /// `width + 2`: a row of `bits`.
    let stride: Int
    /// 1 where the deposit is, row-major, frame included.
    let bits: [UInt8]

    init(labels: UnsafeBufferPointer<Int32>, width filmWidth: Int, id: Int32, box: PixelBox) {
        width = box.width
        height = box.height
        stride = box.width + 2
        var bits = [UInt8](repeating: 0, count: stride * (box.height + 2))
        for y in 0..<box.height {
            let row = (box.y + y) * filmWidth + box.x, out = (y + 1) * stride + 1
            for x in 0..<box.width where labels[row + x] == id { bits[out + x] = 1 }
        }
        self.bits = bits
    }

    init(mask: [Bool], width: Int, height: Int) {
        self.width = width
        self.height = height
        stride = width + 2
        var bits = [UInt8](repeating: 0, count: stride * (height + 2))
        for y in 0..<height {
            for x in 0..<width where mask[y * width + x] { bits[(y + 1) * stride + x + 1] = 1 }
        }
        self.bits = bits
    }

    /// Whether pixel (x, y) of the box is the deposit's; −1 and `width` / `height` read the frame.
    @inline(__always)
    subscript(x: Int, y: Int) -> Bool {
        bits[(y + 1) * stride + x + 1] != 0
    }
}
