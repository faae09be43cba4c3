/// The display window of a film: from the 0.5th percentile of its values to the 99.5th percentile
/// of the values below the 12-bit ceiling, so air is black, bone bright, and the saturated
/// collimator band and lead marker do not squeeze the anatomy into a few grey levels.
struct FilmWindow: Equatable {
    var low: Int
    var high: Int

    init(_ pixels: [UInt16], ceiling: Int) {
        var histogram = [Int](repeating: 0, count: ceiling + 1)
        for v in pixels { histogram[min(Int(v), ceiling)] += 1 }
        let unsaturated = pixels.count - histogram[ceiling]
        func percentile(_ p: Double, of total: Int) -> Int {
            let target = Int(Double(total) * p)
            var seen = 0
            for (value, count) in histogram.enumerated() {
                seen += count
                if seen > target { return value }
            }
            return ceiling
        }
        low = percentile(0.005, of: pixels.count)
        high = max(percentile(0.995, of: max(unsaturated, 1)), low + 1)
    }

    var center: Double { Double(low + high) / 2 }
    var width: Double { Double(high - low) }

    /// 0…255, linear between `low` and `high`.
    func eightBit(_ pixels: [UInt16]) -> [UInt8] {
        let span = Double(high - low)
        return pixels.map { v in
            let t = (Double(v) - Double(low)) / span * 255
            return UInt8(min(max(t.rounded(), 0), 255))
        }
    }
}
