import ImageIO
import Radiography
import XCTest
import TestSupport

final class JPEGDecoderTests: XCTestCase {
    /// Pillow's decode of the same files; ±1 allowed (for colour Pillow goes Y → RGB → L).
    func testFixturesMatchPillow() throws {
        let expectations = try Fixtures.jpegExpectations()
        XCTAssertEqual(expectations.count, 4)
        for (name, expected) in expectations.sorted(by: { $0.key < $1.key }) {
            let film = try JPEGDecoder.decode(try Fixtures.bytes(name))
            XCTAssertEqual(film.width, expected.width, name)
            XCTAssertEqual(film.height, expected.height, name)
            XCTAssertEqual(film.bitsStored, 8, name)
            XCTAssertEqual(film.format, .jpeg, name)
            XCTAssertNil(film.spacing, name)
            XCTAssertEqual(film.pixels.count, expected.pixels.count, name)
            let differences = zip(film.pixels, expected.pixels).map { abs(Int($0) - $1) }
            XCTAssertLessThanOrEqual(differences.max() ?? 99, 1, name)
            if name == "gray.jpg" {
                XCTAssertEqual(film.pixels.map(Int.init), expected.pixels, "grayscale has no conversion: exact")
            }
        }
    }

    func testCMYKIsRefused() throws {
        XCTAssertFilmError(try JPEGDecoder.decode(try Fixtures.bytes("cmyk.jpg")), prefix: "JPEG: ", contains: "CMYK")
    }

    func testTwelveBitIsRefused() throws {
        XCTAssertFilmError(try JPEGDecoder.decode(try Fixtures.bytes("twelve_bit.jpg")), prefix: "JPEG: ", contains: "12-bit")
    }

    func testPixelLimitIsHonoured() throws {
        let bytes = try Fixtures.bytes("gray.jpg") // 40 × 24 = 960 pixels
        XCTAssertNoThrow(try JPEGDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 960)))
        XCTAssertFilmError(try JPEGDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 959)),
                           prefix: "JPEG: image is 40×24 pixels, over the limit of 959")
    }

    func testFileCutAfterTheLastScanIsTruncated() throws {
        let bytes = try Fixtures.bytes("gray.jpg")
        XCTAssertEqual(Array(bytes.suffix(2)), [0xFF, 0xD9])
        XCTAssertFilmError(try JPEGDecoder.decode(Array(bytes.dropLast(2))), prefix: "JPEG: premature end of data")
    }

    func testNotAJPEG() throws {
        XCTAssertFilmError(try JPEGDecoder.decode([]), prefix: "JPEG: file is empty")
        XCTAssertFilmError(try JPEGDecoder.decode(Array("just some text\n".utf8)), prefix: "JPEG: Not a JPEG file")
        XCTAssertFilmError(try JPEGDecoder.decode(try Fixtures.bytes("gray8.png")), prefix: "JPEG: Not a JPEG file")
    }
}
