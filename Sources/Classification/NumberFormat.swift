import Foundation

/// Numbers in the sentences the classifiers write: few digits, no trailing zeros, a dot as the
/// decimal separator whatever the locale.
enum NumberFormat {
    /// At most `decimals` decimals, trailing zeros dropped: 72.36 → "72.4", 9.10 → "9.1", 70 → "70".
    static func short(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "n/a" }
        var text = String(format: "%.\(max(0, decimals))f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
