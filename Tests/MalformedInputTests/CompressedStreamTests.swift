import Radiography
import XCTest
import Phantom
import TestSupport

/// RLE, JPEG Lossless and JPEG Baseline streams inside DICOM, cut short or corrupted while the
/// item lengths around them stay consistent, so that the codec itself, not the data set walker,
/// meets the damage.
final class CompressedStreamTests: XCTestCase {
    /// A single-frame encapsulated file split around its one fragment.
    struct Encapsulated {
        /// Everything up to and including the Basic Offset Table item.
        let head: [UInt8]
        let fragment: [UInt8]
        /// The Sequence Delimitation Item and whatever follows it.
        let tail: [UInt8]

        init(_ b: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
            let marker: [UInt8] = [0xE0, 0x7F, 0x10, 0x00] + Array("OB".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            let value = try XCTUnwrap(b.find(marker), file: file, line: line) + marker.count
            XCTAssertEqual(Array(b[value..<(value + 4)]), [0xFE, 0xFF, 0x00, 0xE0], file: file, line: line)
            let tableEnd = value + 8 + Int(b.le32(at: value + 4))
            XCTAssertEqual(Array(b[tableEnd..<(tableEnd + 4)]), [0xFE, 0xFF, 0x00, 0xE0], "one fragment", file: file, line: line)
            let length = Int(b.le32(at: tableEnd + 4))
            let end = tableEnd + 8 + length
            XCTAssertEqual(Array(b[end..<(end + 4)]), [0xFE, 0xFF, 0xDD, 0xE0], "a single fragment, then the delimiter", file: file, line: line)
            head = Array(b[0..<tableEnd])
            fragment = Array(b[(tableEnd + 8)..<end])
            tail = Array(b[end...])
        }

        /// The file with `fragment` in place of the original one (padded to even length).
        func with(_ fragment: [UInt8]) -> [UInt8] {
            var body = fragment
            if body.count % 2 == 1 { body.append(0) }
            var item: [UInt8] = [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0]
            item.put32(UInt32(body.count), at: 4)
            return head + item + body + tail
        }
    }

    static let streams = ["rle_16bit.dcm", "rle_rgb.dcm", "dcmtk_jpegll_sv1_16bit.dcm",
                          "py_jpegll_restart_sv1_16bit.dcm", "dcmtk_jpegbase_gray.dcm"]

    func testEveryCutOfTheStreamIsAnErrorOrTheSameFilm() throws {
        for name in Self.streams {
            let file = try Encapsulated(try Corpus.dicomFixture(name))
            XCTAssertEqual(file.with(file.fragment), try Corpus.dicomFixture(name), "\(name) rebuilds byte for byte")
            guard case .success(let original) = Readers.read(file.with(file.fragment), name) else { XCTFail(name); continue }
            var clean = 0
            for cut in 0..<file.fragment.count {
                // An odd cut is padded with a zero byte (item lengths are even), which changes the
                // stream rather than only shortening it: any film or error will do there.
                let result = Readers.read(file.with(Array(file.fragment[0..<cut])), "\(name) cut at \(cut)")
                if cut % 2 == 0, case .success(let film) = result {
                    clean += 1
                    XCTAssertEqual(film.pixels, original.pixels, "\(name) cut at \(cut) decodes to a different film")
                }
            }
            XCTAssertLessThan(clean, 3, "\(name): \(clean) cuts still decode")
        }
    }

    /// Every byte of the stream complemented, then seeded random bursts: consistent films or
    /// errors, never a trap, a read outside the stream (AddressSanitizer runs) or a stall.
    func testCorruptedStreams() throws {
        var rng = SplitMix64(seed: 11)
        for name in Self.streams {
            let file = try Encapsulated(try Corpus.dicomFixture(name))
            for i in 0..<file.fragment.count {
                var changed = file.fragment
                changed[i] = ~changed[i]
                _ = Readers.read(file.with(changed), "\(name) byte \(i) complemented")
            }
            for round in 0..<300 {
                var changed = file.fragment
                for _ in 0..<(1 + Int(rng.next() % 8)) {
                    changed[Int(rng.next() % UInt64(changed.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                _ = Readers.read(file.with(changed), "\(name) round \(round)")
            }
        }
    }

    /// RLE headers that lie: segment counts and offsets outside the frame.
    func testRLEHeaderLies() throws {
        let file = try Encapsulated(try Corpus.dicomFixture("rle_16bit.dcm"))
        var wrongCount = file.fragment
        wrongCount.put32(15, at: 0)
        XCTAssertTrue(Readers.error(file.with(wrongCount), "15 segments").contains("RLE frame has 15 segments"))
        for (segment, offset) in [(1, UInt32(0)), (1, UInt32(63)), (2, UInt32(0xFFFF_FFFF)), (2, UInt32(file.fragment.count + 2))] {
            var lying = file.fragment
            lying.put32(offset, at: 4 * segment)
            let message = Readers.error(file.with(lying), "segment \(segment) at \(offset)")
            XCTAssertTrue(message.hasPrefix("DICOM: RLE segment"), message)
        }
        XCTAssertTrue(Readers.error(file.with(Array(file.fragment[0..<62])), "short header").contains("shorter than its 64-byte header"))
    }
}
