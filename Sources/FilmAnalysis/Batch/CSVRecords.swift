import Foundation
import ImageIO

/// Splits CSV text (RFC 4180, as `ReportWriter` writes it) into records, keeping each record's
/// exact text and reading only its first field, the film's path. Used to keep, on `--resume`,
/// the `--csv` and `--deposits-csv` rows of films that are done and drop the rest.
///
/// A quoted field may hold newlines, so records are found by scanning quotes, not by splitting
/// lines. Text after the last record's newline is an unfinished record (a killed run) and is
/// returned apart.
public enum CSVRecords {
    public struct Record: Sendable, Equatable {
        /// The record with its trailing newline.
        public var text: Substring
        public var firstField: String
    }

    public static func split(_ text: String) -> (records: [Record], unfinished: Substring) {
        var records: [Record] = []
        var start = text.startIndex
        var index = start
        var inQuotes = false
        var field: String? = nil
        var current = ""
        while index < text.endIndex {
            let character = text[index]
            if inQuotes {
                if character == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex && text[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "," {
                if field == nil { field = current }
                current = ""
            } else if character == "\n" || character == "\r\n" {
                let end = text.index(after: index)
                records.append(Record(text: text[start..<end], firstField: field ?? current))
                start = end
                field = nil
                current = ""
            } else if field == nil {
                current.append(character)
            }
            index = text.index(after: index)
        }
        return (records, text[start...])
    }
}

extension CSVRecords {
    /// Prepares a CSV side output (`--csv`, `--deposits-csv`) of a resumed run: keeps the header
    /// and the rows of films in `done`, drops rows of other films (written just before a kill,
    /// their film's JSON line never was, so they will be written again) and an unfinished last
    /// row; rewrites the file atomically only when something was dropped. A missing or empty
    /// file gets the header. Returns the number of rows dropped.
    @discardableResult
    public static func resume(path: String, header: String, keeping done: Set<String>) throws -> Int {
        let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let (records, unfinished) = split(text)
        var kept = header + "\n"
        var dropped = unfinished.isEmpty ? 0 : 1
        for (n, record) in records.enumerated() {
            if n == 0 && record.text.trimmingCharacters(in: .newlines) == header { continue }
            if done.contains(record.firstField) {
                kept += record.text
            } else {
                dropped += 1
            }
        }
        if dropped > 0 || text.isEmpty || !text.hasPrefix(header + "\n") {
            try AtomicFile.write(kept, to: path)
        }
        return dropped
    }
}
