import Radiography

/// Uncompressed (native) pixel data: frames stored back to back, 8 or 16 bits per sample,
/// little endian. One pass over the frame's bytes, mapping each sample as it is read.
enum NativePixelDecoder {
    /// Checks that the Pixel Data element holds every frame the header declares, before
    /// anything is allocated, and returns the byte range of frame `index` (0-based).
    static func frameRange(_ m: PixelModule, pixelData: Range<Int>, index: Int) throws -> Range<Int> {
        let frameBytes = m.rows * m.columns * m.bytesPerSample  // ≤ 2 × DecodeLimits.maxPixels
        let (needed, overflow) = frameBytes.multipliedReportingOverflow(by: m.numberOfFrames)
        guard !overflow, needed <= pixelData.count else {
            let frames = m.numberOfFrames == 1 ? "" : " × \(m.numberOfFrames) frames"
            throw FilmError("DICOM: Pixel Data holds \(pixelData.count) bytes but \(m.columns)×\(m.rows) pixels\(frames) × \(m.bytesPerSample) bytes need \(overflow ? "more than \(Int.max)" : String(needed))")
        }
        let start = pixelData.lowerBound + index * frameBytes
        return start..<(start + frameBytes)
    }

    /// The samples of one frame, mapped. `range` must come from `frameRange`.
    static func decode(_ bytes: [UInt8], range: Range<Int>, module m: PixelModule, mapping: SampleMapping) -> [UInt16] {
        let count = m.rows * m.columns
        let shift = mapping.shift, mask = mapping.mask, xor = mapping.xor
        return bytes.withUnsafeBytes { raw in
            let src = UnsafeRawBufferPointer(rebasing: raw[range])
            return [UInt16](unsafeUninitializedCapacity: count) { out, initialised in
                let dst = out.baseAddress!
                let base = src.baseAddress!
                if m.bitsAllocated == 16 {
                    for i in 0..<count {
                        let word = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self))
                        dst[i] = ((word &>> shift) & mask) ^ xor
                    }
                } else {
                    for i in 0..<count {
                        let word = UInt16(base.load(fromByteOffset: i, as: UInt8.self))
                        dst[i] = ((word &>> shift) & mask) ^ xor
                    }
                }
                initialised = count
            }
        }
    }
}
