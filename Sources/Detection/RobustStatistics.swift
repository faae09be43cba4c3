/// The robust statistics of the detector, in one place: medians and order statistics by
/// selection, the MAD estimate of σ, and Otsu's threshold. (`LaneMedian` is the SIMD kernel that
/// takes eight 5×5 medians at once with the same bits as `smallMedian`.)
///
/// - Median by quickselect (Hoare, "Algorithm 65: Find", CACM 1961) with a median-of-three pivot
///   and a sort fallback, so that crafted values cannot make it quadratic.
/// - σ from the median absolute deviation: σ ≈ 1.4826 · MAD for Gaussian data (Hampel 1974;
///   1.4826 = 1 / Φ⁻¹(3/4)).
/// - Otsu's threshold: the split of a histogram that maximises the between-class variance (Otsu,
///   "A threshold selection method from gray-level histograms", IEEE SMC 1979).
enum RobustStatistics {
    /// σ of Gaussian data per unit of median absolute deviation: 1 / Φ⁻¹(0.75).
    static let gaussianSigmaPerMAD: Float = 1.4826

    /// The median of `values` and the robust σ around it (`gaussianSigmaPerMAD` × MAD); reorders
    /// and overwrites the values (they end as absolute deviations). Needs at least one value.
    static func medianAndSigma(_ values: UnsafeMutableBufferPointer<Float>) -> (median: Float, sigma: Float) {
        let middle = median(values)
        for i in values.indices { values[i] = abs(values[i] - middle) }
        return (middle, gaussianSigmaPerMAD * median(values))
    }

    /// `medianAndSigma` of an array (overwritten the same way).
    static func medianAndSigma(_ values: inout [Float]) -> (median: Float, sigma: Float) {
        values.withUnsafeMutableBufferPointer { medianAndSigma($0) }
    }

