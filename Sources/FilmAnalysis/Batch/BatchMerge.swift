/// Combines the JSON Lines outputs of a sharded batch (`detect merge`) and checks that every
/// film is there exactly once.
///
/// Lines are matched by their `file`. With the expected films (the same inputs the shards were
/// run on, walked the same way) the merged file lists them in walk order, exactly as one
/// unsharded run writes them, and films with no line are reported missing; lines for films
/// not expected are kept after them (sorted) and reported. Without expected films the lines
/// are sorted by path (byte order). A film with several lines keeps the first (in the order
/// the parts were given) and is reported duplicated. Unfinished last lines (a killed shard) and
/// lines that are not JSON objects with a `file` are dropped and counted.
public enum BatchMerge {
    public struct Outcome: Sendable {
        /// The merged file's text: complete lines only.
        public var text = ""
        public var films = 0
        public var failed: [(file: String, error: String)] = []
        public var duplicated: [String] = []
        public var missing: [String] = []
        public var unexpected: [String] = []
        /// Parts that ended with an unfinished line.
        public var unfinishedParts: [String] = []
        public var garbledLines = 0

        /// Nothing missing, duplicated or failed.
        public var isComplete: Bool { failed.isEmpty && duplicated.isEmpty && missing.isEmpty }
    }

    public static func merge(parts: [(name: String, text: String)], expected: [String]?) -> Outcome {
        var outcome = Outcome()
        var firstLine: [String: (line: Substring, parsed: ResultLine.Parsed)] = [:]
        var order: [String] = []
        var duplicated = Set<String>()
        for part in parts {
            var start = part.text.startIndex
            while let newline = part.text[start...].firstIndex(of: "\n") {
                let end = part.text.index(after: newline)
                let line = part.text[start..<end]
                start = end
                guard let parsed = ResumeLedger.parse(line) else {
                    if !line.allSatisfy(\.isWhitespace) { outcome.garbledLines += 1 }
                    continue
                }
                if firstLine[parsed.file] == nil {
                    firstLine[parsed.file] = (line, parsed)
                    order.append(parsed.file)
                } else if duplicated.insert(parsed.file).inserted {
                    outcome.duplicated.append(parsed.file)
                }
            }
            if start < part.text.endIndex { outcome.unfinishedParts.append(part.name) }
        }
        var sequence: [String]
        if let expected {
            let expectedSet = Set(expected)
            outcome.missing = expected.filter { firstLine[$0] == nil }
            outcome.unexpected = order.filter { !expectedSet.contains($0) }.sorted(by: byteOrder)
            sequence = expected.filter { firstLine[$0] != nil } + outcome.unexpected
        } else {
            sequence = order.sorted(by: byteOrder)
        }
        for file in sequence {
            guard let entry = firstLine[file] else { continue }
            outcome.text += entry.line
            outcome.films += 1
            if !entry.parsed.ok { outcome.failed.append((file, entry.parsed.error ?? "failed")) }
        }
        return outcome
    }

    private static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
