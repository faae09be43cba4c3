import Radiography

/// Splits encapsulated Pixel Data (PS3.5 A.4) into the bytes of one frame: an item holding
/// the Basic Offset Table, then fragments, each an item of defined length. The reader has
/// already walked these items once, so here only their layout is interpreted.
///
/// Which fragments form frame k: with a Basic Offset Table, those starting at its offsets;
/// without one, one fragment per frame when the counts match, or every fragment when there is
/// a single frame. Any other layout needs the codec's own markers and is refused for now.
enum EncapsulatedFrames {
    /// The fragments of frame `index` (0-based) as byte ranges, in order.
    static func fragments(of index: Int, frames: Int, in bytes: [UInt8], value: Range<Int>) throws -> [Range<Int>] {
        var cursor = ByteCursor(bytes, offset: value.lowerBound)
        var items: [Range<Int>] = []  // item values, the first being the offset table
        var itemStarts: [Int] = []
        while cursor.offset + 8 <= value.upperBound {
            itemStarts.append(cursor.offset)
            let group = try cursor.readUInt16(for: "an item tag"), element = try cursor.readUInt16(for: "an item tag")
            guard group == 0xFFFE, element == 0xE000 else {
                throw FilmError(.truncated, "DICOM: encapsulated Pixel Data holds \(Tag(group, element)) where a fragment belongs")
            }
            let length = Int(try cursor.readUInt32(for: "an item length"))
            guard length <= value.upperBound - cursor.offset else {
                throw FilmError(.truncated, "DICOM: fragment length \(length) runs past the end of the Pixel Data")
            }
            items.append(try cursor.take(length, for: "a fragment"))
        }
        guard let table = items.first else {
            throw FilmError(.malformed, "DICOM: encapsulated Pixel Data has no Basic Offset Table item")
        }
        let fragments = Array(items.dropFirst())
        let fragmentStarts = Array(itemStarts.dropFirst())
        guard !fragments.isEmpty else {
            throw FilmError(.malformed, "DICOM: encapsulated Pixel Data has no fragments")
        }

        if !table.isEmpty {
            // Offsets are measured from the first byte of the first fragment's item header.
            // Compared by division: `frames` comes from Number of Frames, and 4 × a lying
            // count overflows.
            guard table.count % 4 == 0, table.count / 4 == frames else {
                throw FilmError(.malformed, "DICOM: Basic Offset Table has \(table.count / 4) entries for \(frames) frames")
            }
            let origin = fragmentStarts[0]
            func offset(_ k: Int) -> Int {
                let p = table.lowerBound + 4 * k
                return Int(bytes[p]) | Int(bytes[p + 1]) << 8 | Int(bytes[p + 2]) << 16 | Int(bytes[p + 3]) << 24
            }
            let start = origin + offset(index)
            let end = index + 1 < frames ? origin + offset(index + 1) : Int.max
            guard let first = fragmentStarts.firstIndex(of: start) else {
                throw FilmError(.malformed, "DICOM: Basic Offset Table entry \(index + 1) does not point at a fragment")
            }
            var chosen: [Range<Int>] = []
            var k = first
            while k < fragments.count, fragmentStarts[k] < end {
                chosen.append(fragments[k])
                k += 1
            }
            return chosen
        }
        if fragments.count == frames { return [fragments[index]] }
        if frames == 1 { return fragments }
        throw FilmError(.malformed, "DICOM: \(fragments.count) fragments for \(frames) frames and no Basic Offset Table to tell them apart")
    }
}
