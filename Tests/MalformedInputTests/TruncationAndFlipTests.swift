import FilmAnalysis
import Radiography
import XCTest
import Phantom
import TestSupport

/// Every valid file of the corpus cut at every byte, and changed one byte at a time.
final class TruncationAndFlipTests: XCTestCase {
    /// A cut file is an error, or (when only padding after the image was cut) exactly the
    /// original film: never a different image.
    func testEveryTruncationIsAnErrorOrTheSameFilm() throws {
        for (name, bytes) in try Corpus.validFiles() {
            guard case .success(let original) = Readers.read(bytes, name) else {
                XCTFail("\(name) does not decode"); continue
            }
            var cleanCuts = 0, truncated = 0
            for cut in 0..<bytes.count {
                switch Readers.read(Array(bytes[0..<cut]), "\(name) cut at \(cut)") {
                case .failure(let error):
                    // A cut file is never a file-system problem or over a limit.
                    XCTAssertTrue([.truncated, .malformed, .unsupported].contains(error.kind), "\(name) cut at \(cut): \(error.kind) \(error)")
                    if error.kind == .truncated { truncated += 1 }
                case .success(let film):
                    cleanCuts += 1
                    XCTAssertTrue(film.width == original.width && film.height == original.height && film.pixels == original.pixels,
                                  "\(name) cut at \(cut) of \(bytes.count) decodes to a different film")
                }
            }
            XCTAssertLessThan(cleanCuts, 8, "\(name): \(cleanCuts) cuts still decode")
            // Most cuts say so by kind (the rest land where a cut makes a field contradict another);
            // not a deflated data set: raw deflate has no length or checksum, so a cut stream and
            // a corrupt one look alike (`.malformed`, "corrupt or truncated").
            if !name.contains("deflated") {
                XCTAssertGreaterThan(truncated, bytes.count / 2, "\(name): only \(truncated) of \(bytes.count) cuts are .truncated")
            }
        }
    }

    /// Each byte replaced by its complement, by 0 and by 0xFF: whatever decodes is a consistent
    /// film (checked in `Readers.read`), and nothing traps or stalls.
    func testEverySingleByteChange() throws {
        for (name, bytes) in try Corpus.validFiles() {
            var errors = 0
            for i in 0..<bytes.count {
                for value in [~bytes[i], 0x00, 0xFF] where value != bytes[i] {
                    var changed = bytes
                    changed[i] = value
                    if case .failure = Readers.read(changed, "\(name) byte \(i) = \(value)") { errors += 1 }
                }
            }
            XCTAssertGreaterThan(errors, 0, "\(name): no single-byte change is an error")
        }
    }

    /// Seeded bursts of random bytes in the headers of every file (where lengths and sizes live).
    func testRandomHeaderCorruption() throws {
        var rng = SplitMix64(seed: 7)
        for (name, bytes) in try Corpus.validFiles() {
            let span = min(bytes.count, 1024)
            for round in 0..<400 {
                var changed = bytes
                for _ in 0..<(1 + Int(rng.next() % 6)) {
                    let i = Int(rng.next() % UInt64(span))
                    changed[i] = rng.next() % 4 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                _ = Readers.read(changed, "\(name) round \(round)")
            }
        }
    }
}
