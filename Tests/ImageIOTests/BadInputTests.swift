import ImageIO
import Radiography
import XCTest
import Phantom
import TestSupport

/// Whatever the bytes, the decoders return an error or a consistent film: never a crash, a trap,
/// a hang or an allocation sized by an unchecked header field.
final class BadInputTests: XCTestCase {
    func testEveryTruncationOfAPNGIsAnError() throws {
        for name in ["gray8.png", "rgb8_adam7.png", "palette4.png", "gray16_phys.png"] {
            let bytes = try Fixtures.bytes(name)
            XCTAssertNoThrow(try PNGDecoder.decode(bytes))
            for length in 0..<bytes.count {
                XCTAssertFilmError(try PNGDecoder.decode(Array(bytes.prefix(length))), prefix: "PNG: ")
            }
        }
    }

    func testEveryTruncationOfAJPEGIsAnError() throws {
        for name in ["gray.jpg", "color_progressive.jpg"] {
            let bytes = try Fixtures.bytes(name)
            XCTAssertNoThrow(try JPEGDecoder.decode(bytes))
            for length in 0..<bytes.count {
                XCTAssertFilmError(try JPEGDecoder.decode(Array(bytes.prefix(length))), prefix: "JPEG: ")
            }
        }
    }

    func testRandomGarbage() {
        var random = SplitMix64(seed: 2026)
        let prefixes: [[UInt8]] = [[], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF]]
        for round in 0..<600 {
            let length = Int.random(in: 0...3000, using: &random)
            let bytes = prefixes[round % 3] + (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            expectErrorOrConsistentFilm { try PNGDecoder.decode(bytes) }
            expectErrorOrConsistentFilm { try JPEGDecoder.decode(bytes) }
        }
    }

    /// Every byte of real files flipped in turn: reaches deep into libpng's and libjpeg's parsers.
    func testSingleByteCorruption() throws {
        for name in ["gray.jpg", "color420.jpg", "color_progressive.jpg"] {
            let bytes = try Fixtures.bytes(name)
            for offset in bytes.indices {
                var corrupt = bytes
                corrupt[offset] ^= 0xA5
                expectErrorOrConsistentFilm { try JPEGDecoder.decode(corrupt) }
            }
        }
        for name in ["gray8_adam7.png", "rgba16.png", "palette8.png"] {
            let bytes = try Fixtures.bytes(name)
            for offset in bytes.indices {
                var corrupt = bytes
                corrupt[offset] ^= 0xA5
                expectErrorOrConsistentFilm { try PNGDecoder.decode(corrupt) }
            }
        }
    }

    func testTextFile() {
        let text = Array("patient,film\n1,left hand.png\n".utf8)
        XCTAssertFilmError(try PNGDecoder.decode(text), prefix: "PNG: not a PNG file")
        XCTAssertFilmError(try JPEGDecoder.decode(text), prefix: "JPEG: ")
        XCTAssertNil(FormatSniffer.format(of: text))
    }

    private func expectErrorOrConsistentFilm(_ decode: () throws -> Radiograph, line: UInt = #line) {
        do {
            let film = try decode()
            XCTAssertEqual(film.pixels.count, film.width * film.height, line: line)
            XCTAssertLessThanOrEqual(Int(film.pixels.max() ?? 0), film.maximumValue, line: line)
        } catch is FilmError {
        } catch {
            XCTFail("not a FilmError: \(error)", line: line)
        }
    }
}
