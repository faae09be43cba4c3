import DICOM
import FilmAnalysis
import Radiography
import XCTest
import TestSupport

/// Headers that lie: element lengths too long, odd or undefined where PS3.5 forbids it; rows and
/// columns far beyond the bytes present; pixel data shorter than declared; PNG and JPEG sizes
/// that are absurd or unbacked by data.
final class LyingHeaderTests: XCTestCase {
    /// An element header as written: where its length field is and how wide it is.
    struct ElementHeader {
        let offset: Int
        let tag: String
        let lengthOffset: Int
        let lengthSize: Int
        let length: Int
    }

    private static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]

    /// Walks a Part 10 file written by our encoder (no sequences): meta group explicit VR, data
    /// set explicit or implicit VR little endian. An independent walker, so that the reader's own
    /// does not decide which headers are tested.
    static func headers(_ b: [UInt8], implicitDataSet: Bool) -> [ElementHeader] {
        var out: [ElementHeader] = []
        var at = 132
        while at + 8 <= b.count {
            let group = UInt16(b[at]) | UInt16(b[at + 1]) << 8, element = UInt16(b[at + 2]) | UInt16(b[at + 3]) << 8
            let tag = String(format: "(%04X,%04X)", group, element)
            let header: ElementHeader
            if implicitDataSet && group != 2 {
                header = ElementHeader(offset: at, tag: tag, lengthOffset: at + 4, lengthSize: 4, length: Int(b.le32(at: at + 4)))
            } else {
                let vr = String(decoding: b[(at + 4)..<(at + 6)], as: UTF8.self)
                if longVRs.contains(vr) {
                    header = ElementHeader(offset: at, tag: tag, lengthOffset: at + 8, lengthSize: 4, length: Int(b.le32(at: at + 8)))
                } else {
                    header = ElementHeader(offset: at, tag: tag, lengthOffset: at + 6, lengthSize: 2,
                                           length: Int(UInt16(b[at + 6]) | UInt16(b[at + 7]) << 8))
                }
            }
            out.append(header)
            at = header.lengthOffset + header.lengthSize + header.length
        }
        return out
    }

    private static func setLength(_ b: inout [UInt8], _ h: ElementHeader, _ value: UInt32) {
        if h.lengthSize == 4 { b.put32(value, at: h.lengthOffset) } else { b.put16(UInt16(truncatingIfNeeded: value), at: h.lengthOffset) }
    }

    func testEveryElementLengthThatLies() {
        for (name, bytes, implicit) in [("explicit", TestFilms.dicom(), false),
                                        ("implicit", TestFilms.dicom(syntax: .implicitLittle), true)] {
            let headers = Self.headers(bytes, implicitDataSet: implicit)
            XCTAssertGreaterThan(headers.count, 15, name)
            XCTAssertEqual(headers.last?.tag, "(7FE0,0010)", name)
            for h in headers {
                let valueStart = h.lengthOffset + h.lengthSize
                var long = bytes
                Self.setLength(&long, h, UInt32(bytes.count - valueStart + 2))
                let past = Readers.error(long, "\(name) \(h.tag) too long")
                XCTAssertTrue(past.contains(h.tag) && past.contains("runs past the end"), "\(name) \(h.tag): \(past)")

                var odd = bytes
                Self.setLength(&odd, h, UInt32(h.length + 1))
                let oddMessage = Readers.error(odd, "\(name) \(h.tag) odd")
                XCTAssertTrue(oddMessage.contains(h.tag), "\(name) \(h.tag): \(oddMessage)")

                // 0xFFFFFFFF (0xFFFF, odd, for 2-byte lengths): undefined length is allowed only for
                // sequences and encapsulated pixel data, and this file has neither.
                var undefined = bytes
                Self.setLength(&undefined, h, 0xFFFF_FFFF)
                XCTAssertFalse(Readers.error(undefined, "\(name) \(h.tag) undefined").isEmpty)

                var zero = bytes
                Self.setLength(&zero, h, 0)
                _ = Readers.read(zero, "\(name) \(h.tag) zero")
            }
        }
    }

    /// Rows and columns far beyond the bytes present: refused from the header, before the pixels
    /// are allocated, whatever the codec.
    func testHugeRowsAndColumnsWithFewBytes() throws {
        var huge = TestFilms.dicom()
        let rows = try XCTUnwrap(huge.find([0x28, 0, 0x10, 0] + Array("US".utf8)))
        let columns = try XCTUnwrap(huge.find([0x28, 0, 0x11, 0] + Array("US".utf8)))
        huge.put16(65535, at: rows + 8)
        huge.put16(65535, at: columns + 8)
        XCTAssertEqual(Readers.error(huge, "65535²"),
                       "DICOM: image is 65535×65535 pixels, over the limit of 1048576 pixels per film")
        XCTAssertEqual(Readers.error(huge, "65535², no pixel limit", limits: DecodeLimits(maxPixels: .max)),
                       "DICOM: Pixel Data holds 96 bytes but 65535×65535 pixels × 2 bytes need 8589672450")
        var none = TestFilms.dicom()
        none.put16(0, at: rows + 8)
        XCTAssertEqual(Readers.error(none, "0 rows"), "DICOM: image has no pixels (8×0)")

        // Compressed syntaxes: 1000 × 1000 (within the limit) over a few hundred bytes of codestream.
        for (name, expected) in [("rle_16bit.dcm", "RLE segment 1 is"), ("dcmtk_jpegll_sv1_16bit.dcm", "JPEG Lossless: the frame's"),
                                 ("dcmtk_jpegbase_gray.dcm", "JPEG Baseline: the frame is")] {
            var bytes = try Corpus.dicomFixture(name)
            let r = try XCTUnwrap(bytes.find([0x28, 0, 0x10, 0] + Array("US".utf8)), name)
            let c = try XCTUnwrap(bytes.find([0x28, 0, 0x11, 0] + Array("US".utf8)), name)
            bytes.put16(1000, at: r + 8)
            bytes.put16(1000, at: c + 8)
            let message = Readers.error(bytes, name)
            XCTAssertTrue(message.contains(expected), "\(name): \(message)")
        }
    }

    func testPixelDataShorterThanDeclared() throws {
        // 8 × 6 × 2 bytes declared, 94 present (the length field and the file agree).
        var short = TestFilms.dicom()
        let pixelData = try XCTUnwrap(short.find([0xE0, 0x7F, 0x10, 0x00] + Array("OW".utf8)))
        short.put32(94, at: pixelData + 8)
        short.removeLast(2)
        XCTAssertEqual(Readers.error(short, "short"), "DICOM: Pixel Data holds 94 bytes but 8×6 pixels × 2 bytes need 96")

        // Three frames stored, nine declared.
        var frames = try Corpus.dicomFixture("multiframe3.dcm")
        let at = try XCTUnwrap(frames.find([0x28, 0, 0x08, 0] + Array("IS".utf8)))
        let length = Int(UInt16(frames[at + 6]) | UInt16(frames[at + 7]) << 8)
        XCTAssertEqual(String(decoding: frames[(at + 8)..<(at + 8 + length)], as: UTF8.self).trimmingCharacters(in: .whitespaces), "3")
        frames[at + 8] = UInt8(ascii: "9")
        XCTAssertTrue(Readers.error(frames, "9 frames").hasPrefix("DICOM: Pixel Data holds"))
    }

    // MARK: - PNG and JPEG

    /// CRC-32 as PNG defines it (ISO 3309, polynomial 0xEDB88320), computed here bit by bit.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The PNG with IHDR's width and height replaced and its CRC made right again, so that only
    /// the sizes lie.
    static func png(_ original: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
        var b = original
        b.putBE32(width, at: 16)
        b.putBE32(height, at: 20)
        b.putBE32(crc32(b[12..<29]), at: 29)
        return b
    }

    func testPNGWithAbsurdSizes() throws {
        let original = try TestFilms.png()
        XCTAssertEqual(Self.crc32(original[12..<29]), original.be32(at: 29), "the CRC function agrees with libpng's encoder")
        XCTAssertTrue(Readers.error(Self.png(original, width: 0, height: 6), "width 0").hasPrefix("PNG: "))
        XCTAssertTrue(Readers.error(Self.png(original, width: 0x7FFF_FFFF, height: 6), "width 2^31−1").hasPrefix("PNG: "))
        XCTAssertTrue(Readers.error(Self.png(original, width: 0xFFFF_FFFF, height: 0xFFFF_FFFF), "2^32−1").hasPrefix("PNG: "))
        XCTAssertEqual(Readers.error(Self.png(original, width: 65535, height: 65535), "65535²"),
                       "PNG: image is 65535×65535 pixels, over the limit of 1048576 pixels per film")
        // Within the pixel limit, but the file cannot hold that many pixels: refused before allocating.
        let unbacked = Readers.error(Self.png(original, width: 4000, height: 250), "4000×250")
        XCTAssertTrue(unbacked.contains("too small to hold 4000×250 pixels"), unbacked)
        let bigUnbacked = Readers.error(Self.png(original, width: 7000, height: 7000), "7000²", limits: .standard)
        XCTAssertTrue(bigUnbacked.contains("too small to hold 7000×7000 pixels"), bigUnbacked)
        // Larger than the bytes but still within deflate's reach: libpng finds the data short.
        XCTAssertTrue(Readers.error(Self.png(original, width: 80, height: 60), "80×60").hasPrefix("PNG: "))
    }

    /// A bad CRC on a critical chunk (IHDR, IDAT, IEND) is an error; on an ancillary one (pHYs)
    /// libpng only warns and the pixels are read.
    func testPNGChunkCRCs() throws {
        let original = try TestFilms.png()
        var at = 8
        var seen: [String] = []
        while at + 12 <= original.count {
            let length = Int(original.be32(at: at))
            let type = String(decoding: original[(at + 4)..<(at + 8)], as: UTF8.self)
            seen.append(type)
            var bad = original
            bad[at + 8 + length] ^= 0x55
            if type.first!.isUppercase {
                XCTAssertTrue(Readers.error(bad, "\(type) CRC").hasPrefix("PNG: "), type)
            } else {
                guard case .success(let film) = Readers.read(bad, "\(type) CRC") else { XCTFail(type); continue }
                XCTAssertEqual(film.pixels.map(Int.init), TestFilms.ramp(width: 8, height: 6, maximum: 255).map(Int.init))
            }
            at += 12 + length
        }
        XCTAssertEqual(seen.first, "IHDR")
        XCTAssertEqual(seen.last, "IEND")
        XCTAssertTrue(seen.contains("pHYs") && seen.contains("IDAT"), "\(seen)")
    }

    func testJPEGWithAbsurdSizes() throws {
        let original = try TestFilms.jpeg()
        let sof = try XCTUnwrap(original.find([0xFF, 0xC0]))
        func sized(_ width: UInt16, _ height: UInt16) -> [UInt8] {
            var b = original
            b[sof + 5] = UInt8(height >> 8); b[sof + 6] = UInt8(height & 0xFF)
            b[sof + 7] = UInt8(width >> 8); b[sof + 8] = UInt8(width & 0xFF)
            return b
        }
        // libjpeg refuses sides over 65500 itself; below that our pixel limit speaks first.
        XCTAssertTrue(Readers.error(sized(65535, 65535), "65535²").hasPrefix("JPEG: "))
        XCTAssertEqual(Readers.error(sized(65500, 65500), "65500²"),
                       "JPEG: image is 65500×65500 pixels, over the limit of 1048576 pixels per film")
        XCTAssertTrue(Readers.error(sized(1000, 1000), "1000²").hasPrefix("JPEG: "))
        XCTAssertTrue(Readers.error(sized(16, 0), "height 0").hasPrefix("JPEG: "))
        XCTAssertTrue(Readers.error(sized(0, 16), "width 0").hasPrefix("JPEG: "))
    }
}
