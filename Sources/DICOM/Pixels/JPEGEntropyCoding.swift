import Radiography

/// The Huffman entropy coding that JPEG's lossless (process 14) and sequential DCT (processes 1,
/// 2 and 4) modes share (ITU-T T.81 B.1.1.2, Annex C and F.2.2): marker segments, canonical code
/// tables and the bit stream with byte stuffing. `codec` names the decoder in error messages.

/// Canonical Huffman codes as a 16-bit lookup: entry = length << 8 | symbol, 0 = no code.
struct JPEGHuffmanTable {
    var lookup = [UInt16](repeating: 0, count: 1 << 16)

    /// `maxSymbol`: the largest value a symbol may have (16 for a lossless difference category,
    /// 11 or 15 for a DCT DC category, 255 for an AC run/size byte).
    init(counts: ArraySlice<UInt8>, symbols: ArraySlice<UInt8>, maxSymbol: UInt8, codec: String) throws {
        try lookup.withUnsafeMutableBufferPointer { lookup in
            try Self.fill(lookup, counts: counts, symbols: symbols, maxSymbol: maxSymbol, codec: codec)
        }
    }

    /// Writes the codes into `lookup` (1 << 16 entries, all 0 on entry), for a decoder that keeps
    /// its tables side by side in one buffer.
    static func fill(_ lookup: UnsafeMutableBufferPointer<UInt16>, counts: ArraySlice<UInt8>, symbols: ArraySlice<UInt8>,
                     maxSymbol: UInt8, codec: String) throws {
        precondition(lookup.count == 1 << 16)
        var code = 0, k = symbols.startIndex
        for (i, n) in counts.enumerated() {
            let length = i + 1
            for _ in 0..<Int(n) {
                guard code < 1 << length else { throw FilmError(.malformed, "DICOM: \(codec): Huffman table has more codes than fit in \(length) bits") }
                let symbol = symbols[k]
                guard symbol <= maxSymbol else { throw FilmError(.malformed, "DICOM: \(codec): Huffman table holds symbol \(symbol) (at most \(maxSymbol))") }
                let first = code << (16 - length), span = 1 << (16 - length)
                for j in first..<(first + span) { lookup[j] = UInt16(length) << 8 | UInt16(symbol) }
                code += 1
                k += 1
            }
            code <<= 1
        }
    }
}

/// Entropy-coded bits with byte stuffing (FF 00) removed. At a marker or the end of the data
/// it feeds zero bits and counts them, so running out is detected, not read past.
struct JPEGBitReader {
    let src: UnsafeBufferPointer<UInt8>
    var position: Int
    var buffer: UInt64 = 0
    var count = 0
    var padding = 0  // zero bits fed past the real data

    init(src: UnsafeBufferPointer<UInt8>, position: Int) {
        self.src = src
        self.position = position
    }

    @inline(__always) mutating func fill() {
        while count <= 56 {
            var byte: UInt8 = 0
            if position < src.count {
                let b = src[position]
                if b != 0xFF {
                    byte = b
                    position += 1
                } else if position + 1 < src.count, src[position + 1] == 0 {
                    byte = 0xFF
                    position += 2
                } else {
                    padding += 8  // a marker: stay on it
                }
            } else {
                padding += 8
            }
            buffer |= UInt64(byte) << (56 - count)
            count += 8
        }
    }

    /// The next `n` bits (1…16 after a `fill`), most significant first.
    @inline(__always) mutating func take(_ n: Int) -> Int {
        let v = Int(buffer >> (64 - UInt64(n)))
        buffer <<= UInt64(n)
        count -= n
        return v
    }

    /// Zero bits consumed beyond the data, i.e. how far decoding ran past the end.
    var overrun: Int { max(0, padding - count) }

    /// Drops the bits left in the current byte and the zero padding (before a marker).
    mutating func reset() {
        buffer = 0
        count = 0
        padding = 0
    }

