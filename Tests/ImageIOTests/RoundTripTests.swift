import ImageIO
import Radiography
import XCTest
import Phantom
import TestSupport

final class RoundTripTests: XCTestCase {
    func testGray8() throws {
        var random = SplitMix64(seed: 8)
        let (width, height) = (37, 23)
        let samples = (0..<width * height).map { _ in UInt16.random(in: 0...255, using: &random) }
        let png = try PNGEncoder.encode(gray: samples, width: width, height: height, bitDepth: 8, spacing: nil)
        XCTAssertEqual(header(of: png), PNGHeader(width: 37, height: 23, bitDepth: 8, colorType: 0))
        let film = try PNGDecoder.decode(png)
        XCTAssertEqual(film.pixels, samples)
        XCTAssertEqual(film.bitsStored, 8)
        XCTAssertNil(film.spacing)
    }

    func testGray16WithSpacing() throws {
        var random = SplitMix64(seed: 16)
        let (width, height) = (19, 31)
        let samples = (0..<width * height).map { _ in UInt16.random(in: 0...UInt16.max, using: &random) }
        let spacing = PixelSpacing(row: 0.125, column: 0.1)
        let png = try PNGEncoder.encode(gray: samples, width: width, height: height, bitDepth: 16, spacing: spacing)
        XCTAssertEqual(header(of: png), PNGHeader(width: 19, height: 31, bitDepth: 16, colorType: 0))
        // pHYs as the specification lays it out: x = 10000 px/m, y = 8000 px/m, unit 1 (metre).
        XCTAssertNotNil(range(of: [0, 0, 0x27, 0x10, 0, 0, 0x1F, 0x40, 1], in: png))
        let film = try PNGDecoder.decode(png)
        XCTAssertEqual(film.pixels, samples)
        XCTAssertEqual(film.bitsStored, 16)
        XCTAssertEqual(film.spacing, spacing)
        XCTAssertEqual(film.spacingSource, .pngPhysicalUnits)
    }

    func testRGBDecodesAsRec601Luma() throws {
        var random = SplitMix64(seed: 3)
        let (width, height) = (17, 9)
        let rgb = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &random) }
        let png = try PNGEncoder.encode(rgb: rgb, width: width, height: height, spacing: PixelSpacing(isotropic: 0.2))
        XCTAssertEqual(header(of: png), PNGHeader(width: 17, height: 9, bitDepth: 8, colorType: 2))
        let film = try PNGDecoder.decode(png)
        let expected = (0..<width * height).map { i -> UInt16 in
            let (r, g, b) = (Double(rgb[3 * i]), Double(rgb[3 * i + 1]), Double(rgb[3 * i + 2]))
            return UInt16((0.299 * r + 0.587 * g + 0.114 * b + 1e-9).rounded(.toNearestOrAwayFromZero))
        }
        XCTAssertEqual(film.pixels, expected)
        XCTAssertEqual(film.spacing, PixelSpacing(isotropic: 0.2))
    }

    func testEncoderRefusesWhatItCannotWrite() {
        XCTAssertFilmError(try PNGEncoder.encode(gray: [0, 256], width: 2, height: 1, bitDepth: 8, spacing: nil),
                           prefix: "PNG: ", contains: "256 does not fit in 8 bits")
        XCTAssertFilmError(try PNGEncoder.encode(gray: [0, 1], width: 2, height: 1, bitDepth: 12, spacing: nil), prefix: "PNG: ")
        XCTAssertFilmError(try PNGEncoder.encode(gray: [0, 1, 2], width: 2, height: 1, bitDepth: 8, spacing: nil), prefix: "PNG: ")
        XCTAssertFilmError(try PNGEncoder.encode(gray: [], width: 0, height: 0, bitDepth: 8, spacing: nil), prefix: "PNG: ")
        XCTAssertFilmError(try PNGEncoder.encode(rgb: [1, 2], width: 1, height: 1, spacing: nil), prefix: "PNG: ")
        XCTAssertFilmError(try PNGEncoder.encode(gray: [0], width: 1, height: 1, bitDepth: 8,
                                                 spacing: PixelSpacing(row: 0, column: 0.1)), prefix: "PNG: ")
        XCTAssertFilmError(try JPEGEncoder.encode(gray: [0], width: 1, height: 1, quality: 0), prefix: "JPEG: ")
        XCTAssertFilmError(try JPEGEncoder.encode(gray: [0], width: 2, height: 1, quality: 90), prefix: "JPEG: ")
        XCTAssertFilmError(try JPEGEncoder.encode(gray: [], width: 0, height: 0, quality: 90), prefix: "JPEG: ")
    }

    /// A smooth film-like image at high quality comes back within a few grey levels.
    func testJPEG() throws {
        let (width, height) = (64, 48)
        var gray = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let disc = (x - 40) * (x - 40) + (y - 20) * (y - 20) < 64 ? 60.0 : 0
                gray[y * width + x] = UInt8(40 + 2.0 * Double(x) + Double(y) + disc)
            }
        }
        let jpeg = try JPEGEncoder.encode(gray: gray, width: width, height: height, quality: 95)
        XCTAssertEqual(Array(jpeg.prefix(2)), [0xFF, 0xD8])
        XCTAssertEqual(Array(jpeg.suffix(2)), [0xFF, 0xD9])
        XCTAssertNotNil(range(of: [0xFF, 0xC0], in: jpeg), "baseline SOF0")
        XCTAssertEqual(FormatSniffer.format(of: jpeg), .jpeg)
        let film = try JPEGDecoder.decode(jpeg)
        XCTAssertEqual(film.width, width)
        XCTAssertEqual(film.height, height)
        let errors = zip(film.pixels, gray).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThanOrEqual(errors.max()!, 12)
        XCTAssertLessThan(Double(errors.reduce(0, +)) / Double(errors.count), 1.5)
    }

    /// An image larger than the encoders' first 4 KiB buffer, so the buffer must grow.
    func testLargerImagesGrowTheOutputBuffer() throws {
        var random = SplitMix64(seed: 99)
        let (width, height) = (300, 200)
        let noise = (0..<width * height).map { _ in UInt8.random(in: 0...255, using: &random) }
        let jpeg = try JPEGEncoder.encode(gray: noise, width: width, height: height, quality: 100)
        XCTAssertGreaterThan(jpeg.count, 20_000)
        XCTAssertEqual(try JPEGDecoder.decode(jpeg).pixels.count, width * height)
        let samples = noise.map(UInt16.init)
        let png = try PNGEncoder.encode(gray: samples, width: width, height: height, bitDepth: 8, spacing: nil)
        XCTAssertGreaterThan(png.count, 50_000)
        XCTAssertEqual(try PNGDecoder.decode(png).pixels, samples)
    }
}

struct PNGHeader: Equatable {
    var width: Int, height: Int, bitDepth: Int, colorType: Int
}

/// Reads the IHDR by hand (signature, length 13, "IHDR", big-endian fields): a check of the
/// encoder that does not go through libpng.
func header(of png: [UInt8]) -> PNGHeader? {
    guard png.count >= 33, png.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
          png[12..<16].elementsEqual(Array("IHDR".utf8)) else { return nil }
    let be32 = { (i: Int) in png[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
    return PNGHeader(width: be32(16), height: be32(20), bitDepth: Int(png[24]), colorType: Int(png[25]))
}

func range(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    return (0...haystack.count - needle.count).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
}
