/// Hand-made DICOM data sets for cases no writer produces: explicit VR little endian elements,
/// with an optional `DICM` + File Meta Information prefix naming the transfer syntax.
public enum DataSetBuilder {
    private static let longVRs: Set<String> = ["OB", "OW", "SQ", "UN", "UT"]

    public static func element(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8]) -> [UInt8] {
        var v = value
        if v.count % 2 == 1 { v.append(vr == "UI" || vr == "OB" ? 0 : 0x20) }
        var out: [UInt8] = [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)] + Array(vr.utf8)
        if longVRs.contains(vr) {
            out += [0, 0, 0, 0, 0, 0]
            out.put32(UInt32(v.count), at: 8)
        } else {
            out += [UInt8(v.count & 0xFF), UInt8(v.count >> 8)]
        }
        return out + v
    }

    public static func us(_ group: UInt16, _ elem: UInt16, _ value: UInt16) -> [UInt8] {
        element(group, elem, "US", [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    public static func text(_ group: UInt16, _ elem: UInt16, _ vr: String, _ value: String) -> [UInt8] {
        element(group, elem, vr, Array(value.utf8))
    }

    /// `DICM` at byte 0 (no preamble) and a meta group holding only the Transfer Syntax UID.
    public static func meta(syntax uid: String) -> [UInt8] {
        Array("DICM".utf8) + text(0x0002, 0x0010, "UI", uid)
    }

    /// The Image Pixel module of a grayscale film.
    public static func pixelModule(rows: UInt16, columns: UInt16, bitsAllocated: UInt16, frames: String? = nil) -> [UInt8] {
        text(0x0008, 0x0060, "CS", "DX")
            + us(0x0028, 0x0002, 1) + text(0x0028, 0x0004, "CS", "MONOCHROME2")
            + (frames.map { text(0x0028, 0x0008, "IS", $0) } ?? [])
            + us(0x0028, 0x0010, rows) + us(0x0028, 0x0011, columns)
            + us(0x0028, 0x0100, bitsAllocated) + us(0x0028, 0x0101, bitsAllocated)
            + us(0x0028, 0x0102, bitsAllocated - 1) + us(0x0028, 0x0103, 0)
    }

    /// Encapsulated Pixel Data: the Basic Offset Table item, one item per fragment, the delimiter.
    public static func encapsulated(table: [UInt8], fragments: [[UInt8]]) -> [UInt8] {
        func item(_ v: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0]
            out.put32(UInt32(v.count), at: 4)
            return out + v
        }
        return [0xE0, 0x7F, 0x10, 0x00] + Array("OB".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            + item(table) + fragments.flatMap(item) + [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
    }
}
