/// One deposit's outline as polygons along its pixels' edges: vertices on pixel corners, in px
/// with the origin at the top-left corner of the film's top-left pixel (pixel (x, y) is the
/// square from (x, y) to (x + 1, y + 1)), the convention of QuPath and of GeoJSON exports of
/// pixel masks. The polygon's area is the deposit's pixel count exactly.
///
/// The first ring is the outer boundary, counter-clockwise by the numbers (signed area > 0 with
/// x right and y up, RFC 7946's right-hand rule; on a y-down screen it turns clockwise), then
/// one ring per hole, clockwise. Every ring is closed (its first vertex repeated last) and has a
/// vertex only where it turns. A deposit is an 8-connected component: where two of its pixels
/// touch only at a corner, the outer ring passes through that corner twice (it touches itself
/// there), and a hole is a 4-connected background region.
public struct DepositOutline: Sendable, Equatable {
    public var rings: [[SIMD2<Int>]]

    public init(rings: [[SIMD2<Int>]]) {
        self.rings = rings
    }

    /// The outline of the pixels labelled `id` inside `box` (which must hold them all).
    public init(labels: UnsafeBufferPointer<Int32>, width: Int, id: Int32, box: PixelBox) {
        let mask = BoxMask(labels: labels, width: width, id: id, box: box)
        self.init(mask: mask, origin: SIMD2(box.x, box.y))
    }

    /// The outline of the pixels set in a row-major mask (tests).
    public init(mask: [Bool], width: Int, height: Int) {
        self.init(mask: BoxMask(mask: mask, width: width, height: height), origin: .zero)
    }

    /// Twice the signed area of a closed ring (shoelace; > 0 counter-clockwise by the numbers).
    public static func doubleArea(_ ring: [SIMD2<Int>]) -> Int {
        var sum = 0
        for i in 0..<max(ring.count - 1, 0) {
            sum += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y
        }
        return sum
    }

    /// Directions of a pixel edge: right, down, left, up (y down).
    private static let steps = [SIMD2(1, 0), SIMD2(0, 1), SIMD2(-1, 0), SIMD2(0, -1)]

    init(mask: BoxMask, origin: SIMD2<Int>) {
        // Corners of the box, (w + 1) × (h + 1); each holds a bit per direction of a boundary
        // edge leaving it, oriented with the deposit on the right of the walk on a y-down screen
        // (so the outer ring comes out counter-clockwise by the numbers).
        let w = mask.width, h = mask.height, stride = w + 1
        var leaving = [UInt8](repeating: 0, count: stride * (h + 1))
        for y in 0..<h {
            for x in 0..<w where mask[x, y] {
                if !mask[x, y - 1] { leaving[y * stride + x] |= 1 }                // top: rightwards
                if !mask[x + 1, y] { leaving[y * stride + x + 1] |= 2 }            // right: downwards
                if !mask[x, y + 1] { leaving[(y + 1) * stride + x + 1] |= 4 }      // bottom: leftwards
                if !mask[x - 1, y] { leaving[(y + 1) * stride + x] |= 8 }          // left: upwards
            }
        }
        // Each edge's successor is fixed by the edges leaving its end, so a walk from any edge
        // comes back to it; `used` marks the edges walked.
        var used = [UInt8](repeating: 0, count: leaving.count)
        var rings: [[SIMD2<Int>]] = []
        for start in leaving.indices {
            while leaving[start] & ~used[start] != 0 {
                let firstDirection = (leaving[start] & ~used[start]).trailingZeroBitCount
                var corner = start, direction = firstDirection
                var ring: [SIMD2<Int>] = []
                var previous = -1
                repeat {
                    used[corner] |= 1 << direction
                    if direction != previous { ring.append(SIMD2(corner % stride, corner / stride) &+ origin) }
                    previous = direction
                    let next = SIMD2(corner % stride, corner / stride) &+ Self.steps[direction]
                    corner = next.y * stride + next.x
                    // One way on, or two where pixels meet at a corner only: turn left, to the
                    // other pixel (8-connected deposit), rather than around the same one.
                    let out = leaving[corner], left = (direction + 3) % 4
                    direction = out & (1 << left) != 0 ? left : out & (1 << direction) != 0 ? direction : out.trailingZeroBitCount
                } while corner != start || direction != firstDirection
                // A start mid-run is no vertex.
                if previous == firstDirection { ring.removeFirst() }
                ring.append(ring[0])
                rings.append(ring)
            }
        }
        // The outer ring first (the one positive ring of an 8-connected deposit), holes after.
        rings.sort { Self.doubleArea($0) > Self.doubleArea($1) }
        self.rings = rings
    }
}
