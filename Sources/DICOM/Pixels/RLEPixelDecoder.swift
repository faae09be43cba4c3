import Radiography

/// RLE Lossless (PS3.5 Annex G): each frame one fragment, a 64-byte header (segment count and
/// 15 segment offsets, little endian), then one PackBits segment per byte of each sample
/// (component by component, most significant byte first): 1 or 2 segments for grayscale,
/// 3 or 6 for colour, which is then reduced to luminance (4 or 12 for 32-bit stored values).
enum RLEPixelDecoder {
    static func decode(_ bytes: [UInt8], fragment: Range<Int>, module m: PixelModule, mapping: SampleMapping) throws -> [UInt16] {
        mapping.apply(toPlanes: try planes(bytes, fragment: fragment, module: m, as: UInt16.self), module: m)
    }

    /// One plane of stored words per component (`samplesPerPixel × rows × columns`); the word
    /// type must hold Bits Allocated.
    static func planes<Word: FixedWidthInteger & UnsignedInteger>(
        _ bytes: [UInt8], fragment: Range<Int>, module m: PixelModule, as: Word.Type
    ) throws -> [Word] {
        guard m.bitsAllocated >= 8, m.bitsAllocated <= Word.bitWidth else {
            throw FilmError(.unsupported, "DICOM: RLE Lossless with Bits Allocated \(m.bitsAllocated) is not supported")
        }
        let count = m.rows * m.columns
        let segments = m.bytesPerPixel
        guard fragment.count >= 64 else {
            throw FilmError(.truncated, "DICOM: RLE frame is \(fragment.count) bytes, shorter than its 64-byte header")
        }
        func header(_ k: Int) -> Int {
            let p = fragment.lowerBound + 4 * k
            return Int(bytes[p]) | Int(bytes[p + 1]) << 8 | Int(bytes[p + 2]) << 16 | Int(bytes[p + 3]) << 24
        }
        guard header(0) == segments else {
            throw FilmError(.malformed, "DICOM: RLE frame has \(header(0)) segments; \(segments) expected for \(m.bitsAllocated)-bit \(m.samplesPerPixel == 1 ? "grayscale" : "colour")")
        }
        var starts: [Int] = []
        for s in 0..<segments {
            let start = header(1 + s)
            guard start >= 64, start <= fragment.count, start >= (starts.last ?? 64) else {
                throw FilmError(.malformed, "DICOM: RLE segment \(s + 1) offset \(start) is outside its frame (\(fragment.count) bytes) or before the previous segment")
            }
            starts.append(start)
        }
        var ranges: [Range<Int>] = []
        for s in 0..<segments {
            let end = s + 1 < segments ? starts[s + 1] : fragment.count
            // PackBits expands at most 128 bytes out per 2 bytes in.
            guard (end - starts[s]) * 64 >= count else {
                throw FilmError(.truncated, "DICOM: RLE segment \(s + 1) is \(end - starts[s]) bytes, too short for \(count) pixels")
            }
            ranges.append((fragment.lowerBound + starts[s])..<(fragment.lowerBound + end))
        }

        // One plane of stored words per component.
        var planes = [Word](repeating: 0, count: count * m.samplesPerPixel)
        try bytes.withUnsafeBufferPointer { src in
            try planes.withUnsafeMutableBufferPointer { all in
                for (s, range) in ranges.enumerated() {
                    let component = s / m.bytesPerSample
                    let shift = Word(8 * (m.bytesPerSample - 1 - s % m.bytesPerSample))
                    let plane = UnsafeMutableBufferPointer(rebasing: all[(component * count)..<((component + 1) * count)])
                    let produced = unpack(src, range, into: plane, shift: shift)
                    guard produced == count else {
                        throw FilmError(.malformed, "DICOM: RLE segment \(s + 1) decodes to \(produced) bytes; \(count) expected")
                    }
                }
            }
        }
        return planes
    }

    /// PackBits: n in 0…127 copies n+1 literal bytes, n in −127…−1 repeats the next byte
    /// 1−n times, −128 does nothing. ORs each byte, shifted, into `out`; stops when `out` is
    /// full or the input ends, and returns how many bytes it produced.
    private static func unpack<Word: FixedWidthInteger & UnsignedInteger>(
        _ src: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: UnsafeMutableBufferPointer<Word>, shift: Word
    ) -> Int {
        var i = range.lowerBound, o = 0
        let end = range.upperBound, count = out.count
        while i < end, o < count {
            let n = Int(Int8(bitPattern: src[i]))
            i += 1
            if n >= 0 {
                let run = min(n + 1, end - i, count - o)
                for k in 0..<run { out[o + k] |= Word(src[i + k]) &<< shift }
                i += n + 1
                o += run
            } else if n != -128 {
                guard i < end else { break }
                let v = Word(src[i]) &<< shift
                let run = min(1 - n, count - o)
                for k in 0..<run { out[o + k] |= v }
                i += 1
                o += run
            }
        }
        return o
    }
}
