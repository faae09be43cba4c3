import Radiography

/// One frame's stored pixel values as the file defines them: masked to Bits Stored (bits
/// above High Bit and below its field dropped), sign-extended for signed data, and nothing
/// else: no modality rescale, no window, no MONOCHROME1 inversion, no colour conversion.
///
/// This is what `detect convert FILE OUT.npy` writes and what pydicom 3's default `pixel_array`
/// returns, so the two can be compared value for value. Colour frames keep their samples
/// interleaved (`rows × columns × 3`). 8-bit YCbCr (YBR_FULL, YBR_FULL_422 with its chroma
/// repeated to full size, JPEG frames coded in YCbCr) is converted to RGB as pydicom 3 does by
/// default (`Colour.rgb`, `YBRFullToRGB`), or kept as stored (`Colour.asStored`, pydicom's
/// `as_rgb=False`); wider YCbCr samples stay as stored. Palette colour gives the indices.
public struct DICOMStoredFrame: Sendable {
    /// What becomes of YCbCr colour.
    public enum Colour: Sendable {
        /// Converted to RGB as pydicom 3's default `pixel_array` (8-bit samples).
        case rgb
        /// As stored (pydicom's `as_rgb=False`).
        case asStored
    }

    /// NumPy's names for the natural type of the samples; 1-bit data is given as `uint8`.
    public enum SampleType: String, Sendable, CaseIterable {
        case uint8, int8, uint16, int16, uint32, int32

        public var byteCount: Int {
            switch self {
            case .uint8, .int8: 1
            case .uint16, .int16: 2
            case .uint32, .int32: 4
            }
        }

        public var isSigned: Bool { self == .int8 || self == .int16 || self == .int32 }

        /// The `.npy` header's `descr`: little-endian, e.g. `<u2`, `|u1`.
        public var numpyDescriptor: String {
            let kind = isSigned ? "i" : "u"
            return (byteCount == 1 ? "|" : "<") + kind + String(byteCount)
        }
    }

    public let rows: Int
    public let columns: Int
    /// 1 or 3.
    public let samplesPerPixel: Int
    public let sampleType: SampleType
    /// Bits Stored of the file: every value fits in this many bits (signed or not).
    public let bitsStored: Int
    /// As the file states it (e.g. `MONOCHROME1`, `YBR_FULL_422`), or `RGB` once YCbCr was converted.
    public let photometricInterpretation: String
    /// `rows × columns × samplesPerPixel` values of `sampleType`, little endian, row-major,
    /// samples of a pixel adjacent: exactly the body of an `.npy` file.
    public let bytes: [UInt8]

    /// Number of values (`rows × columns × samplesPerPixel`).
    public var count: Int { rows * columns * samplesPerPixel }

    /// The array's shape as NumPy (and pydicom's `pixel_array`) gives it: `(rows, columns)` for
    /// grayscale, `(rows, columns, samples)` for colour.
    public var numpyShape: [Int] { samplesPerPixel == 1 ? [rows, columns] : [rows, columns, samplesPerPixel] }

    /// Value `index` (in the interleaved order of `bytes`) as an integer.
    public func value(at index: Int) -> Int {
        let p = index * sampleType.byteCount
        switch sampleType {
        case .uint8: return Int(bytes[p])
        case .int8: return Int(Int8(bitPattern: bytes[p]))
        case .uint16: return Int(UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8)
        case .int16: return Int(Int16(bitPattern: UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8))
        case .uint32, .int32:
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[p + k]) << (8 * UInt32(k)) }
            return sampleType == .uint32 ? Int(v) : Int(Int32(bitPattern: v))
        }
    }

    /// Builds the frame from interleaved stored words, masking and sign-extending each.
    init(words: [UInt32], module m: PixelModule, photometric: String? = nil) {
        rows = m.rows
        columns = m.columns
        samplesPerPixel = m.samplesPerPixel
        bitsStored = m.bitsStored
        photometricInterpretation = photometric ?? m.photometricName
        switch (m.bitsAllocated, m.isSigned) {
        case (1, _), (8, false): sampleType = .uint8
        case (8, true): sampleType = .int8
        case (16, false): sampleType = .uint16
        case (16, true): sampleType = .int16
        case (_, false): sampleType = .uint32
        case (_, true): sampleType = .int32
        }
        let shift = UInt32(m.highBit + 1 - m.bitsStored)
        let mask: UInt32 = m.bitsStored == 32 ? .max : (1 << UInt32(m.bitsStored)) - 1
        let sign: UInt32 = m.isSigned ? 1 << UInt32(m.bitsStored - 1) : 0
        let width = sampleType.byteCount
        let count = words.count
        bytes = [UInt8](unsafeUninitializedCapacity: count * width) { out, initialised in
            words.withUnsafeBufferPointer { src in
                for i in 0..<count {
                    let v = (src[i] &>> shift) & mask
                    // Two's-complement sign extension: (v ^ sign) − sign, wrapping.
                    let extended = sign == 0 ? v : (v ^ sign) &- sign
                    for k in 0..<width { out[i &* width &+ k] = UInt8(truncatingIfNeeded: extended &>> UInt32(8 * k)) }
                }
            }
            initialised = count * width
        }
    }
}
