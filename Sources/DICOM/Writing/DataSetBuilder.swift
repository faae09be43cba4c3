/// A data set assembled in any order and written in ascending tag order (PS3.5 7.1), with
/// nested sequences: what the derived objects (SEG, SR, SC) need and `ElementWriter` alone,
/// which appends in the order it is called, does not give.
struct DataSetBuilder {
    private enum Value {
        case bytes(VR, [UInt8])
        case sequence([DataSetBuilder])
    }

    private var elements: [Tag: Value] = [:]

    init() {}

    /// A value as it goes into the file, padded to even length: UIDs with NUL, text with a
    /// space, binary VRs with a zero byte.
    mutating func set(_ tag: Tag, _ vr: VR, bytes: [UInt8]) {
        var value = bytes
        if value.count % 2 == 1 {
            value.append([VR.UI, .OB, .UN].contains(vr) ? 0x00 : 0x20)
        }
        elements[tag] = .bytes(vr, value)
    }

    mutating func set(_ tag: Tag, _ vr: VR, text: String) {
        set(tag, vr, bytes: Array(text.utf8))
    }

    mutating func set(_ tag: Tag, us value: UInt16) {
        set(tag, .US, bytes: [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    /// Decimal String values, each at most 16 characters.
    mutating func set(_ tag: Tag, decimals: [Double]) {
        set(tag, .DS, text: decimals.map(ElementWriter.decimalString).joined(separator: "\\"))
    }

    /// An Attribute Tag value: the tag another attribute is found by (Dimension Index Pointer).
    mutating func set(_ tag: Tag, pointer: Tag) {
        set(tag, .AT, bytes: [UInt8(pointer.group & 0xFF), UInt8(pointer.group >> 8),
                              UInt8(pointer.element & 0xFF), UInt8(pointer.element >> 8)])
    }

    mutating func set(_ tag: Tag, sequence items: [DataSetBuilder]) {
        elements[tag] = .sequence(items)
    }

    /// A code sequence of one item (Code Value, Coding Scheme Designator, Code Meaning).
    mutating func set(_ tag: Tag, code: CodedConcept) {
        set(tag, sequence: [code.item])
    }

    /// Adds the other's elements, which win where both have one.
    mutating func merge(_ other: DataSetBuilder) {
        elements.merge(other.elements) { _, theirs in theirs }
    }

    /// Every element in ascending tag order, explicit VR little endian.
    var bytes: [UInt8] {
        var writer = ElementWriter(explicitVR: true)
        for tag in elements.keys.sorted() {
            switch elements[tag]! {
            case let .bytes(vr, value): writer.append(tag, vr, value)
            case let .sequence(items): writer.append(tag, items: items.map(\.bytes))
            }
        }
        return writer.bytes
    }
}

/// A coded concept as DICOM codes it: Code Value, Coding Scheme Designator, Code Meaning
/// (PS3.3 8.8). Schemes starting with "99" are private (PS3.16 8.2).
public struct CodedConcept: Sendable, Equatable {
    public var value: String
    public var scheme: String
    public var meaning: String

    public init(_ value: String, _ scheme: String, _ meaning: String) {
        self.value = value
        self.scheme = scheme
        self.meaning = meaning
    }

    var item: DataSetBuilder {
        var item = DataSetBuilder()
        item.set(Tag(0x0008, 0x0100), .SH, text: value)
        item.set(Tag(0x0008, 0x0102), .SH, text: scheme)
        item.set(Tag(0x0008, 0x0104), .LO, text: meaning)
        return item
    }
}