    /// At a restart interval's end: the RSTm marker must follow the interval's data, byte-aligned.
    mutating func restart(number: Int, codec: String) throws {
        let stop = position
        reset()
        guard stop + 1 < src.count, src[stop] == 0xFF, (0xD0...0xD7).contains(src[stop + 1]) else {
            throw FilmError(.malformed, "DICOM: \(codec): restart marker \(number) is missing at byte \(stop)")
        }
        position = stop + 2
    }

    /// The position of the marker after a scan's data (skipping stuffed bytes and RSTm).
    var markerAfterScan: Int {
        var p = position
        while p < src.count, !(src[p] == 0xFF && p + 1 < src.count && src[p + 1] != 0 && !(0xD0...0xD7).contains(src[p + 1])) { p += 1 }
        return p
    }
}

/// The codestream's marker segments (T.81 B.1.1.2), and a table-specification segment (DHT)
/// split into its tables.
enum JPEGSegments {
    /// The most Huffman tables one frame may define, in both JPEG decoders. Each costs a 128 KB
    /// lookup built from 17 bytes of input, so a stream of thousands of DHT segments would take
    /// seconds: real streams define one to four (lossless), two to eight (sequential DCT).
    static let maxHuffmanTablesDefined = 32

    /// The marker at `position` (after any fill bytes FF) and its segment's contents (empty for
    /// EOI, RSTm and TEM, which have none); `position` moves past both. The codestream ending
    /// first is `.truncated`, anything but a marker `.malformed`.
    static func nextMarker(_ src: UnsafeBufferPointer<UInt8>, at position: inout Int,
                           codec: String) throws -> (code: UInt8, segment: Range<Int>) {
        func fail(_ kind: FilmError.Kind, _ what: String) -> FilmError { FilmError(kind, "DICOM: \(codec): " + what) }
        guard position < src.count, src[position] == 0xFF else {
            throw position >= src.count ? fail(.truncated, "the codestream ends before its EOI marker") : fail(.malformed, "expected a marker at byte \(position)")
        }
        while position < src.count, src[position] == 0xFF { position += 1 }
        guard position < src.count else { throw fail(.truncated, "the codestream ends inside a marker") }
        let code = src[position]
        position += 1
        if code == 0xD9 || (0xD0...0xD7).contains(code) || code == 0x01 { return (code, position..<position) }
        guard position + 2 <= src.count else { throw fail(.truncated, "the codestream ends inside a marker segment") }
        let length = Int(src[position]) << 8 | Int(src[position + 1])
        guard length >= 2, position + length <= src.count else {
            throw fail(.truncated, "marker FF\(String(code, radix: 16, uppercase: true)) segment length \(length) runs past the end of the frame")
        }
        defer { position += length }
        return (code, (position + 2)..<(position + length))
    }

    struct HuffmanSpecification {
        let tableClass: UInt8
        let id: Int
        let counts: ArraySlice<UInt8>
        let symbols: ArraySlice<UInt8>
    }

    static func huffmanTables(_ src: UnsafeBufferPointer<UInt8>, _ s: Range<Int>, codec: String) throws -> [HuffmanSpecification] {
        var p = s.lowerBound, tables: [HuffmanSpecification] = []
        while p < s.upperBound {
            guard p + 17 <= s.upperBound else { throw FilmError(.truncated, "DICOM: \(codec): DHT segment ends inside a table") }
            let counts = ArraySlice(src[(p + 1)..<(p + 17)])
            let total = counts.reduce(0) { $0 + Int($1) }
            guard p + 17 + total <= s.upperBound else { throw FilmError(.truncated, "DICOM: \(codec): DHT segment ends inside a table's symbols") }
            tables.append(HuffmanSpecification(tableClass: src[p] >> 4, id: Int(src[p] & 0x0F), counts: counts,
                                               symbols: ArraySlice(src[(p + 17)..<(p + 17 + total)])))
            p += 17 + total
        }
        return tables
    }
}
