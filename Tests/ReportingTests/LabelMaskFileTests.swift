import Detection
import ImageIO
import Radiography
import XCTest
@testable import Reporting

/// The label mask's two encodings hold the ids as they are, and an id beyond 16 bits is refused.
final class LabelMaskFileTests: XCTestCase {
    let labels = LabelImage(width: 3, height: 2, labels: [0, 1, 1, 300, 0, 2])

    func testNumpyIsLittleEndianUInt16RowMajor() throws {
        let bytes = try LabelMaskFile.encode(labels, as: .npy, spacing: nil)
        let header = String(decoding: bytes[10..<(bytes.count - 12)], as: UTF8.self)
        XCTAssertTrue(header.contains("'descr': '<u2'") && header.contains("'shape': (2, 3)"), header)
        XCTAssertEqual(Array(bytes.suffix(12)), [0, 0, 1, 0, 1, 0, 44, 1, 0, 0, 2, 0])
        XCTAssertEqual((bytes.count - 12) % 64, 0, "data aligned to 64 bytes")
    }

    func testPNGIsSixteenBitGrayWithTheSpacing() throws {
        let bytes = try LabelMaskFile.encode(labels, as: .png, spacing: PixelSpacing(isotropic: 0.2))
        let decoded = try PNGDecoder.decode(bytes)
        XCTAssertEqual(decoded.pixels, [0, 1, 1, 300, 0, 2])
        XCTAssertEqual(decoded.bitsStored, 16)
        XCTAssertEqual(decoded.spacing?.row ?? 0, 0.2, accuracy: 1e-4)
    }

    func testFormatByExtensionAndIdsBeyondSixteenBits() {
        XCTAssertEqual(LabelMaskFile.format(of: "a/B.NPY"), .npy)
        XCTAssertEqual(LabelMaskFile.format(of: "mask.png"), .png)
        XCTAssertNil(LabelMaskFile.format(of: "mask.tif"))
        let many = LabelImage(width: 1, height: 1, labels: [70_000])
        XCTAssertThrowsError(try LabelMaskFile.encode(many, as: .png, spacing: nil)) { error in
            XCTAssertEqual((error as? FilmError)?.kind, .limit)
        }
    }
}