    /// Median of the first `count` values (reorders them).
    static func median(_ values: inout [Float], count: Int) -> Float {
        values.withUnsafeMutableBufferPointer { median(UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Median of a buffer (reorders it); the mean of the two middle values for an even count.
    ///
    /// Selection, not a sort: the median is a value, so any method that finds the k-th smallest
    /// gives the same bits as sorting, at a fraction of the cost (the clutter σ takes two medians
    /// of ~10⁶ values). Small buffers use an insertion
    /// sort; large ones quickselect with a median-of-three pivot that falls back to a full sort
    /// after 2·log₂(n) rounds, so crafted values cannot make it quadratic.
    static func median(_ buffer: UnsafeMutableBufferPointer<Float>) -> Float {
        let count = buffer.count
        precondition(count > 0)
        let k = count / 2
        let upper = select(buffer, k)
        guard count % 2 == 0 else { return upper }
        // Everything before k is ≤ the k-th value after selection: the (k−1)-th is their maximum.
        var lower = buffer[0]
        for i in 1..<k { lower = max(lower, buffer[i]) }
        return 0.5 * (lower + upper)
    }

    /// Median of a few values (the noise map's cells and 5×5 windows at the film's border, where
    /// `LaneMedian` cannot take eight alike), without reordering them.
    ///
    /// Each value's rank is counted against all the others with branch-free comparisons, which
    /// vectorise; a sort or a selection over ~50 values is dominated by mispredicted branches.
    /// The k-th smallest is the value with (number smaller) ≤ k < (number smaller or equal), so
    /// the result has the same bits as sorting and taking the middle (and the mean of the two
    /// middle values for an even count). Quadratic: for small counts only.
    static func smallMedian(_ v: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        precondition(n > 0)
        guard n <= 64 else { return median(UnsafeMutableBufferPointer(start: v, count: n)) }
        let vectors = (n + 7) / 8
        return withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: vectors) { lanes in
            // Padding lanes hold +∞: never smaller than, nor equal to, a finite value.
            for c in 0..<vectors {
                var chunk = SIMD8<Float>(repeating: .infinity)
                for l in 0..<min(8, n - c * 8) { chunk[l] = v[c * 8 + l] }
                lanes[c] = chunk
            }
            // Ranks of eight candidates at once: each value is compared with all eight.
            func kth(_ k: Int) -> Float {
                let target = SIMD8<Int32>(repeating: Int32(k))
                for c in 0..<vectors {
                    let candidates = lanes[c]
                    var less = SIMD8<Int32>(), lessOrEqual = SIMD8<Int32>()
                    for j in 0..<n {
                        let value = SIMD8<Float>(repeating: v[j])
                        less &+= SIMD8<Int32>().replacing(with: 1, where: value .< candidates)
                        lessOrEqual &+= SIMD8<Int32>().replacing(with: 1, where: value .<= candidates)
                    }
                    let hit = (less .<= target) .& (target .< lessOrEqual)
                    if any(hit) {
                        for l in 0..<8 where hit[l] { return candidates[l] }
                    }
                }
                return v[0]    // unreachable for values without NaN
            }
            let upper = kth(n / 2)
            return n % 2 == 1 ? upper : 0.5 * (kth(n / 2 - 1) + upper)
        }
    }

    /// Rearranges `b` so that `b[k]` is its k-th smallest value, with everything before it ≤ it
    /// and everything after it ≥ it; returns `b[k]`.
    static func select(_ b: UnsafeMutableBufferPointer<Float>, _ k: Int) -> Float {
        var lo = 0, hi = b.count - 1
        var rounds = 0, limit = 2 * (Int.bitWidth - b.count.leadingZeroBitCount) + 4
        while hi - lo >= 24 {
            rounds += 1
            if rounds > limit {
                var rest = UnsafeMutableBufferPointer(rebasing: b[lo...hi])
                rest.sort()
                return b[k]
            }
            // Median of three as pivot, moved to lo.
            let mid = lo + (hi - lo) / 2
            if b[mid] < b[lo] { b.swapAt(mid, lo) }
            if b[hi] < b[lo] { b.swapAt(hi, lo) }
            if b[hi] < b[mid] { b.swapAt(hi, mid) }
            b.swapAt(lo, mid)
            let pivot = b[lo]
            // Hoare partition of lo+1...hi around the pivot.
            var i = lo + 1, j = hi
            while true {
                while i <= j && b[i] < pivot { i += 1 }
                while i <= j && b[j] > pivot { j -= 1 }
                if i >= j { break }
                b.swapAt(i, j)
                i += 1
                j -= 1
            }
            b.swapAt(lo, j)
            if j == k { return pivot }
            if k < j { hi = j - 1 } else { lo = j + 1 }
        }
        // Insertion sort of the small remaining range.
        if hi > lo {
            for i in (lo + 1)...hi {
                let v = b[i]
                var j = i - 1
                while j >= lo && b[j] > v {
                    b[j + 1] = b[j]
                    j -= 1
                }
                b[j + 1] = v
            }
        }
        return b[k]
    }

    /// Otsu's threshold over 256 bins between the smallest and largest value, with its
    /// effectiveness η (between-class variance over total variance, 0…1).
    static func otsu(_ values: [Float]) -> (threshold: Float, effectiveness: Double) {
        guard let lo = values.min(), let hi = values.max(), hi > lo else { return (values.first ?? 0, 0) }
        var histogram = [Double](repeating: 0, count: 256)
        let scale = 255 / (hi - lo)
        for v in values { histogram[Int((v - lo) * scale)] += 1 }
        let total = Double(values.count)
        let sumAll = histogram.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        let meanAll = sumAll / total
        let varianceAll = histogram.enumerated().reduce(0) { $0 + $1.element * (Double($1.offset) - meanAll) * (Double($1.offset) - meanAll) } / total
        var weightBelow = 0.0, sumBelow = 0.0, best = -1.0, bestBin = 0
        for bin in 0..<255 {
            weightBelow += histogram[bin]
            sumBelow += Double(bin) * histogram[bin]
            let weightAbove = total - weightBelow
            guard weightBelow > 0, weightAbove > 0 else { continue }
            let difference = sumBelow / weightBelow - (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * difference * difference
            if between > best {
                best = between
                bestBin = bin
            }
        }
        let effectiveness = varianceAll > 0 ? best / (total * total) / varianceAll : 0
        return (lo + (Float(bestBin) + 1) / scale, effectiveness)
    }

    /// Share of `sorted` below `value`.
    static func rank(of value: Float, in sorted: [Float]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return Double(low) / Double(sorted.count)
    }
}
