import Radiography

/// RFC 4180 CSV reading: fields separated by commas, records by LF or CRLF, fields in double
/// quotes may hold commas, line breaks and doubled quotes.
enum CSVTable {
    /// Rows of fields. A quote that opens a field and never closes is an error (the rest of the
    /// file would silently become one field).
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false, fieldStarted = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    let after = next()
                    if after == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = after }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where !fieldStarted:
                quoted = true
                fieldStarted = true
            case ",":
                row.append(field); field = ""; fieldStarted = false
            case "\r":
                continue
            case "\n":
                row.append(field); field = ""; fieldStarted = false
                rows.append(row); row = []
            case "\u{FEFF}" where rows.isEmpty && row.isEmpty && !fieldStarted:
                continue
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        if quoted { throw FilmError(.malformed, "clinical facts CSV: a quoted field opened in row \(rows.count + 1) never closes") }
        if fieldStarted || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
