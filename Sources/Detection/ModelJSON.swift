/// A strict, small JSON reader for the deposit classifier's model file (RFC 8259: objects,
/// arrays, numbers, strings with every escape, true/false/null; nothing else is accepted).
///
/// Why not `JSONDecoder`: the built-in model is ~0.7 MB of number arrays, and decoding it through
/// `Codable` took ~480 M instructions (callgrind; ~0.2 s) on every start of `detect`, more than
/// detecting a 3000² film's deposits costs in its classifier stage. This reader builds the values
/// directly: numbers are checked against JSON's grammar and converted by `Double(_:)` (correctly
/// rounded, locale-independent), so every threshold and leaf value has the bits the file's text
/// denotes, as with `JSONDecoder`. Nesting is limited (`maximumDepth`), so a hostile file cannot
/// exhaust the stack.
enum ModelJSON: Equatable {
    case object([String: ModelJSON])
    case array([ModelJSON])
    case number(Double)
    case string(String)
    case bool(Bool)
    case null

    struct SyntaxError: Error, CustomStringConvertible {
        let offset: Int
        let what: String
        var description: String { "\(what) at byte \(offset)" }
    }

    static let maximumDepth = 64

    static func parse<Bytes: Collection>(_ bytes: Bytes) throws -> ModelJSON where Bytes.Element == UInt8 {
        let buffer = Array(bytes)
        return try buffer.withUnsafeBufferPointer { b in
            var reader = Reader(b: b)
            reader.skipSpace()
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.i == b.count else { throw SyntaxError(offset: reader.i, what: "text after the JSON value") }
            return value
        }
    }

    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

        func fail(_ what: String) -> SyntaxError { SyntaxError(offset: i, what: what) }

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard i < b.count, b[i] == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
            i += 1
        }

        mutating func value(depth: Int) throws -> ModelJSON {
            guard depth < ModelJSON.maximumDepth else { throw fail("nesting deeper than \(ModelJSON.maximumDepth)") }
            guard i < b.count else { throw fail("unexpected end") }
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1
                var object: [String: ModelJSON] = [:]
                skipSpace()
                if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(object) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                    guard object[key] == nil else { throw fail("duplicate key \"\(key)\"") }
                    object[key] = try value(depth: depth + 1)
                    skipSpace()
                    guard i < b.count else { throw fail("unexpected end in an object") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "}"))
                    return .object(object)
                }
            case UInt8(ascii: "["):
                i += 1
                var array: [ModelJSON] = []
                skipSpace()
                if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(array) }
                while true {
                    skipSpace()
                    array.append(try value(depth: depth + 1))
                    skipSpace()
                    guard i < b.count else { throw fail("unexpected end in an array") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    try expect(UInt8(ascii: "]"))
                    return .array(array)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                return .number(try number())
            }
        }

        mutating func literal(_ word: String) throws {
            for byte in word.utf8 { try expect(byte) }
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        mutating func number() throws -> Double {
            let start = i
            func digits() -> Int {
                let from = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                return i - from
            }
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw fail("not a JSON value") }
            if b[i] == 0x30 { i += 1 } else { _ = digits() }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw fail("a digit must follow the decimal point") }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fail("a digit must follow the exponent") }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { throw SyntaxError(offset: start, what: "number \(text) out of range") }
            return value
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var bytes: [UInt8] = []
            var pendingHigh: UInt32?
            func append(_ scalar: UInt32) throws {
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                bytes.append(contentsOf: String(Character(u)).utf8)
            }
            while true {
                guard i < b.count else { throw fail("unterminated string") }
                let c = b[i]
                i += 1
                if c == UInt8(ascii: "\"") {
                    guard pendingHigh == nil else { throw fail("unpaired surrogate") }
                    guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("string is not UTF-8") }
                    return text
                }
                guard c >= 0x20 else { throw fail("control character in a string") }
                guard c == UInt8(ascii: "\\") else {
                    guard pendingHigh == nil else { throw fail("unpaired surrogate") }
                    bytes.append(c)
                    continue
                }
                guard i < b.count else { throw fail("unterminated escape") }
                let e = b[i]
                i += 1
                if e == UInt8(ascii: "u") {
                    guard i + 4 <= b.count, let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: b[i..<(i + 4)]), as: UTF8.self), radix: 16)
                    else { throw fail("\\u needs four hex digits") }
                    i += 4
                    if let high = pendingHigh {
                        guard (0xDC00...0xDFFF).contains(code) else { throw fail("unpaired surrogate") }
                        try append(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
                        pendingHigh = nil
                    } else if (0xD800...0xDBFF).contains(code) {
                        pendingHigh = code
                    } else {
                        try append(code)
                    }
                    continue
                }
                guard pendingHigh == nil else { throw fail("unpaired surrogate") }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                default: throw fail("unknown escape")
                }
            }
        }
    }
}

/// Typed reads of a model file's fields, each failing with the field's name.
extension ModelJSON {
    struct FieldError: Error, CustomStringConvertible {
        let description: String
    }

    func field(_ key: String) throws -> ModelJSON {
        guard case .object(let object) = self else { throw FieldError(description: "the model is not a JSON object") }
        guard let value = object[key] else { throw FieldError(description: "missing field \"\(key)\"") }
        return value
    }

    func string(_ key: String) throws -> String {
        guard case .string(let s) = try field(key) else { throw FieldError(description: "\"\(key)\" is not a string") }
        return s
    }

    func double(_ key: String) throws -> Double {
        guard case .number(let v) = try field(key) else { throw FieldError(description: "\"\(key)\" is not a number") }
        return v
    }

    func array(_ key: String) throws -> [ModelJSON] {
        guard case .array(let a) = try field(key) else { throw FieldError(description: "\"\(key)\" is not an array") }
        return a
    }

    /// The array `key` with every element converted by `take` (nil: the element is not `what`).
    private func elements<T>(_ key: String, _ what: String, _ take: (ModelJSON) -> T?) throws -> [T] {
        try array(key).map {
            guard let value = take($0) else { throw FieldError(description: "\"\(key)\" holds a value that is not \(what)") }
            return value
        }
    }

    func doubles(_ key: String) throws -> [Double] {
        try elements(key, "a number") { if case .number(let v) = $0 { v } else { nil } }
    }

    /// Whole numbers that fit an `Int` (node indices, feature numbers).
    func integers(_ key: String) throws -> [Int] {
        try elements(key, "a whole number") {
            if case .number(let v) = $0, v == v.rounded(), abs(v) < 1e15 { Int(v) } else { nil }
        }
    }

    func bools(_ key: String) throws -> [Bool] {
        try elements(key, "true or false") { if case .bool(let v) = $0 { v } else { nil } }
    }

    func strings(_ key: String) throws -> [String] {
        try elements(key, "a string") { if case .string(let v) = $0 { v } else { nil } }
    }
}
