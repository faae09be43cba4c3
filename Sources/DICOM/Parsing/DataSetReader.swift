import Radiography

/// Walks the elements of a data set, keeping the byte ranges of the ones asked for and
/// skipping everything else — including sequences of undefined length nested to any
/// reasonable depth — without ever reading outside the file.
///
/// Lengths are trusted only after they are checked against the bytes left. Odd lengths are
/// refused (PS3.5 7.1.1 requires even ones), and undefined length is accepted only where
/// PS3.5 allows it: sequences (SQ, and UN holding a sequence), items, and encapsulated
/// pixel data. In implicit VR an unknown tag with undefined length can only be a sequence.
///
/// Bounded by `DecodeLimits`: sequences nested deeper than `maxSequenceDepth` are refused (a
/// hostile file must not exhaust the stack of this recursive walk), and so is a file with more
/// than `maxElements` element, item and fragment headers in all.
struct DataSetReader {
    private var cursor: ByteCursor
    let explicitVR: Bool
    let limits: DecodeLimits
    /// Element, item and delimiter headers read so far, at every depth.
    private(set) var elementCount = 0
    /// What was read leniently (stray items and delimiters at the top level), one line each.
    private(set) var warnings: [String] = []

    init(_ bytes: [UInt8], offset: Int, explicitVR: Bool, bigEndian: Bool = false, limits: DecodeLimits) {
        cursor = ByteCursor(bytes, offset: offset, bigEndian: bigEndian)
        self.explicitVR = explicitVR
        self.limits = limits
    }

    /// Counts one more header against `maxElements`.
    private mutating func countElement(at offset: Int) throws {
        elementCount += 1
        guard elementCount <= limits.maxElements else {
            throw FilmError.overLimit(.elements, "DICOM: more than \(limits.maxElements) data elements (at byte \(offset)), over the limit")
        }
    }

    var offset: Int { cursor.offset }

    /// Reads top-level elements until the end of the bytes, until `stopBefore` says so for the
    /// next tag (peeked, not consumed), or right after `stopAfter` has been read. Returns the
    /// elements whose tags are in `keep` (the first occurrence of each).
    mutating func readElements(
        keep: Set<Tag>, stopAfter: Tag? = nil, stopBefore: ((Tag) -> Bool)? = nil
    ) throws -> [Tag: DataElement] {
        var kept: [Tag: DataElement] = [:]
        while !cursor.isAtEnd {
            if let stopBefore, let group = cursor.peekUInt16(), let element = cursor.peekUInt16(at: 2),
               stopBefore(Tag(group, element)) {
                break
            }
            let start = cursor.offset
            let header = try readHeader(explicit: explicitVR)
            if header.tag.isItemOrDelimiter {
                // Lenient as pydicom 3 and DCMTK are with what some writers leave behind: a
                // stray Sequence Delimitation Item, or an Item of defined length, is skipped with
                // a warning. An Item Delimitation Item ends the data set for pydicom (the pixels
                // after it are lost), and an Item of undefined length cannot be skipped safely:
                // both stay refused.
                if header.tag == .itemDelimiter {
                    throw FilmError(.malformed, "DICOM: Item Delimitation Item \(header.tag) at byte \(start) outside any sequence: it would end the data set before the pixel data")
                }
                guard header.tag == .sequenceDelimiter || header.tag == .item, let length = header.length else {
                    throw FilmError(.malformed, "DICOM: item or delimiter \(header.tag) at byte \(start) outside any sequence")
                }
                guard length <= cursor.remaining else {
                    throw FilmError(.truncated, "DICOM: stray \(header.tag) at byte \(start) has length \(length), past the end of the file")
                }
                _ = try cursor.take(length, for: "the value of a stray \(header.tag)")
                warnings.append("stray \(header.tag == .item ? "Item" : "Sequence Delimitation Item") \(header.tag) "
                    + "at byte \(start) outside any sequence: skipped")
                continue
            }
            let value = try skipValue(of: header, explicit: explicitVR, depth: 0)
            if keep.contains(header.tag), kept[header.tag] == nil {
                kept[header.tag] = DataElement(tag: header.tag, vr: header.vr, value: value,
                                               hasUndefinedLength: header.length == nil)
            }
            if header.tag == stopAfter { break }
        }
        return kept
    }

