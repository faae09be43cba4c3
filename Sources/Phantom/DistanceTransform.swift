/// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): for every pixel the
/// distance in pixels to the nearest feature pixel, in two passes of a 1-D lower envelope of
/// parabolas, linear in the pixel count.
///
/// The planter uses it to keep deposits 2 mm away from bone, air and the collimated band with one
/// lookup per pixel instead of a search.
enum DistanceTransform {
    /// Distances (pixels) to the nearest pixel where `isFeature` is true; a film without any
    /// feature gets a large value (1e6) everywhere.
    static func distances(width: Int, height: Int, isFeature: [Bool]) -> [Float] {
        precondition(isFeature.count == width * height)
        let far = 1e12
        var squared = isFeature.map { $0 ? 0.0 : far }
        let longest = max(width, height)
        var line = [Double](repeating: 0, count: longest)
        var result = [Double](repeating: 0, count: longest)
        var vertices = [Int](repeating: 0, count: longest)
        var bounds = [Double](repeating: 0, count: longest + 1)
        squared.withUnsafeMutableBufferPointer { sq in
            for x in 0..<width {
                for y in 0..<height { line[y] = sq[y * width + x] }
                envelope(line, count: height, into: &result, vertices: &vertices, bounds: &bounds)
                for y in 0..<height { sq[y * width + x] = result[y] }
            }
            for y in 0..<height {
                for x in 0..<width { line[x] = sq[y * width + x] }
                envelope(line, count: width, into: &result, vertices: &vertices, bounds: &bounds)
                for x in 0..<width { sq[y * width + x] = result[x] }
            }
        }
        return squared.map { $0 >= far / 2 ? 1e6 : Float($0.squareRoot()) }
    }

    /// 1-D squared distance: result[q] = min_p (q − p)² + f[p].
    private static func envelope(_ f: [Double], count n: Int, into result: inout [Double],
                                 vertices v: inout [Int], bounds z: inout [Double]) {
        var k = 0
        v[0] = 0
        z[0] = -.infinity
        z[1] = .infinity
        if n > 1 {
            for q in 1..<n {
                var s = 0.0
                while true {
                    let p = v[k]
                    s = ((f[q] + Double(q * q)) - (f[p] + Double(p * p))) / Double(2 * q - 2 * p)
                    // z[0] is −∞, so the search always stops at the first parabola.
                    if s <= z[k] { k -= 1 } else { break }
                }
                k += 1
                v[k] = q
                z[k] = s
                z[k + 1] = .infinity
            }
        }
        k = 0
        for q in 0..<n {
            while z[k + 1] < Double(q) { k += 1 }
            let d = Double(q - v[k])
            result[q] = d * d + f[v[k]]
        }
    }
}
