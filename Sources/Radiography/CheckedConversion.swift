/// The one way a `Double` from a header, a user or a division by a spacing becomes an `Int`.
///
/// `Int(x)` traps when `x` is NaN, infinite or beyond ±2⁶³, and a spacing of 1e-9 mm turns a
/// 20 mm filter radius into 2·10¹⁰ pixels; every mm→pixel scale and every Double→Int conversion
/// of a value that did not come from our own arithmetic on pixel counts goes through here, so
/// that no value, however absurd, can stop the process.
public enum CheckedConversion {
    /// `x` rounded by `rule` and clamped to `range`; NaN becomes `nanValue` (by default the
    /// lower bound, the conservative choice for a size or a count).
    @inlinable
    public static func clampedInt(_ x: Double, in range: ClosedRange<Int>,
                                  rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero,
                                  nanValue: Int? = nil) -> Int {
        if x.isNaN { return nanValue.map { min(max($0, range.lowerBound), range.upperBound) } ?? range.lowerBound }
        let r = x.rounded(rule)
        // Compared as Doubles first: Double(Int.max) rounds up to 2⁶³, which Int cannot hold.
        if r <= Double(range.lowerBound) { return range.lowerBound }
        if r >= Double(range.upperBound) { return range.upperBound }
        return Int(r)
    }

    /// A length in mm as a whole number of pixels (at least `minimum`, at most `maximum`), for
    /// a spacing in mm per pixel. A spacing that is not finite and positive counts as
    /// `maximum` pixels would: the caller's bound, never a trap.
    @inlinable
    public static func pixels(mm: Double, spacingMM: Double, minimum: Int = 1, maximum: Int = maximumPixelLength,
                              rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int {
        clampedInt(mm / spacingMM, in: minimum...max(minimum, maximum), rounding: rule)
    }

    /// The largest length, in pixels, any scale derived from mm may take: 2²⁰ is far more than the
    /// side of any film `DecodeLimits` admits (a 50 Mpx film is at most 2²⁴ wide when 3 rows tall,
    /// and no filter needs a window wider than the film), and small enough that products of two
    /// such lengths fit an Int.
    public static let maximumPixelLength = 1 << 20

    /// `x` when it is finite and inside `range`, else nil: for values read from a header that are
    /// either usable or ignored.
    @inlinable
    public static func finite(_ x: Double, in range: ClosedRange<Double>) -> Double? {
        x.isFinite && range.contains(x) ? x : nil
    }
}
