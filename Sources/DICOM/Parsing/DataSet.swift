import Radiography

/// The top-level elements the decoder asked for, with typed readers that check the value's
/// length before reading it and name the attribute when it is malformed.
struct DataSet {
    let bytes: [UInt8]
    let elements: [Tag: DataElement]
    var bigEndian = false

    subscript(tag: Tag) -> DataElement? { elements[tag] }

    /// First value of a US element; nil when absent.
    func unsigned16(_ tag: Tag) throws -> UInt16? {
        guard let e = elements[tag] else { return nil }
        guard e.value.count >= 2 else {
            throw FilmError(.malformed, "DICOM: \(ElementDictionary.label(tag)) is empty")
        }
        let v = UInt16(bytes[e.value.lowerBound]) | UInt16(bytes[e.value.lowerBound + 1]) << 8
        return bigEndian ? v.byteSwapped : v
    }

    /// The value as text with DICOM's padding (trailing spaces and NULs, leading spaces)
    /// removed; nil when absent or empty.
    func text(_ tag: Tag) -> String? {
        guard let e = elements[tag] else { return nil }
        let trimmed = Self.trim(bytes[e.value])
        return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
    }

    /// The values of a multi-valued string (DS, IS, CS), split at backslashes and trimmed.
    func values(_ tag: Tag) -> [String]? {
        guard let e = elements[tag] else { return nil }
        let parts = bytes[e.value].split(separator: 0x5C, omittingEmptySubsequences: false)
            .map { String(decoding: Self.trim($0), as: UTF8.self) }
        return parts.allSatisfy(\.isEmpty) ? nil : parts
    }

    /// Decimal String values; throws when one is not a finite number.
    func decimals(_ tag: Tag) throws -> [Double]? {
        guard let parts = values(tag) else { return nil }
        return try parts.map { part in
            guard let v = Double(part), v.isFinite else {
                throw FilmError(.malformed, "DICOM: \(ElementDictionary.label(tag)) holds \"\(part)\", which is not a number")
            }
            return v
        }
    }

    /// First Integer String value; throws when it is not an integer.
    func integer(_ tag: Tag) throws -> Int? {
        guard let first = values(tag)?.first else { return nil }
        let body = first.hasPrefix("+") ? String(first.dropFirst()) : first
        guard let v = Int(body) else {
            throw FilmError(.malformed, "DICOM: \(ElementDictionary.label(tag)) holds \"\(first)\", which is not an integer")
        }
        return v
    }

    private static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let last = s.last, last == 0x20 || last == 0x00 { s.removeLast() }
        while let first = s.first, first == 0x20 { s.removeFirst() }
        return s
    }
}
