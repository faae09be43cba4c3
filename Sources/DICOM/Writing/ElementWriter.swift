import Foundation

/// Appends data elements in little endian, explicit or implicit VR. The caller writes
/// elements in ascending tag order, as PS3.5 7.1 requires.
struct ElementWriter {
    private(set) var bytes: [UInt8] = []
    let explicitVR: Bool

    init(explicitVR: Bool) { self.explicitVR = explicitVR }

    mutating func append(_ tag: Tag, _ vr: VR, _ value: [UInt8]) {
        precondition(value.count % 2 == 0, "DICOM values have even length")
        appendUInt16(tag.group)
        appendUInt16(tag.element)
        if explicitVR {
            bytes.append(UInt8(vr.raw >> 8))
            bytes.append(UInt8(vr.raw & 0xFF))
            if vr.hasLongLength {
                appendUInt16(0)
                appendUInt32(UInt32(value.count))
            } else {
                appendUInt16(UInt16(value.count))
            }
        } else {
            appendUInt32(UInt32(value.count))
        }
        bytes.append(contentsOf: value)
    }

    /// A sequence of defined length whose items are the given encoded data sets (each written
    /// as an Item of defined length, PS3.5 7.5).
    mutating func append(_ tag: Tag, items: [[UInt8]]) {
        var value: [UInt8] = []
        for item in items {
            var header = ElementWriter(explicitVR: false)
            header.appendUInt16(Tag.item.group)
            header.appendUInt16(Tag.item.element)
            header.appendUInt32(UInt32(item.count))
            value += header.bytes
            value += item
        }
        append(tag, .SQ, value)
    }

    /// Text padded to even length: UIDs with NUL, everything else with a space (PS3.5 6.2).
    mutating func append(_ tag: Tag, _ vr: VR, text: String) {
        var value = Array(text.utf8)
        if value.count % 2 == 1 { value.append(vr == .UI ? 0x00 : 0x20) }
        append(tag, vr, value)
    }

    mutating func append(_ tag: Tag, us value: UInt16) {
        append(tag, .US, [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    mutating func append(_ tag: Tag, ul value: UInt32) {
        append(tag, .UL, (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) })
    }

    /// Decimal String values, each at most 16 characters (PS3.5 6.2 DS).
    mutating func append(_ tag: Tag, decimals: [Double]) {
        append(tag, .DS, text: decimals.map(Self.decimalString).joined(separator: "\\"))
    }

    private mutating func appendUInt16(_ v: UInt16) {
        bytes.append(UInt8(v & 0xFF))
        bytes.append(UInt8(v >> 8))
    }

    private mutating func appendUInt32(_ v: UInt32) {
        for k in 0..<4 { bytes.append(UInt8((v >> (8 * UInt32(k))) & 0xFF)) }
    }

    /// The shortest form that round-trips, cut to fewer significant digits only when it would
    /// not fit DS's 16 characters.
    static func decimalString(_ v: Double) -> String {
        var s = "\(v)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        var digits = 15
        while s.count > 16 && digits > 1 {
            s = String(format: "%.\(digits)g", v)
            digits -= 1
        }
        return s
    }
}
