/// The one CSV reader (RFC 4180): fields separated by commas, records ended by LF or CRLF, a
/// field that opens with a double quote may hold commas, line breaks and doubled quotes. Reads
/// the clinical facts tables and, on `--resume`, the rows detect wrote itself.
///
/// Outside quotes a CR is dropped and a quote inside an unquoted field is kept as it is; a byte
/// order mark before the first field is skipped.
public enum CSVReader {
    /// One record: its fields, and its exact text with the line break that ends it.
    public struct Record: Sendable, Equatable {
        public var fields: [String]
        public var text: Substring
    }

    /// What `text` holds: the records that end with a line break; what follows the last of
    /// them (a record cut before its line break, e.g. by a killed writer; empty when the text
    /// ends with one) and its fields; and whether that rest ends inside a quoted field.
    public struct Scan: Sendable {
        public var records: [Record]
        public var rest: Substring
        public var restFields: [String]
        public var restEndsInQuotes: Bool
    }

    public static func scan(_ text: String) -> Scan {
        var records: [Record] = []
        var row: [String] = []
        var field = ""
        var quoted = false, fieldStarted = false
        let scalars = text.unicodeScalars
        var recordStart = scalars.startIndex
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let c = scalars[index]
            var next = scalars.index(after: index)
            defer { index = next }
            if quoted {
                if c == "\"" {
                    if next < scalars.endIndex && scalars[next] == "\"" {
                        field.unicodeScalars.append("\"")
                        next = scalars.index(after: next)
                    } else {
                        quoted = false
                    }
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
                // After a LF is always a character boundary (no grapheme extends past it).
                records.append(Record(fields: row, text: text[recordStart..<next]))
                row = []
                recordStart = next
            case "\u{FEFF}" where records.isEmpty && row.isEmpty && !fieldStarted:
                continue
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        let rest = text[recordStart...]
        if fieldStarted || !row.isEmpty { row.append(field) }
        return Scan(records: records, rest: rest, restFields: rest.isEmpty ? [] : row, restEndsInQuotes: quoted)
    }

    /// Every row's fields, the last one with or without its line break. Throws when a quoted
    /// field opens and never closes (the rest of the file would silently become one field).
    public static func rows(_ text: String) throws(FilmError) -> [[String]] {
        let scan = scan(text)
        if scan.restEndsInQuotes {
            throw FilmError(.malformed, "a quoted field opened in row \(scan.records.count + 1) never closes")
        }
        return scan.records.map(\.fields) + (scan.restFields.isEmpty ? [] : [scan.restFields])
    }
}