    // MARK: - Headers

    private struct Header {
        let tag: Tag
        let vr: VR?
        /// nil for undefined length (0xFFFFFFFF).
        let length: Int?
        let offset: Int
    }

    private mutating func readHeader(explicit: Bool) throws -> Header {
        let start = cursor.offset
        try countElement(at: start)
        try cursor.require(8, for: "the header of an element")
        let tag = Tag(try cursor.readUInt16(for: "a tag"), try cursor.readUInt16(for: "a tag"))
        var vr: VR?
        let rawLength: UInt32
        if explicit && !tag.isItemOrDelimiter {
            let (a, b) = try cursor.readPair(for: "the VR of \(tag)")
            guard (0x41...0x5A).contains(a), (0x41...0x5A).contains(b) else {
                throw FilmError(.malformed, "DICOM: element \(tag) at byte \(start) has no valid VR (bytes \(a), \(b)) although the transfer syntax is explicit VR")
            }
            let written = VR(a, b)
            vr = written
            if written.hasLongLength {
                _ = try cursor.readUInt16(for: "the reserved bytes of \(tag)")
                rawLength = try cursor.readUInt32(for: "the length of \(tag)")
            } else {
                rawLength = UInt32(try cursor.readUInt16(for: "the length of \(tag)"))
            }
        } else {
            vr = tag.isItemOrDelimiter ? nil : ElementDictionary.entries[tag]?.vr
            rawLength = try cursor.readUInt32(for: "the length of \(tag)")
        }
        if rawLength == 0xFFFF_FFFF {
            return Header(tag: tag, vr: vr, length: nil, offset: start)
        }
        guard rawLength % 2 == 0 else {
            throw FilmError(.malformed, "DICOM: element \(tag) at byte \(start) has odd length \(rawLength) (DICOM lengths are even)")
        }
        return Header(tag: tag, vr: vr, length: Int(rawLength), offset: start)
    }

    // MARK: - Values

    /// Moves past the value of `header` and returns its range.
    private mutating func skipValue(of header: Header, explicit: Bool, depth: Int) throws -> Range<Int> {
        if let length = header.length {
            guard length <= cursor.remaining else {
                throw FilmError(.truncated, "DICOM: element \(header.tag) length \(length) runs past the end of the file (\(cursor.remaining) bytes left)")
            }
            return try cursor.take(length, for: "the value of \(header.tag)")
        }
        let start = cursor.offset
        let end: Int
        switch header.vr {
        case .SQ?:
            end = try skipSequence(owner: header.tag, explicit: explicit, depth: depth + 1)
        case nil:
            // Implicit VR and not in our dictionary (explicit VR always has a VR here).
            end = try skipSequence(owner: header.tag, explicit: explicit, depth: depth + 1)
        case .UN?:
            // PS3.5 6.2.2: an undefined-length UN is a sequence encoded in implicit VR LE.
            end = try skipSequence(owner: header.tag, explicit: false, depth: depth + 1)
        case .OB?, .OW?:
            end = try skipFragments(owner: header.tag)
        case let vr?:
            throw FilmError(.malformed, "DICOM: element \(header.tag) (VR \(vr)) at byte \(header.offset) has undefined length, which only sequences and encapsulated pixel data may have")
        }
        return start..<end
    }

