/// Medians of eight groups of values at once: one group per lane of `SIMD8<Float>`, sorted by a
/// sorting network.
///
/// The noise map takes a median of the same number of values for every interior cell (49 for a
/// 7-pixel cell) and then a median over the 5×5 cells around each. One at a time, each median is
/// a selection full of data-dependent branches; eight neighbouring cells share the shape of their
/// problem, so a fixed sequence of compare-exchanges (`Lanes.min`/`Lanes.max` over the
/// eight lanes) sorts all eight together without a branch. The network is Batcher's odd–even
/// merge sort for the next power of two, as if the padding held +∞ (the compare-exchanges with
/// the padding are resolved once, when the network is built), and pruned backwards to the
/// compare-exchanges that can move a value into the middle position(s).
///
/// The result has the same bits as `RobustStatistics.smallMedian` on each lane's values: a median is one
/// of the values (or the same `0.5 * (lower + upper)` of the two middle ones for an even count),
/// and a sorting network only moves values. Values must not be NaN (the noise residuals and
/// their cell estimates are finite).
struct LaneMedian {
    /// Values per lane.
    let count: Int
    /// The network's width: `count` rounded up to a power of two.
    let size: Int
    /// Compare-exchange pairs (a, b) of vectors, flattened: the minimum goes to a.
    private let pairs: [Int32]
    /// The vectors that end up holding the lower and upper middle positions (the same one for
    /// an odd count).
    private let middle: (lower: Int, upper: Int)
    /// Compare-exchanges left after pruning.
    var comparatorCount: Int { pairs.count / 2 }

    init(count: Int) {
        precondition(count > 0)
        self.count = count
        var size = 1
        while size < count { size *= 2 }
        self.size = size
        // Batcher's odd–even merge sort: for each merge size p, compare elements k apart within
        // blocks of 2p, for k = p, p/2, …, 1.
        var all: [(Int, Int)] = []
        var p = 1
        while p < size {
            var k = p
            while k >= 1 {
                var j = k % p
                while j + k < size {
                    for i in 0..<min(k, size - j - k) where (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        all.append((i + j, i + j + k))
                    }
                    j += 2 * k
                }
                k /= 2
            }
            p *= 2
        }
        // The padding is +∞, so a compare-exchange with +∞ at b does nothing and one with +∞ at
        // a only swaps: both are done here, once, by renaming which vector holds each position,
        // and the network compares real values only (never reading past `count`).
        var slot = Array(0..<size)
        var real: [(Int, Int)] = []
        for (a, b) in all where slot[b] < count {
            if slot[a] >= count {
                slot.swapAt(a, b)
            } else {
                real.append((slot[a], slot[b]))
            }
        }
        let upper = slot[count / 2], lower = slot[count % 2 == 0 ? count / 2 - 1 : count / 2]
        // Keep only what can reach the middle position(s), walking backwards from them.
        var needed = [Bool](repeating: false, count: size)
        needed[upper] = true
        needed[lower] = true
        var kept: [(Int, Int)] = []
        for (a, b) in real.reversed() where needed[a] || needed[b] {
            needed[a] = true
            needed[b] = true
            kept.append((a, b))
        }
        pairs = kept.reversed().flatMap { [Int32($0.0), Int32($0.1)] }
        middle = (lower, upper)
    }

    /// The medians of the eight lanes of `v[0..<count]` (the vectors from `count` on are not
    /// read). Reorders `v`.
    @inline(__always)
    func median(_ v: UnsafeMutablePointer<SIMD8<Float>>) -> SIMD8<Float> {
        pairs.withUnsafeBufferPointer { pairs in
            var c = 0
            while c < pairs.count {
                let a = Int(pairs[c]), b = Int(pairs[c + 1])
                let x = v[a], y = v[b]
                // `Lanes` min and max: the standard library's pointwise ones do not vectorise.
                v[a] = Lanes.min(x, y)
                v[b] = Lanes.max(x, y)
                c += 2
            }
        }
        let upper = v[middle.upper]
        return count % 2 == 1 ? upper : 0.5 * (v[middle.lower] + upper)
    }
}
