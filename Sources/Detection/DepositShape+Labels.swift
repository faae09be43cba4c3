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
        let w = mask.width, h = mask.height
        func border(_ x: Int, _ y: Int) -> Bool {
            mask[x, y] && !(mask[x - 1, y] && mask[x + 1, y] && mask[x, y - 1] && mask[x, y + 1])
        }
        var counts = [Int](repeating: 0, count: 50)
        for y in 0..<h {
            for x in 0..<w where border(x, y) {
                var code = 1
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] where border(x + dx, y + dy) { code += 2 }
                for (dx, dy) in [(1, 1), (-1, 1), (1, -1), (-1, -1)] where border(x + dx, y + dy) { code += 10 }
                counts[code] += 1
            }
        }
        var weight = [Double](repeating: 0, count: 50)
        for code in [5, 7, 15, 17, 25, 27] { weight[code] = 1 }
        for code in [21, 33] { weight[code] = 2.0.squareRoot() }
        for code in [13, 23] { weight[code] = (1 + 2.0.squareRoot()) / 2 }
        return zip(counts, weight).reduce(0) { $0 + Double($1.0) * $1.1 }
    }

    /// The convex hull of `feret_diameter_max`'s points, in half pixels (×2, whole numbers, so
    /// every test below is exact) from the mask's top-left pixel centre: the mask's convex hull
    /// image (pixel centres inside or on the hull of the midpoints of its pixels' edges, as
    /// `convex_hull_image` makes it), then the midpoints of the edges between that image and the
    /// outside.
    static func feretPoints(_ mask: BoxMask) -> [ConvexHull.Point] {
        let w = mask.width, h = mask.height
        var edgeMidpoints: [ConvexHull.Point] = []
        for y in 0..<h {
            for x in 0..<w where mask[x, y] {
                let cx = Double(2 * x), cy = Double(2 * y)
                edgeMidpoints += [.init(x: cx + 1, y: cy), .init(x: cx - 1, y: cy), .init(x: cx, y: cy + 1), .init(x: cx, y: cy - 1)]
            }
        }
        let outline = ConvexHull.of(edgeMidpoints)
        guard outline.count > 2 else { return outline }
        // The hull image is convex, so each row and column of it is one run: its ends' outer
        // edge midpoints are all the boundary's.
        var points: [ConvexHull.Point] = []
        var top = [Int](repeating: .max, count: w), bottom = [Int](repeating: .min, count: w)
        for y in 0..<h {
            var first = Int.max, last = Int.min
            for x in 0..<w where ConvexHull.contains(outline, .init(x: Double(2 * x), y: Double(2 * y))) {
                first = min(first, x); last = max(last, x)
                top[x] = min(top[x], y); bottom[x] = max(bottom[x], y)
            }
            if first <= last { points += [.init(x: Double(2 * first - 1), y: Double(2 * y)), .init(x: Double(2 * last + 1), y: Double(2 * y))] }
        }
        for x in 0..<w where top[x] <= bottom[x] {
            points += [.init(x: Double(2 * x), y: Double(2 * top[x] - 1)), .init(x: Double(2 * x), y: Double(2 * bottom[x] + 1))]
        }
        return ConvexHull.of(points)
    }
}

/// The pixels of one deposit on its bounding box, read as false outside the box.
struct BoxMask {
    let width: Int
    let height: Int
    private let bits: [Bool]

    init(labels: UnsafeBufferPointer<Int32>, width filmWidth: Int, id: Int32, box: PixelBox) {
        width = box.width
        height = box.height
        var bits = [Bool](repeating: false, count: box.width * box.height)
        for y in 0..<box.height {
            let row = (box.y + y) * filmWidth + box.x
            for x in 0..<box.width where labels[row + x] == id { bits[y * box.width + x] = true }
        }
        self.bits = bits
    }

    init(mask: [Bool], width: Int, height: Int) {
        self.width = width
        self.height = height
        bits = mask
    }

    subscript(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height && bits[y * width + x]
    }
}
