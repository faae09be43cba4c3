import ImageIO
import Radiography
import XCTest

/// `ImageInfo` against the fixtures make_fixtures.py / make_jpeg_fixtures.py wrote (13×11 PNGs,
/// 40×24 JPEGs), whose headers those scripts chose.
final class ImageInfoTests: XCTestCase {
    func testPNGHeaders() throws {
        let phys = try ImageInfo.read(Fixtures.bytes("gray16_phys.png"))
        XCTAssertEqual([phys.width, phys.height, phys.bitDepth, phys.channels], [13, 11, 16, 1])
        XCTAssertEqual(phys.colourType, "gray")
        XCTAssertEqual(phys.spacing, PixelSpacing(row: 0.125, column: 0.1))  // 8000 px/m down, 10000 across
        XCTAssertFalse(phys.isInterlaced)
        XCTAssertNil(try ImageInfo.read(Fixtures.bytes("gray8_phys_unknown_unit.png")).spacing)
        XCTAssertNil(try ImageInfo.read(Fixtures.bytes("gray8_phys_zero.png")).spacing)
        XCTAssertTrue(try ImageInfo.read(Fixtures.bytes("gray16_adam7.png")).isInterlaced)
        let palette = try ImageInfo.read(Fixtures.bytes("palette4.png"))
        XCTAssertEqual(palette.colourType, "palette")
        XCTAssertEqual(palette.bitDepth, 4)
        XCTAssertEqual(try ImageInfo.read(Fixtures.bytes("rgba16.png")).colourType, "rgb_alpha")
    }

    func testJPEGHeaders() throws {
        let gray = try ImageInfo.read(Fixtures.bytes("gray.jpg"))
        XCTAssertEqual([gray.width, gray.height, gray.bitDepth, gray.channels], [40, 24, 8, 1])
        XCTAssertEqual(gray.jpegProcess, "baseline")
        XCTAssertNil(gray.spacing)
        XCTAssertEqual(try ImageInfo.read(Fixtures.bytes("color_progressive.jpg")).jpegProcess, "progressive")
        XCTAssertEqual(try ImageInfo.read(Fixtures.bytes("twelve_bit.jpg")).bitDepth, 12)
        XCTAssertEqual(try ImageInfo.read(Fixtures.bytes("cmyk.jpg")).channels, 4)
    }

    func testTruncatedHeadersAreErrorsNotCrashes() throws {
        for name in ["gray16_phys.png", "color420.jpg"] {
            let bytes = try Fixtures.bytes(name)
            for cut in 0..<min(bytes.count, 700) {
                _ = try? ImageInfo.read(Array(bytes[0..<cut]))
            }
        }
        XCTAssertThrowsError(try ImageInfo.read(Array(try Fixtures.bytes("gray.jpg").prefix(20))))
        XCTAssertThrowsError(try ImageInfo.read(Array(try Fixtures.bytes("gray8.png").prefix(30))))
    }

    func testDICMWithoutPreambleIsDICOM() {
        XCTAssertEqual(FormatSniffer.format(of: Array("DICM".utf8) + [0x02, 0x00, 0x00, 0x00]), .dicom)
        XCTAssertNil(FormatSniffer.format(of: Array("DICM".utf8) + [0x08, 0x00, 0x00, 0x00]))
    }
}