    /// Skips the items of an undefined-length sequence up to and including its Sequence
    /// Delimitation Item; returns the offset where the delimiter starts.
    private mutating func skipSequence(owner: Tag, explicit: Bool, depth: Int) throws -> Int {
        guard depth <= limits.maxSequenceDepth else {
            throw FilmError.overLimit(.sequenceDepth, "DICOM: sequences nested more than \(limits.maxSequenceDepth) deep (at \(owner), byte \(cursor.offset)), over the limit")
        }
        while true {
            let itemStart = cursor.offset
            let item = try readItemHeader(in: owner)
            switch item.tag {
            case .sequenceDelimiter:
                return itemStart
            case .item:
                if let length = item.length {
                    guard length <= cursor.remaining else {
                        throw FilmError(.truncated, "DICOM: item of sequence \(owner) length \(length) runs past the end of the file (\(cursor.remaining) bytes left)")
                    }
                    _ = try cursor.take(length, for: "an item of \(owner)")
                } else {
                    try skipItemElements(owner: owner, explicit: explicit, depth: depth)
                }
            default:
                throw FilmError(.malformed, "DICOM: sequence \(owner) holds \(item.tag) at byte \(itemStart) where an item or the end of the sequence belongs")
            }
        }
    }

    /// Skips the elements of an undefined-length item up to and including its Item
    /// Delimitation Item.
    private mutating func skipItemElements(owner: Tag, explicit: Bool, depth: Int) throws {
        while true {
            let start = cursor.offset
            let header = try readHeader(explicit: explicit)
            if header.tag == .itemDelimiter { return }
            if header.tag.isItemOrDelimiter {
                throw FilmError(.malformed, "DICOM: item of sequence \(owner) holds \(header.tag) at byte \(start) before its Item Delimitation Item")
            }
            _ = try skipValue(of: header, explicit: explicit, depth: depth)
        }
    }

    /// Skips encapsulated pixel data: an offset table and fragments, each an item of defined
    /// length (PS3.5 A.4), closed by a Sequence Delimitation Item. Returns where it starts.
    private mutating func skipFragments(owner: Tag) throws -> Int {
        while true {
            let itemStart = cursor.offset
            let item = try readItemHeader(in: owner, oddLengthAllowed: true)
            switch item.tag {
            case .sequenceDelimiter:
                return itemStart
            case .item:
                guard let length = item.length else {
                    throw FilmError(.malformed, "DICOM: fragment of \(owner) at byte \(itemStart) has undefined length")
                }
                guard length <= cursor.remaining else {
                    throw FilmError(.truncated, "DICOM: fragment of \(owner) length \(length) runs past the end of the file (\(cursor.remaining) bytes left)")
                }
                _ = try cursor.take(length, for: "a fragment of \(owner)")
            default:
                throw FilmError(.malformed, "DICOM: encapsulated \(owner) holds \(item.tag) at byte \(itemStart) where a fragment or the end belongs")
            }
        }
    }

    /// Items and delimiters are a tag and a 32-bit length in every transfer syntax. A fragment
    /// of encapsulated pixel data may have an odd length (`oddLengthAllowed`): some writers (a
    /// Kodak CR's JPEG 2000 films, for one) store the codestream unpadded, and pydicom and
    /// DCMTK read it; the length is unambiguous and the next item header follows directly.
    private mutating func readItemHeader(in owner: Tag, oddLengthAllowed: Bool = false) throws -> Header {
        let start = cursor.offset
        try countElement(at: start)
        try cursor.require(8, for: "an item header of \(owner)")
        let tag = Tag(try cursor.readUInt16(for: "a tag"), try cursor.readUInt16(for: "a tag"))
        let raw = try cursor.readUInt32(for: "an item length")
        if raw == 0xFFFF_FFFF { return Header(tag: tag, vr: nil, length: nil, offset: start) }
        guard raw % 2 == 0 || oddLengthAllowed else {
            throw FilmError(.malformed, "DICOM: item \(tag) of \(owner) at byte \(start) has odd length \(raw) (DICOM lengths are even)")
        }
        return Header(tag: tag, vr: nil, length: Int(raw), offset: start)
    }
}
