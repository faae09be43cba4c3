import ImageIO
import Radiography
import XCTest

final class FormatSnifferTests: XCTestCase {
    func testFixturesAreRecognisedByContent() throws {
        XCTAssertEqual(FormatSniffer.format(of: try Fixtures.bytes("gray8.png")), .png)
        XCTAssertEqual(FormatSniffer.format(of: try Fixtures.bytes("color_progressive.jpg")), .jpeg)
        XCTAssertEqual(FormatSniffer.format(of: try Fixtures.bytes("twelve_bit.jpg")), .jpeg)
    }

    func testDICOMPreambleAndBareDataSet() {
        XCTAssertEqual(FormatSniffer.format(of: [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + [2, 0]), .dicom)
        // (0008,0005) "CS" explicit VR little endian, no preamble.
        XCTAssertEqual(FormatSniffer.format(of: [0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0x0A, 0x00]), .dicom)
    }

    func testUnknownAndShortInput() {
        XCTAssertNil(FormatSniffer.format(of: [UInt8]()))
        XCTAssertNil(FormatSniffer.format(of: [0x89, 0x50, 0x4E]))
        XCTAssertNil(FormatSniffer.format(of: [0xFF, 0xD8]))
        XCTAssertNil(FormatSniffer.format(of: Array("GIF89a".utf8)))
    }
}
