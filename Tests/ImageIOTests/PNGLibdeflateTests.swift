import Foundation
import Radiography
import XCTest
@testable import ImageIO

/// The libdeflate PNG path against libpng: the same samples, spacing and depth on every fixture
/// and on hand-built files that use each of the five row filters; libpng keeps what the fast
/// path declines (interlaced, palette, low depths, anything broken), with libpng's messages.
final class PNGLibdeflateTests: XCTestCase {
    private func assertSameAsLibpng(_ bytes: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let fast = Result { try PNGDecoder.decode(bytes) }
        let reference = Result { try PNGDecoder.decode(bytes, path: .libpng) }
        switch (fast, reference) {
        case let (.success(a), .success(b)):
            XCTAssertEqual(a.pixels, b.pixels, what, file: file, line: line)
            XCTAssertEqual(a.bitsStored, b.bitsStored, what, file: file, line: line)
            XCTAssertEqual(a.spacing, b.spacing, what, file: file, line: line)
            XCTAssertEqual(a.width, b.width, what, file: file, line: line)
        case let (.failure(a as FilmError), .failure(b as FilmError)):
            XCTAssertEqual(a.message, b.message, what, file: file, line: line)
        default:
            XCTFail("\(what): libdeflate path \(fast), libpng \(reference)", file: file, line: line)
        }
    }

    func testEveryFixtureReadsAsLibpngReadsIt() throws {
        let folder = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertGreaterThan(names.count, 20)
        for name in names { assertSameAsLibpng(try Fixtures.bytes(name), name) }
    }

    func testTheFastPathReadsFilmLayoutsAndDeclinesTheRest() throws {
        for name in ["gray8.png", "gray16.png", "gray16_phys.png", "gray_alpha8.png", "gray_alpha16.png", "rgb8.png",
                     "rgb16.png", "rgba8.png", "rgba16.png", "gray8_trns_split_idat.png"] {
            XCTAssertNotNil(try PNGDecoder.decodeOnLibdeflate(try Fixtures.bytes(name), limits: .standard), name)
        }
        for name in ["gray8_adam7.png", "gray16_adam7.png", "palette8.png", "gray1.png", "gray4.png", "bad_crc.png", "short_idat.png"] {
            XCTAssertNil(try PNGDecoder.decodeOnLibdeflate(try Fixtures.bytes(name), limits: .standard), name)
        }
    }

    /// Rows filtered with None, Sub, Up, Average and Paeth in turn, stored (uncompressed) deflate
    /// blocks split over two IDAT chunks: the expected samples are the image itself.
    func testEveryRowFilterOnHandBuiltFiles() throws {
        for (colourType, depth, channels) in [(0, 16, 1), (0, 8, 1), (6, 8, 4), (2, 16, 3), (4, 16, 2)] {
            let width = 37, height = 23
            let bytesPerSample = depth / 8, bpp = channels * bytesPerSample, rowBytes = width * bpp
            var raw = [[UInt8]]()
            for y in 0..<height {
                raw.append((0..<rowBytes).map { i in UInt8(truncatingIfNeeded: (i * 37 + y * 101 + (i * i) % 251) ^ (y * i % 7)) })
            }
            var filtered = [UInt8]()
            for y in 0..<height {
                let filter = y % 5
                filtered.append(UInt8(filter))
                for i in 0..<rowBytes {
                    let a = i >= bpp ? Int(raw[y][i - bpp]) : 0
                    let b = y > 0 ? Int(raw[y - 1][i]) : 0
                    let c = i >= bpp && y > 0 ? Int(raw[y - 1][i - bpp]) : 0
                    let predictor: Int
                    switch filter {
                    case 0: predictor = 0
                    case 1: predictor = a
                    case 2: predictor = b
                    case 3: predictor = (a + b) / 2
                    default:
                        let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                        predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                    }
                    filtered.append(UInt8(truncatingIfNeeded: Int(raw[y][i]) - predictor))
                }
            }
            let png = Self.png(width: width, height: height, depth: depth, colourType: colourType, filtered: filtered)
            let what = "colour type \(colourType), \(depth) bits"
            let film = try XCTUnwrap(try PNGDecoder.decodeOnLibdeflate(png, limits: .standard), what)
            let expected: [UInt16] = raw.flatMap { row in
                (0..<width).map { x -> UInt16 in
                    func sample(_ k: Int) -> UInt32 {
                        let at = x * bpp + k * bytesPerSample
                        return depth == 16 ? UInt32(row[at]) << 8 | UInt32(row[at + 1]) : UInt32(row[at])
                    }
                    if channels <= 2 { return UInt16(sample(0)) }
                    return UInt16((299 * sample(0) + 587 * sample(1) + 114 * sample(2) + 500) / 1000)
                }
            }
            XCTAssertEqual(film.pixels, expected, what)
            assertSameAsLibpng(png, what)
        }
    }

    func testAPhantomFilmReadsAsLibpngReadsIt() throws {
        let width = 640, height = 480
        let gray = (0..<(width * height)).map { i in UInt16(truncatingIfNeeded: (i % width) * 97 + (i / width) * 31 + (i * 7919) % 413) }
        let png = try PNGEncoder.encode(gray: gray, width: width, height: height, bitDepth: 16, spacing: PixelSpacing(isotropic: 0.1))
        XCTAssertEqual(try XCTUnwrap(try PNGDecoder.decodeOnLibdeflate(png, limits: .standard)).pixels, gray)
        assertSameAsLibpng(png, "16-bit film")
        // Cut anywhere or with a byte changed: what the fast path declines, libpng decides.
        for cut in stride(from: 0, to: png.count, by: max(1, png.count / 97)) { assertSameAsLibpng(Array(png[..<cut]), "cut at \(cut)") }
        for at in stride(from: 8, to: png.count, by: max(1, png.count / 61)) {
            var broken = png
            broken[at] ^= 0x41
            assertSameAsLibpng(broken, "byte \(at) changed")
        }
    }

    // A PNG with the given filtered image data in stored deflate blocks, split over two IDATs.
    static func png(width: Int, height: Int, depth: Int, colourType: Int, filtered: [UInt8]) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(UInt32(data.count)) + body + be32(crc32(body))
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var at = 0
        repeat {
            let n = min(65535, filtered.count - at)
            let final: UInt8 = at + n == filtered.count ? 1 : 0
            zlib += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += filtered[at..<(at + n)]
            at += n
        } while at < filtered.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in filtered { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib += be32(b << 16 | a)
        let ihdr = be32(UInt32(width)) + be32(UInt32(height)) + [UInt8(depth), UInt8(colourType), 0, 0, 0]
        let half = zlib.count / 2
        return [137, 80, 78, 71, 13, 10, 26, 10] + chunk("IHDR", ihdr) + chunk("IDAT", Array(zlib[..<half]))
            + chunk("IDAT", Array(zlib[half...])) + chunk("IEND", [])
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
