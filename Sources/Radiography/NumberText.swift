import Foundation

/// Every number detect writes for people and programs, in one place: fixed decimals for report
/// values, the shortest exact form for measured inputs, few digits in sentences. Never `nan` or
/// `inf` (nil, or "n/a" in a sentence), never depending on a locale.
///
/// Every number in JSON and CSV goes through `fixed` or `shortest`, so the two agree digit for digit.
public enum NumberText {
    /// `value` rounded half away from zero to `decimals` places, trailing zeros kept (so a column
    /// reads evenly); nil when the value is not finite, which writers print as null / empty.
    ///
    /// Values whose scaled magnitude does not fit in 2^53 (nothing a film produces) fall back to
    /// Swift's shortest round-trip form, which may use an exponent but is still valid JSON.
    public static func fixed(_ value: Double, decimals: Int) -> String? {
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
    public static func readable(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        return String(format: "%.4g", value)
    }

    public static func shortest(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        // Swift prints 1e-05 / 1e+16 style exponents, which JSON accepts; an integral value
        // prints as "100.0", which is what we want for a non-integer quantity.
        return value.description
    }

    /// For sentences (the classifiers' reasons and rules): at most `decimals` decimals, trailing
    /// zeros dropped: 72.36 → "72.4", 9.10 → "9.1", 70 → "70"; "n/a" when not finite.
    public static func short(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "n/a" }
        var text = String(format: "%.\(max(0, decimals))f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A whole number, rounded half away from zero: 14.5 → "15"; "n/a" when not finite or
    /// beyond what an `Int` holds.
    public static func whole(_ value: Double) -> String {
        let rounded = value.rounded()
        guard rounded.isFinite, abs(rounded) < 9.2e18 else { return "n/a" }
        return String(Int(rounded))
    }

    /// A fraction as a whole percentage: 0.254 → "25 %".
    public static func percent(_ fraction: Double) -> String { "\(whole(fraction * 100)) %" }

    /// A parameter as a person typed it: 3 → "3", 0.15 → "0.15", 1e300 → "1e+300".
    public static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
    }
}
