import Foundation
import Radiography

/// Every element of a DICOM file, as dcmdump lists them (`detect info --all`): the File Meta
/// Information group, then the data set up to and including Pixel Data, each element with its
/// tag, VR, name (for the attributes in `AttributeNames`), length and value, sequences with
/// their items nested.
///
/// Read with the same bounds as the decoder: every length is checked against the bytes left in
/// its file, item or sequence, `maxSequenceDepth` bounds the nesting and `maxElements` the
/// number of headers, so a hostile file gives an error, never a trap or an endless walk. Values
/// are shown, not interpreted: long ones are cut (`valueLimit` characters, `numberLimit`
/// numbers, `byteLimit` bytes) with the full length beside them.
public struct DICOMDump: Sendable {
    public struct Element: Sendable, Equatable {
        public var group: UInt16
        public var element: UInt16
        /// As written (explicit VR) or looked up (implicit VR; `UN` when unknown).
        public var vr: String
        /// The attribute's name from PS3.6, "Private Creator" / "private" for odd groups, nil when unknown.
        public var name: String?
        /// Bytes of the value; nil for undefined length.
        public var length: Int?
        /// The value as text (strings trimmed of padding, numbers in the file's byte order,
        /// bytes in hex); nil for sequences.
        public var value: String?
        /// A sequence's items, each a list of elements; encapsulated pixel data's fragments are
        /// summarised in `value` instead.
        public var items: [[Element]]?

        /// `(0028,0010)`.
        public var tag: String { "(\(Self.hex(group)),\(Self.hex(element)))" }

