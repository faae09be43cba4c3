import Radiography

/// Builds one JSON object as text, key by key, in the order the keys are added.
///
/// Written by hand rather than with `JSONEncoder` because the report promises a stable key
/// order, `null` for every unknown value (never an omitted key) and fixed decimals per field,
/// none of which an encoder guarantees.
struct JSONObjectText {
    private var text = "{"
    private var isEmpty = true

    /// The finished object, one line.
    var result: String { text + "}" }

    /// Adds `"key":` followed by `json`, which must already be valid JSON.
    mutating func raw(_ key: String, _ json: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        text += JSONObjectText.quoted(key)
        text += ":"
        text += json
    }

    mutating func string(_ key: String, _ value: String?) {
        raw(key, value.map(JSONObjectText.quoted) ?? "null")
    }

    mutating func int(_ key: String, _ value: Int?) {
        raw(key, value.map { String($0) } ?? "null")
    }

    /// A number with fixed decimals; null when absent or not finite.
    mutating func number(_ key: String, _ value: Double?, decimals: Int) {
        raw(key, value.flatMap { NumberText.fixed($0, decimals: decimals) } ?? "null")
    }

    /// `[a, b, …]` of numbers with fixed decimals (null elements for non-finite values).
    static func array(_ values: [Double], decimals: Int) -> String {
        "[" + values.map { NumberText.fixed($0, decimals: decimals) ?? "null" }.joined(separator: ",") + "]"
    }

    /// `value` as a JSON string literal (RFC 8259 §7): quote, backslash and every control
    /// character below U+0020 escaped; everything else, including non-ASCII, kept as UTF-8.
    static func quoted(_ value: String) -> String {
        var out = "\""
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                // DEL and the two JavaScript line separators are legal raw but break naive
                // line-based tools and JS consumers; escaping them costs nothing.
                out += "\\u" + hex4(scalar.value)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(value >> 12 & 0xF)], digits[Int(value >> 8 & 0xF)],
                       digits[Int(value >> 4 & 0xF)], digits[Int(value & 0xF)]])
    }
}

extension ReportWriter {
    /// `value` as a JSON string literal, escaped as every report writer does it, for the other
    /// commands that print JSON (`detect info --json`).
    public static func jsonString(_ value: String) -> String { JSONObjectText.quoted(value) }
}
