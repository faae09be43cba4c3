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

    /// Whether pydicom 3 converts a JPEG frame's three components (`_conform_jpg_colorspace`):
    /// component ids R, G, B (or r, g, b) mean RGB whatever the file says; a JFIF marker means
    /// YCbCr when Photometric Interpretation names no YBR; otherwise the file's YBR_FULL or
    /// YBR_FULL_422. (A frame labelled RGB is left as decoded, as pylibjpeg's libjpeg returns it.)
    static func jpegIsYCbCr(_ codestream: [UInt8], module m: PixelModule) -> Bool {
        guard m.samplesPerPixel == 3 else { return false }
        var jfif = false, ids: [UInt8] = []
        codestream.withUnsafeBufferPointer { src in
            var position = 2
            // Marker segments up to the first scan; a malformed stream simply ends the walk.
            while let (marker, segment) = try? JPEGSegments.nextMarker(src, at: &position, codec: "JPEG"),
                  marker != 0xDA, marker != 0xD9 {
                let body = segment.lowerBound
                if marker == 0xE0, segment.count >= 5, Array(src[body..<(body + 5)]) == Array("JFIF\0".utf8) { jfif = true }
                if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC, segment.count >= 6 {
                    let n = Int(src[body + 5])
                    if segment.count >= 6 + 3 * n { ids = (0..<n).map { src[body + 6 + 3 * $0] } }
                }
            }
        }
        if ids == [82, 71, 66] || ids == [114, 103, 98] { return false }
        if jfif && !m.photometricName.contains("YBR") { return true }
        return m.photometric == .ybrFull || m.photometric == .ybrFull422
    }
}
