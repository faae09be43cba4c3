/// A colour film's luminance, the one channel a radiograph carries: colour DICOM films of
/// radiographs are scans or secondary captures of grayscale content.
///
/// RGB uses the Rec. 601 luma weights (0.299, 0.587, 0.114), as JPEG/JFIF and most viewers
/// do; its result never exceeds the largest component value, so Bits Stored still bounds it.
/// YBR_FULL and YBR_FULL_422 already carry luma as their first component (PS3.3 C.7.6.3.1.2).
enum ColourLuminance {
    @inline(__always)
    static func luma(_ r: UInt16, _ g: UInt16, _ b: UInt16) -> UInt16 {
        UInt16(truncatingIfNeeded: (299 &* UInt32(r) &+ 587 &* UInt32(g) &+ 114 &* UInt32(b) &+ 500) / 1000)
    }

    /// Combines three planes of stored words (each `count` long, in `planes`) into mapped
    /// samples, applying the mapping's shift and mask to each component first.
    static func combine(planes: UnsafeBufferPointer<UInt16>, count: Int, photometric: PixelModule.Photometric,
                        mapping: SampleMapping, into out: UnsafeMutableBufferPointer<UInt16>) {
        let shift = mapping.shift, mask = mapping.mask, xor = mapping.xor
        if photometric == .ybrFull || photometric == .ybrFull422 {
            for i in 0..<count { out[i] = ((planes[i] &>> shift) & mask) ^ xor }
            return
        }
        for i in 0..<count {
            let r = (planes[i] &>> shift) & mask
            let g = (planes[count &+ i] &>> shift) & mask
            let b = (planes[2 &* count &+ i] &>> shift) & mask
            out[i] = luma(r, g, b) ^ xor
        }
    }
}
