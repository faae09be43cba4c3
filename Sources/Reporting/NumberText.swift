/// Numbers as the writers print them: fixed decimals, never `nan` or `inf`, never an exponent
/// for the values a report holds, and never depending on a locale.
///
/// Every number in JSON and CSV goes through here so that the two agree digit for digit.
enum NumberText {
    /// `value` rounded half away from zero to `decimals` places, trailing zeros kept (so a column
    /// reads evenly); nil when the value is not finite, which writers print as null / empty.
    ///
    /// Values whose scaled magnitude does not fit in 2^53 (nothing a film produces) fall back to
    /// Swift's shortest round-trip form, which may use an exponent but is still valid JSON.
    static func fixed(_ value: Double, decimals: Int) -> String? {
        guard value.isFinite else { return nil }
        precondition((0...9).contains(decimals))
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9_007_199_254_740_992 else { return shortest(value) }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        // A value that rounds to zero prints without sign: "-0.00" would only confuse.
        var text = value < 0 && units != 0 ? "-" : ""
        text += String(units / divisor)
        if decimals > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// The shortest text that reads back as exactly `value` (for measured inputs such as the
    /// pixel spacing, where rounding would change what the file said); nil when not finite.
    /// For people: four significant digits, so a PNG pHYs spacing of 6667 pixels per metre
    /// reads 0.15 mm, not 0.14999250037498124 (JSON keeps the exact value).
    static func readable(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        return String(format: "%.4g", value)
    }

    static func shortest(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        // Swift prints 1e-05 / 1e+16 style exponents, which JSON accepts; an integral value
        // prints as "100.0", which is what we want for a non-integer quantity.
        return value.description
    }
}
