import Foundation
import ImageIO
import Radiography

/// The `--csv` and `--deposits-csv` rows of a resumed run: each record's exact text and its
/// first field, the film's path, as `CSVReader` finds them (a quoted field may hold newlines, so
/// records are found by scanning quotes, not by splitting lines). Text after the last record's
/// newline is an unfinished record (a killed run) and is returned apart.
public enum CSVRecords {
    public struct Record: Sendable, Equatable {
        /// The record with its trailing newline.
        public var text: Substring
        public var firstField: String
    }

    public static func split(_ text: String) -> (records: [Record], unfinished: Substring) {
        let scan = CSVReader.scan(text)
        return (scan.records.map { Record(text: $0.text, firstField: $0.fields.first ?? "") }, scan.rest)
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
