import Radiography

/// A read position in a file's bytes where every read is bounds-checked and throws instead of
/// trapping: a header field can lie about anything, so no offset or length from the file is
/// used before it has been compared with the bytes actually left.
struct ByteCursor {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// Byte order of every multi-byte number read (the meta group is always little endian).
    let bigEndian: Bool

    init(_ bytes: [UInt8], offset: Int = 0, bigEndian: Bool = false) {
        self.bytes = bytes
        self.offset = min(max(offset, 0), bytes.count)
        self.bigEndian = bigEndian
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    /// Throws `what` (e.g. "the header of an element") if fewer than `count` bytes are left.
    func require(_ count: Int, for what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw FilmErrorText.truncated(what(), at: offset, left: remaining)
        }
    }

    /// 16-bit value at the cursor, without moving it.
    func peekUInt16(at delta: Int = 0) -> UInt16? {
        let i = offset + delta
        guard delta >= 0, i + 2 <= bytes.count else { return nil }
        let v = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
        return bigEndian ? v.byteSwapped : v
    }

    func peekByte(at delta: Int) -> UInt8? {
        let i = offset + delta
        guard delta >= 0, i < bytes.count else { return nil }
        return bytes[i]
    }

    mutating func readUInt16(for what: @autoclosure () -> String) throws -> UInt16 {
        try require(2, for: what())
        let v = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
        offset += 2
        return bigEndian ? v.byteSwapped : v
    }

    mutating func readUInt32(for what: @autoclosure () -> String) throws -> UInt32 {
        try require(4, for: what())
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
        offset += 4
        return bigEndian ? v.byteSwapped : v
    }

    /// Two ASCII bytes (an explicit VR), returned raw so the caller can name bad ones.
    mutating func readPair(for what: @autoclosure () -> String) throws -> (UInt8, UInt8) {
        try require(2, for: what())
        defer { offset += 2 }
        return (bytes[offset], bytes[offset + 1])
    }

    /// Moves past `count` bytes, returning their range.
    mutating func take(_ count: Int, for what: @autoclosure () -> String) throws -> Range<Int> {
        try require(count, for: what())
        let range = offset..<(offset + count)
        offset += count
        return range
    }
}

/// Message builders shared by the parsing files, so the same fault reads the same everywhere.
enum FilmErrorText {
    static func truncated(_ what: String, at offset: Int, left: Int) -> FilmError {
        FilmError(.truncated, "DICOM: file ends inside \(what) at byte \(offset) (\(left) bytes left)")
    }
}
