import Radiography

/// NumPy's `.npy` format version 1.0: magic, header length, a Python dict literal giving dtype,
/// order and shape, padded so the data starts at a multiple of 64 bytes, then the data
/// (what `detect convert FILE OUT.npy` writes; `numpy.load` reads it back).
public enum NumpyEncoder {
    /// A film's samples as `(height, width)`: `|u1` when `bitsStored` ≤ 8, else `<u2`.
    public static func encode(_ film: Radiograph) -> [UInt8] {
        let shape = [film.height, film.width]
        guard film.bitsStored <= 8 else { return encode(uint16: film.pixels, shape: shape) }
        return encode(descriptor: "|u1", shape: shape, body: film.pixels.map { UInt8(truncatingIfNeeded: $0) })
    }

    /// Unsigned 16-bit values, row-major, as `<u2` (little endian whatever the machine).
    public static func encode(uint16 values: [UInt16], shape: [Int]) -> [UInt8] {
        var body = [UInt8]()
        body.reserveCapacity(values.count * 2)
        for v in values {
            body.append(UInt8(truncatingIfNeeded: v))
            body.append(UInt8(truncatingIfNeeded: v >> 8))
        }
        return encode(descriptor: "<u2", shape: shape, body: body)
    }

    /// Any array whose values are already laid out row-major in `body`; `descriptor` is NumPy's
    /// dtype string (`<u2`, `|u1`, `<i4`, …).
    public static func encode(descriptor: String, shape: [Int], body: [UInt8]) -> [UInt8] {
        header(descriptor: descriptor, shape: shape) + body
    }

    static func header(descriptor: String, shape: [Int]) -> [UInt8] {
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var dict = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = dict.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }
}
