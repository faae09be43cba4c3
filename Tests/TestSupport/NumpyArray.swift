import Foundation

/// A `.npy` file (format version 1 or 2, C order) read into signed integers, for comparing
/// `detect convert` output with values saved by numpy.
public struct NumpyArray: Equatable {
    public var descr: String
    public var shape: [Int]
    public var values: [Int64]

    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(contentsOf path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 10, Array(bytes[0..<6]) == [0x93] + Array("NUMPY".utf8) else {
            throw FormatError(description: "\(path): not a .npy file")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard bytes.count >= start + headerLength else { throw FormatError(description: "\(path): header cut short") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        guard header.contains("'fortran_order': False"),
              let descr = Self.field(header, "descr").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }),
              let shapeText = Self.field(header, "shape") else {
            throw FormatError(description: "\(path): unexpected header \(header)")
        }
        self.descr = descr
        shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let kind = descr.dropFirst().first, size = Int(descr.dropFirst(2)) ?? 0
        guard descr.first == "<" || descr.first == "|", kind == "u" || kind == "i", [1, 2, 4].contains(size) else {
            throw FormatError(description: "\(path): dtype \(descr) not handled")
        }
        let body = Array(bytes[(start + headerLength)...])
        guard body.count == count * size else {
            throw FormatError(description: "\(path): \(body.count) bytes of data for shape \(shape) of \(descr)")
        }
        values = (0..<count).map { i in
            var raw: UInt64 = 0
            for b in 0..<size { raw |= UInt64(body[i * size + b]) << (8 * b) }
            guard kind == "i" else { return Int64(raw) }
            let shift = UInt64(64 - 8 * size)
            return Int64(bitPattern: raw << shift) >> Int64(shift)
        }
    }

    /// `('u', 2)` for both `<u2` and `|u2`: the byte-order mark of one-byte types differs
    /// between writers without meaning anything.
    public var kindAndSize: String { String(descr.dropFirst()) }

    /// The text after `'key': ` up to the next top-level comma.
    private static func field(_ header: String, _ key: String) -> String? {
        guard let range = header.range(of: "'\(key)': ") else { return nil }
        var depth = 0, end = range.upperBound
        while end < header.endIndex {
            let c = header[end]
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 { break }
            end = header.index(after: end)
        }
        return String(header[range.upperBound..<end])
    }
}