        static func hex(_ v: UInt16) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - s.count) + s
        }
    }

    public static let valueLimit = 64
    public static let numberLimit = 16
    public static let byteLimit = 16

    /// The meta group's elements, then the data set's.
    public static func read(_ original: [UInt8], limits: DecodeLimits = .standard) throws -> [Element] {
        guard original.count <= limits.maxFileBytes else {
            throw FilmError.overLimit(.fileBytes, "DICOM: file is \(original.count) bytes, over the limit of \(limits.maxFileBytes) bytes")
        }
        let header = try Part10Header.read(original, limits: limits)
        let dicm = Array("DICM".utf8)
        let metaStart = original.count >= 132 && Array(original[128..<132]) == dicm ? 132
            : original.count >= 4 && Array(original[0..<4]) == dicm ? 4 : 0
        var meta = Walker(bytes: original, bigEndian: false, limits: limits)
        meta.offset = metaStart
        var elements = try meta.elements(until: header.dataSetOffset, explicit: true, depth: 0)

        let syntax = header.transferSyntax
        let bytes = syntax.isDeflated
            ? try DeflatedDataSet.inflate(original, dataSetOffset: header.dataSetOffset, limits: limits)
            : original
        let bigEndian = syntax.byteOrder == .big
        var explicit = syntax.vrEncoding == .explicit
        // As ParsedFile reads it: explicit VR in name but implicit in fact is read as written.
        if explicit, !bigEndian, header.dataSetOffset + 6 <= bytes.count,
           !VR(bytes[header.dataSetOffset + 4], bytes[header.dataSetOffset + 5]).isKnown {
            explicit = false
        }
        var walker = Walker(bytes: bytes, bigEndian: bigEndian, limits: limits)
        walker.offset = header.dataSetOffset
        walker.elementCount = meta.elementCount
        elements += try walker.elements(until: bytes.count, explicit: explicit, depth: 0, stopAfterPixelData: true)
        return elements
    }

    /// dcmdump-style lines: `(0028,0010) US 1400  # 2 Rows`, items and nested elements indented
    /// by two spaces a level.
    public static func text(_ elements: [Element], depth: Int = 0) -> String {
        var out = ""
        let indent = String(repeating: "  ", count: depth)
        for e in elements {
            let length = e.length.map(String.init) ?? "undefined length"
            if let items = e.items {
                out += "\(indent)\(e.tag) SQ (Sequence with \(items.count) item\(items.count == 1 ? "" : "s"))  # \(length), \(e.name ?? "unknown")\n"
                for (n, item) in items.enumerated() {
                    out += "\(indent)  (FFFE,E000) na (Item \(n + 1) of \(items.count), \(item.count) element\(item.count == 1 ? "" : "s"))\n"
                    out += text(item, depth: depth + 2)
                }
            } else {
                out += "\(indent)\(e.tag) \(e.vr) \(e.value ?? "")  # \(length), \(e.name ?? "unknown")\n"
            }
        }
        return out
    }

    private struct Walker {
        let bytes: [UInt8]
        let bigEndian: Bool
        let limits: DecodeLimits
        var offset = 0
        var elementCount = 0

        mutating func count() throws {
            elementCount += 1
            guard elementCount <= limits.maxElements else {
                throw FilmError.overLimit(.elements, "DICOM: more than \(limits.maxElements) data elements (at byte \(offset)), over the limit")
            }
        }

        func u16(_ at: Int) -> UInt16 {
            let v = UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
            return bigEndian ? v.byteSwapped : v
        }

        func u32(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[at + k]) << (8 * UInt32(k)) }
            return bigEndian ? v.byteSwapped : v
        }

        func need(_ n: Int, before end: Int, _ what: String) throws {
            guard n >= 0, offset + n <= end else {
                throw FilmError(.truncated, "DICOM: \(what) at byte \(offset) runs past the end of its \(end == bytes.count ? "file" : "item or sequence")")
            }
        }

        /// Elements from `offset` up to `end`, or up to an Item Delimitation Item (consumed)
        /// when `inUndefinedItem`.
        mutating func elements(until end: Int, explicit: Bool, depth: Int, inUndefinedItem: Bool = false,
                               stopAfterPixelData: Bool = false) throws -> [Element] {
            var out: [Element] = []
            while offset < end {
                try count()
                try need(8, before: end, "an element header")
                let start = offset
                let group = u16(offset), number = u16(offset + 2)
                if group == 0xFFFE {
                    // Items and delimiters: an item delimiter ends an undefined-length item; at
                    // the top level the reader skips stray ones (see DataSetReader), and so does this.
                    let length = u32(offset + 4)
                    offset += 8
                    if number == 0xE00D && inUndefinedItem { return out }
                    if length != 0xFFFF_FFFF {
                        try need(Int(length), before: end, "the value of a stray item")
                        offset += Int(length)
                    }
                    continue
                }
                var vr: String
                var rawLength: UInt32
                if explicit {
                    let a = bytes[offset + 4], b = bytes[offset + 5]
                    guard (0x41...0x5A).contains(a), (0x41...0x5A).contains(b) else {
                        throw FilmError(.malformed, "DICOM: element (\(Element.hex(group)),\(Element.hex(number))) at byte \(start) has no valid VR")
                    }
                    vr = String(decoding: [a, b], as: UTF8.self)
                    if VR(a, b).hasLongLength {
                        try need(12, before: end, "an element header")
                        rawLength = u32(offset + 8)
                        offset += 12
                    } else {
                        rawLength = UInt32(u16(offset + 6))
                        offset += 8
                    }
                } else {
                    rawLength = u32(offset + 4)
                    offset += 8
                    vr = AttributeNames.entry(group, number)?.vr ?? (rawLength == 0xFFFF_FFFF ? "SQ" : "UN")
                }
                var element = Element(group: group, element: number, vr: vr, name: AttributeNames.name(group, number),
                                      length: rawLength == 0xFFFF_FFFF ? nil : Int(rawLength), value: nil, items: nil)
                let isPixelData = group == 0x7FE0 && number == 0x0010
                if rawLength == 0xFFFF_FFFF {
                    if isPixelData || vr == "OB" || vr == "OW" {
                        element.value = try fragments(until: end)
                    } else {
                        // SQ, or UN / unknown holding a sequence in implicit VR (PS3.5 6.2.2).
                        element.items = try items(until: end, explicit: explicit && vr == "SQ", depth: depth + 1, length: nil)
                    }
                } else {
                    let length = Int(rawLength)
                    try need(length, before: end, "the value of \(element.tag) (length \(length))")
                    // A UN value (written so, or an attribute our dictionary lacks in implicit VR)
                    // that starts with an Item tag is a sequence, in implicit VR (PS3.5 6.2.2),
                    // as pydicom reads it; shown as bytes if its items do not parse.
                    let looksLikeSequence = vr == "UN" && length >= 8
                        && u16(offset) == 0xFFFE && u16(offset + 2) == 0xE000
                    var nested: [[Element]]?
                    if vr == "SQ" || looksLikeSequence {
                        let stop = offset + length, saved = (offset, elementCount)
                        do {
                            nested = try items(until: stop, explicit: explicit && vr == "SQ", depth: depth + 1, length: length)
                        } catch where vr != "SQ" {
                            (offset, elementCount) = saved
                        }
                        if nested != nil { offset = stop }
                    }
                    if let nested {
                        element.vr = "SQ"
                        element.items = nested
                    } else {
                        element.value = render(vr, offset..<(offset + length))
                        offset += length
                    }
                }
                out.append(element)
                if stopAfterPixelData && isPixelData { break }
            }
            return out
        }

        /// The items of a sequence: up to `end` (defined length) or its delimiter.
        mutating func items(until end: Int, explicit: Bool, depth: Int, length: Int?) throws -> [[Element]] {
            guard depth <= limits.maxSequenceDepth else {
                throw FilmError.overLimit(.sequenceDepth, "DICOM: sequences nested more than \(limits.maxSequenceDepth) deep (byte \(offset)), over the limit")
            }
            var items: [[Element]] = []
            while offset < end {
                try count()
                try need(8, before: end, "an item header")
                let tag = (u16(offset), u16(offset + 2))
                let itemLength = u32(offset + 4)
                offset += 8
                if tag == (0xFFFE, 0xE0DD) { return items }  // Sequence Delimitation Item
                guard tag == (0xFFFE, 0xE000) else {
                    throw FilmError(.malformed, "DICOM: a sequence holds (\(Element.hex(tag.0)),\(Element.hex(tag.1))) at byte \(offset - 8) where an item belongs")
                }
                if itemLength == 0xFFFF_FFFF {
                    items.append(try elements(until: end, explicit: explicit, depth: depth, inUndefinedItem: true))
                } else {
                    let n = Int(itemLength)
                    try need(n, before: end, "an item of length \(n)")
                    let stop = offset + n
                    items.append(try elements(until: stop, explicit: explicit, depth: depth))
                    offset = stop
                }
            }
            if length == nil {
                throw FilmError(.truncated, "DICOM: a sequence of undefined length has no Sequence Delimitation Item before the end")
            }
            return items
        }

        /// Encapsulated pixel data: counted, not listed.
        mutating func fragments(until end: Int) throws -> String {
            var count = 0, total = 0
            while offset < end {
                try self.count()
                try need(8, before: end, "a fragment header")
                let tag = (u16(offset), u16(offset + 2))
                let length = Int(u32(offset + 4))
                offset += 8
                if tag == (0xFFFE, 0xE0DD) {
                    return "(encapsulated: offset table and \(max(count - 1, 0)) fragment\(count == 2 ? "" : "s"), \(total) bytes)"
                }
                try need(length, before: end, "a fragment of length \(length)")
                offset += length
                count += 1
                total += length
            }
            throw FilmError(.truncated, "DICOM: encapsulated pixel data has no Sequence Delimitation Item before the end")
        }

        func render(_ vr: String, _ range: Range<Int>) -> String {
            let value = bytes[range]
            func cut(_ s: String) -> String {
                s.count > valueLimit ? String(s.prefix(valueLimit)) + "…" : s
            }
            func numbers(size: Int, _ text: (Int) -> String) -> String {
                let n = range.count / size
                let shown = (0..<min(n, numberLimit)).map { text(range.lowerBound + $0 * size) }
                return shown.joined(separator: "\\") + (n > numberLimit ? "\\… (\(n) values)" : "")
            }
            func u64(_ at: Int) -> UInt64 {
                let low = UInt64(u32(at)), high = UInt64(u32(at + 4))
                return bigEndian ? low << 32 | high : high << 32 | low
            }
            switch vr {
            case "AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT":
                var text = value
                while let last = text.last, last == 0x20 || last == 0x00 { text.removeLast() }
                while let first = text.first, first == 0x20 { text.removeFirst() }
                return "[" + cut(String(decoding: text, as: UTF8.self)
                    .map { $0.isASCII && ($0.asciiValue ?? 0) < 0x20 ? "." : String($0) }.joined()) + "]"
            case "US": return numbers(size: 2) { String(u16($0)) }
            case "SS": return numbers(size: 2) { String(Int16(bitPattern: u16($0))) }
            case "UL": return numbers(size: 4) { String(u32($0)) }
            case "SL": return numbers(size: 4) { String(Int32(bitPattern: u32($0))) }
            case "FL": return numbers(size: 4) { "\(Float(bitPattern: u32($0)))" }
            case "FD": return numbers(size: 8) { "\(Double(bitPattern: u64($0)))" }
            case "UV": return numbers(size: 8) { String(u64($0)) }
            case "SV": return numbers(size: 8) { String(Int64(bitPattern: u64($0))) }
            case "OW": return numbers(size: 2) { String(format: "%04x", u16($0)) }
            case "AT": return numbers(size: 4) { "(\(Element.hex(u16($0))),\(Element.hex(u16($0 + 2))))" }
            default:
                // Bytes of an attribute not in the dictionary that read as text are shown as text.
                if vr == "UN", !value.isEmpty, value.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0 }) {
                    return render("LO", range)
                }
                let shown = value.prefix(byteLimit).map { byte -> String in
                    let s = String(byte, radix: 16)
                    return s.count == 1 ? "0" + s : s
                }
                return shown.joined(separator: "\\") + (value.count > byteLimit ? "\\… (\(value.count) bytes)" : "")
            }
        }
    }
}
