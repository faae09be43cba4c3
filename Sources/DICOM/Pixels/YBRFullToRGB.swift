/// YCbCr (YBR_FULL, YBR_FULL_422 once upsampled, and JPEG frames coded in YCbCr) to RGB as
/// pydicom 3's default `pixel_array` gives it (`as_rgb=True`,
/// `pydicom.pixels.processing.convert_color_space`): the full-range transform of PS3.3
/// C.7.6.3.1.2 in single precision, chroma centred on 128, rounded half up, clamped to 0…255.
/// pydicom applies it to 8-bit samples; so do we (wider colour samples stay as stored).
enum YBRFullToRGB {
    // pydicom's matrix: computed in double, stored as Float.
    static let cbToG = Float(-0.114 * 1.772 / 0.587)
    static let crToG = Float(-0.299 * 1.402 / 0.587)
    static let crToR = Float(1.402)
    static let cbToB = Float(1.772)

    /// Converts interleaved Y, Cb, Cr words (8-bit values) into R, G, B in place.
    static func convert(_ words: inout [UInt32]) {
        @inline(__always) func rounded(_ v: Float) -> UInt32 { UInt32(min(max((v + 0.5).rounded(.down), 0), 255)) }
        words.withUnsafeMutableBufferPointer { w in
            for i in stride(from: 0, to: w.count - 2, by: 3) {
                let y = Float(w[i]), cb = Float(w[i + 1]) - 128, cr = Float(w[i + 2]) - 128
                w[i] = rounded(y + cr * crToR)
                w[i + 1] = rounded(y + cb * cbToG + cr * crToG)
                w[i + 2] = rounded(y + cb * cbToB)
            }
        }
    }
}
