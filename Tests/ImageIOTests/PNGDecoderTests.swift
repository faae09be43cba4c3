import ImageIO
import Radiography
import XCTest
import TestSupport

final class PNGDecoderTests: XCTestCase {
    /// Every colour type, bit depth and Adam7 variant written by make_fixtures.py, pixel for pixel.
    func testEveryFixtureMatchesItsFormula() throws {
        let expectations = try Fixtures.pngExpectations()
        XCTAssertGreaterThanOrEqual(expectations.images.count, 20)
        for (name, expected) in expectations.images.sorted(by: { $0.key < $1.key }) {
            let film = try PNGDecoder.decode(try Fixtures.bytes(name))
            XCTAssertEqual(film.width, expected.width, name)
            XCTAssertEqual(film.height, expected.height, name)
            XCTAssertEqual(film.bitsStored, expected.bitsStored, name)
            XCTAssertEqual(film.format, .png, name)
            XCTAssertEqual(film.pixels.map(Int.init), expected.pixels, name)
            if let spacing = expected.spacing {
                XCTAssertEqual(film.spacing?.row ?? 0, spacing[0], accuracy: 1e-12, name)
                XCTAssertEqual(film.spacing?.column ?? 0, spacing[1], accuracy: 1e-12, name)
                XCTAssertEqual(film.spacingSource, .pngPhysicalUnits, name)
            } else {
                XCTAssertNil(film.spacing, name)
                XCTAssertEqual(film.spacingSource, .unknown, name)
            }
        }
    }

    func testLowBitDepthsKeepTheirNativeRange() throws {
        let one = try PNGDecoder.decode(try Fixtures.bytes("gray1.png"))
        XCTAssertEqual(one.bitsStored, 1)
        XCTAssertEqual(Set(one.pixels), [0, 1])
        let four = try PNGDecoder.decode(try Fixtures.bytes("gray4.png"))
        XCTAssertLessThanOrEqual(four.pixels.max() ?? 99, 15)
    }

    func testFixtureErrors() throws {
        for (name, fragment) in try Fixtures.pngExpectations().errors {
            XCTAssertFilmError(try PNGDecoder.decode(try Fixtures.bytes(name)), prefix: "PNG: ", contains: fragment)
        }
    }

    func testBadCRCIsNamed() throws {
        XCTAssertFilmError(try PNGDecoder.decode(try Fixtures.bytes("bad_crc.png")), prefix: "PNG: ", contains: "IDAT: CRC error")
    }

    func testAbsurdDimensionsAreRefusedFromTheHeader() throws {
        XCTAssertFilmError(try PNGDecoder.decode(try Fixtures.bytes("huge_dimensions.png")),
                           prefix: "PNG: image is 100000×100000 pixels, over the limit")
    }

    func testPixelLimitIsHonoured() throws {
        let bytes = try Fixtures.bytes("gray8.png") // 13 × 11 = 143 pixels
        XCTAssertNoThrow(try PNGDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 143)))
        XCTAssertFilmError(try PNGDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 142)), prefix: "PNG: ", contains: "over the limit of 142")
        // A side longer than the whole budget is refused by libpng's own user limits.
        XCTAssertFilmError(try PNGDecoder.decode(bytes, limits: DecodeLimits(maxPixels: 12)), prefix: "PNG: ")
        XCTAssertFilmError(try PNGDecoder.decode(bytes, limits: DecodeLimits(maxFileBytes: 100)), prefix: "PNG: ", contains: "over the limit of 100 bytes")
    }

    func testNotAPNG() throws {
        XCTAssertFilmError(try PNGDecoder.decode([]), prefix: "PNG: file is empty")
        XCTAssertFilmError(try PNGDecoder.decode(Array("just some text\n".utf8)), prefix: "PNG: not a PNG file")
        XCTAssertFilmError(try PNGDecoder.decode(try Fixtures.bytes("gray.jpg")), prefix: "PNG: not a PNG file")
    }
}

