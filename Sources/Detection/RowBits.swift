/// A film-sized mask stored one bit a pixel, each row starting on its own 64-bit word, so that
/// row bands can write their rows concurrently without sharing a word. An 8th of a byte plane:
/// the search region and the candidates live here while the film-sized planes hold box means.
struct RowBits {
    let words: UnsafeMutableBufferPointer<UInt64>
    let wordsPerRow: Int

    /// Allocates a zeroed mask; the caller deallocates `words`.
    init(width: Int, height: Int) {
        wordsPerRow = (width + 63) / 64
        words = .allocate(capacity: max(1, wordsPerRow * height))
        words.initialize(repeating: 0)
    }

    /// Row `y` as bytes (0 or 1) into `out`.
    @inline(__always)
    func unpack(row y: Int, width: Int, into out: UnsafeMutablePointer<UInt8>) {
        guard width > 0 else { return }
        unpack(row: y, words: 0...(wordsPerRow - 1), width: width, into: out)
    }

    /// Words `words` of row `y` as bytes into `out[64·first ..< min(width, 64·(last + 1))]`. An
    /// empty word (most of a film's, outside the candidates) is 64 zero bytes at once.
    @inline(__always)
    func unpack(row y: Int, words: ClosedRange<Int>, width: Int, into out: UnsafeMutablePointer<UInt8>) {
        let base = y * wordsPerRow
        for w in words {
            let word = self.words[base + w]
            let start = w * 64, end = min(width, start + 64)
            if word == 0 {
                (out + start).update(repeating: 0, count: end - start)
            } else {
                for x in start..<end { out[x] = UInt8(truncatingIfNeeded: word >> UInt64(x & 63)) & 1 }
            }
        }
    }

    /// The bytes of words `words` of row `y` (as `unpack(row:words:…)` lays them out) back into bits.
    @inline(__always)
    func pack(row y: Int, words: ClosedRange<Int>, width: Int, from bytes: UnsafePointer<UInt8>) {
        let base = y * wordsPerRow
        for w in words {
            var word: UInt64 = 0
            for x in (w * 64)..<min(width, w * 64 + 64) where bytes[x] != 0 { word |= 1 << UInt64(x & 63) }
            self.words[base + w] = word
        }
    }
}
