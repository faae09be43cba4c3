import Radiography

/// Uncompressed (native) pixel data: frames stored back to back, 8 or 16 bits per sample.
/// One pass over the frame's bytes, mapping each sample as it is read (colour: each pixel's
/// three samples to one luminance, see `ColourLuminance`).
enum NativePixelDecoder {
    /// How the bytes of the Pixel Data element are laid out beyond the pixel module.
    struct Layout {
        /// 16-bit words in big endian (Explicit VR Big Endian).
        let bigEndian: Bool
        /// 8-bit samples in an OW element of a big-endian file: OW is byte-swapped as 16-bit
        /// words (PS3.5 7.3), so sample k sits at byte k ^ 1 of the element.
        let swapsBytePairs: Bool
        let element: Range<Int>

        init(bigEndian: Bool, vr: VR?, element: Range<Int>) {
            self.bigEndian = bigEndian
            self.swapsBytePairs = bigEndian && vr == .OW
            self.element = element
        }
    }

    /// Checks that the Pixel Data element holds every frame the header declares, before
    /// anything is allocated, and returns the byte range of frame `index` (0-based).
    static func frameRange(_ m: PixelModule, pixelData: Range<Int>, index: Int) throws -> Range<Int> {
        let frameBytes = m.rows * m.columns * m.bytesPerPixel  // ≤ 6 × DecodeLimits.maxPixels
        let (needed, overflow) = frameBytes.multipliedReportingOverflow(by: m.numberOfFrames)
        guard !overflow, needed <= pixelData.count else {
            let frames = m.numberOfFrames == 1 ? "" : " × \(m.numberOfFrames) frames"
            throw FilmError(.truncated, "DICOM: Pixel Data holds \(pixelData.count) bytes but \(m.columns)×\(m.rows) pixels\(frames) × \(m.bytesPerPixel) bytes need \(overflow ? "more than \(Int.max)" : String(needed))")
        }
        let start = pixelData.lowerBound + index * frameBytes
        return start..<(start + frameBytes)
    }

    /// The samples of one frame, mapped. `range` must come from `frameRange`.
    static func decode(_ bytes: [UInt8], range: Range<Int>, module m: PixelModule, mapping: SampleMapping,
                       layout: Layout) -> [UInt16] {
        if m.samplesPerPixel == 3 {
            return decodeColour(bytes, range: range, module: m, mapping: mapping, layout: layout)
        }
        let count = m.rows * m.columns
        let shift = mapping.shift, mask = mapping.mask, xor = mapping.xor
        return bytes.withUnsafeBytes { raw in
            [UInt16](unsafeUninitializedCapacity: count) { out, initialised in
                HugePages.advise(out)
                let dst = out.baseAddress!
                let base = raw.baseAddress! + range.lowerBound
                switch (m.bitsAllocated, layout.bigEndian, layout.swapsBytePairs) {
                case (16, false, _):
                    for i in 0..<count {
                        let word = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self))
                        dst[i] = ((word &>> shift) & mask) ^ xor
                    }
                case (16, true, _):
                    for i in 0..<count {
                        let word = UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self))
                        dst[i] = ((word &>> shift) & mask) ^ xor
                    }
                case (_, _, false):
                    for i in 0..<count {
                        let word = UInt16(base.load(fromByteOffset: i, as: UInt8.self))
                        dst[i] = ((word &>> shift) & mask) ^ xor
                    }
                case (_, _, true):
                    // Swapped pairs are counted from the element's start, which frames of odd
                    // size do not share; the element has even length, so k ^ 1 stays inside.
                    let element = raw.baseAddress! + layout.element.lowerBound
                    let first = range.lowerBound - layout.element.lowerBound
                    for i in 0..<count {
                        let word = UInt16(element.load(fromByteOffset: (first &+ i) ^ 1, as: UInt8.self))
                        dst[i] = ((word &>> shift) & mask) ^ xor
                    }
                }
                initialised = count
            }
        }
    }

    /// Colour frames: gathers the three components of each pixel (interleaved or planar) as
    /// stored words, then reduces them to luminance. Colour films are rare and small, so this
    /// path favours one clear gather over a specialised loop per layout.
    private static func decodeColour(_ bytes: [UInt8], range: Range<Int>, module m: PixelModule,
                                     mapping: SampleMapping, layout: Layout) -> [UInt16] {
        let count = m.rows * m.columns
        var planes = [UInt16](repeating: 0, count: 3 * count)
        bytes.withUnsafeBytes { raw in
            planes.withUnsafeMutableBufferPointer { planes in
                let base = raw.baseAddress! + range.lowerBound
                let element = raw.baseAddress! + layout.element.lowerBound
                let first = range.lowerBound - layout.element.lowerBound
                for c in 0..<3 {
                    for i in 0..<count {
                        let k = m.isPlanar ? c &* count &+ i : 3 &* i &+ c  // sample index in the frame
                        let word: UInt16
                        if m.bitsAllocated == 16 {
                            let w = base.loadUnaligned(fromByteOffset: 2 &* k, as: UInt16.self)
                            word = layout.bigEndian ? UInt16(bigEndian: w) : UInt16(littleEndian: w)
                        } else if layout.swapsBytePairs {
                            word = UInt16(element.load(fromByteOffset: (first &+ k) ^ 1, as: UInt8.self))
                        } else {
                            word = UInt16(base.load(fromByteOffset: k, as: UInt8.self))
                        }
                        planes[c &* count &+ i] = word
                    }
                }
            }
        }
        return [UInt16](unsafeUninitializedCapacity: count) { out, initialised in
            planes.withUnsafeBufferPointer {
                ColourLuminance.combine(planes: $0, count: count, photometric: m.photometric, mapping: mapping, into: out)
            }
            initialised = count
        }
    }
}
