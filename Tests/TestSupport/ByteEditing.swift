/// Reading and patching integers in a file's bytes, for tests that make a header lie.
extension Array where Element == UInt8 {
    public mutating func put16(_ v: UInt16, at i: Int) {
        self[i] = UInt8(v & 0xFF); self[i + 1] = UInt8(v >> 8)
    }
    public mutating func put32(_ v: UInt32, at i: Int) {
        for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }
    public mutating func putBE32(_ v: UInt32, at i: Int) {
        for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(3 - k))) }
    }
    public func le32(at i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[i + $1]) << (8 * UInt32($1)) } }
    public func be32(at i: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(self[i + $1]) } }

    /// First index of `pattern` at or after `start`.
    public func find(_ pattern: [UInt8], from start: Int = 0) -> Int? {
        guard count >= pattern.count, start <= count - pattern.count else { return nil }
        for i in start...(count - pattern.count) where self[i] == pattern[0] && Array(self[i..<(i + pattern.count)]) == pattern {
            return i
        }
        return nil
    }
}
