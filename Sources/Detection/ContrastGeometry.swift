/// Where the eight surround windows of the local contrast lie for one scale: at `distance`
/// along the rows and columns, at `diagonal` (the distance over √2, at least 1) along both
/// diagonals, clamped to the film.
///
/// `surround` clamps every position (film borders); `interiorSurround` is the same arithmetic
/// for columns where no window column can leave the film (`distance ≤ x < width − distance`),
/// written without clamps so that the loop over them vectorises. Both give the same bits.
struct ContrastGeometry {
    let width: Int
    let height: Int
    let distance: Int
    let diagonal: Int

    /// Offsets (in pixels, row × width) of the pixel's row and of the window rows above and below.
    struct Rows {
        let row: Int, above: Int, below: Int, aboveDiagonal: Int, belowDiagonal: Int
    }

    init(width: Int, height: Int, distance d: Int) {
        self.width = width
        self.height = height
        distance = d
        diagonal = max(1, Int((Double(d) / 2.0.squareRoot()).rounded()))
    }

    @inline(__always)
    func rows(_ y: Int) -> Rows {
        Rows(row: y * width, above: max(0, y - distance) * width, below: min(height - 1, y + distance) * width,
             aboveDiagonal: max(0, y - diagonal) * width, belowDiagonal: min(height - 1, y + diagonal) * width)
    }

    /// Blob surround ½·max over axes of (ahead + behind) and ridge surround min over axes of
    /// max(ahead, behind), with clamped window columns.
    @inline(__always)
    func surround(_ m: UnsafeBufferPointer<Float>, rows o: Rows, x: Int) -> (blob: Float, ridge: Float) {
        let left = max(0, x - distance), right = min(width - 1, x + distance)
        let leftDiagonal = max(0, x - diagonal), rightDiagonal = min(width - 1, x + diagonal)
        return combine(l: m[o.row + left], r: m[o.row + right], u: m[o.above + x], b: m[o.below + x],
                       fa: m[o.aboveDiagonal + leftDiagonal], fb: m[o.belowDiagonal + rightDiagonal],
                       ra: m[o.aboveDiagonal + rightDiagonal], rb: m[o.belowDiagonal + leftDiagonal])
    }

    @inline(__always)
    func interiorSurround(_ m: UnsafeBufferPointer<Float>, rows o: Rows, x: Int) -> (blob: Float, ridge: Float) {
        combine(l: m[o.row + x - distance], r: m[o.row + x + distance], u: m[o.above + x], b: m[o.below + x],
                fa: m[o.aboveDiagonal + x - diagonal], fb: m[o.belowDiagonal + x + diagonal],
                ra: m[o.aboveDiagonal + x + diagonal], rb: m[o.belowDiagonal + x - diagonal])
    }

    /// `interiorSurround` for the eight pixels x…x+7.
    @inline(__always)
    func interiorSurround8(_ m: UnsafeBufferPointer<Float>, rows o: Rows, x: Int) -> (blob: SIMD8<Float>, ridge: SIMD8<Float>) {
        let l = Lanes.load(m, o.row + x - distance), r = Lanes.load(m, o.row + x + distance)
        let u = Lanes.load(m, o.above + x), b = Lanes.load(m, o.below + x)
        let fa = Lanes.load(m, o.aboveDiagonal + x - diagonal), fb = Lanes.load(m, o.belowDiagonal + x + diagonal)
        let ra = Lanes.load(m, o.aboveDiagonal + x + diagonal), rb = Lanes.load(m, o.belowDiagonal + x - diagonal)
        let blob = 0.5 * Lanes.max(Lanes.max(l + r, u + b), Lanes.max(fa + fb, ra + rb))
        let ridge = Lanes.min(Lanes.min(Lanes.max(l, r), Lanes.max(u, b)), Lanes.min(Lanes.max(fa, fb), Lanes.max(ra, rb)))
        return (blob, ridge)
    }

    @inline(__always)
    func interiorBlob(_ m: UnsafeBufferPointer<Float>, rows o: Rows, x: Int) -> Float {
        let l = m[o.row + x - distance], r = m[o.row + x + distance], u = m[o.above + x], b = m[o.below + x]
        let fa = m[o.aboveDiagonal + x - diagonal], fb = m[o.belowDiagonal + x + diagonal]
        let ra = m[o.aboveDiagonal + x + diagonal], rb = m[o.belowDiagonal + x - diagonal]
        return 0.5 * max(max(l + r, u + b), max(fa + fb, ra + rb))
    }

    @inline(__always)
    private func combine(l: Float, r: Float, u: Float, b: Float, fa: Float, fb: Float, ra: Float, rb: Float) -> (blob: Float, ridge: Float) {
        (0.5 * max(max(l + r, u + b), max(fa + fb, ra + rb)),
         min(min(max(l, r), max(u, b)), min(max(fa, fb), max(ra, rb))))
    }
}

/// SIMD8<Float> helpers with exactly the scalar semantics the kernels were written with:
/// `max(x, y)` is `y >= x ? y : x` and `min(x, y)` is `y < x ? y : x` (the standard library's
/// definitions), lane by lane, so vector and scalar paths give the same bits, signed zeros included.
enum Lanes {
    @inline(__always)
    static func load(_ p: UnsafeBufferPointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p.baseAddress!).loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
    }
    @inline(__always)
    static func load(_ p: UnsafeMutableBufferPointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p.baseAddress!).loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
    }
    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutableBufferPointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p.baseAddress!).storeBytes(of: v, toByteOffset: i &* 4, as: SIMD8<Float>.self)
    }
    @inline(__always)
    static func max(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: y, where: y .>= x) }
    @inline(__always)
    static func min(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> { x.replacing(with: y, where: y .< x) }
}
