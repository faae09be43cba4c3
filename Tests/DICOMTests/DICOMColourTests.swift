import XCTest
import Radiography
@testable import DICOM
import TestSupport

/// Colour films (scans and secondary captures) come out as their luminance.
final class DICOMColourTests: XCTestCase {
    private static func rgb(_ x: Int, _ y: Int) -> (Double, Double, Double) {
        (Double((x * 7 + y * 3) % 256), Double((x * 2 + y * 9 + 40) % 256), Double((x * 13 + y) % 256))
    }

    /// Rec. 601 luma in floating point, rounded; `scale` for 16-bit components (× 257).
    private func assertLuma(_ r: Radiograph, scale: Double = 1, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.width, 40, file: file, line: line)
        XCTAssertEqual(r.pixels.count, 40 * 30, file: file, line: line)
        var exact = 0
        for y in 0..<30 {
            for x in 0..<40 {
                let (red, green, blue) = Self.rgb(x, y)
                let luma = (0.299 * red + 0.587 * green + 0.114 * blue) * scale
                let got = Double(r.pixels[y * 40 + x])
                // Only an exact tie (.5) may round either way.
                XCTAssertLessThanOrEqual(abs(got - luma), abs(luma - luma.rounded(.down) - 0.5) < 1e-6 ? 0.5 + 1e-6 : 0.5,
                                         "(\(x), \(y))", file: file, line: line)
                if got == luma.rounded() { exact += 1 }
            }
        }
        XCTAssertGreaterThan(exact, 1150, file: file, line: line)
    }

    func testRGBInterleavedAndPlanar() throws {
        for name in ["rgb_interleaved.dcm", "rgb_planar.dcm"] {
            let r = try DICOMDecoder.decode(try fixture(name))
            XCTAssertEqual(r.bitsStored, 8)
            assertLuma(r)
        }
    }

    func testRLEColourEightAndSixteenBit() throws {
        assertLuma(try DICOMDecoder.decode(try fixture("rle_rgb.dcm")))
        let r16 = try DICOMDecoder.decode(try fixture("rle_rgb16.dcm"))
        XCTAssertEqual(r16.bitsStored, 16)
        assertLuma(r16, scale: 257)
    }

    func testYBRFullUsesItsLumaComponent() throws {
        let r = try DICOMDecoder.decode(try fixture("ybr_full.dcm"))
        XCTAssertEqual(r.pixels, Formula.grid { ($0 * 5 + $1 * 11) % 256 })
    }

    func testOtherColourModelsAreRefused() throws {
        var bytes = try fixture("ybr_full.dcm")
        let at = try XCTUnwrap(offsetOf(0x0028, 0x0004, vr: "CS", in: bytes)) + 8
        XCTAssertEqual(Array(bytes[at..<at + 8]), Array("YBR_FULL".utf8))
        // YBR_ICT belongs to JPEG 2000 (whose decoder undoes it), not to uncompressed pixels.
        bytes.replaceSubrange(at..<at + 8, with: Array("YBR_ICT ".utf8))
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: Photometric Interpretation YBR_ICT with 3 samples per pixel is not supported: read are MONOCHROME1, MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422")
        var four = try fixture("rgb_planar.dcm")
        four.put16(4, at: try XCTUnwrap(offsetOf(0x0028, 0x0002, vr: "US", in: four)) + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(four) },
                       "DICOM: Samples per Pixel is 4; only 1 (grayscale) and 3 (colour) are read")
        var signed = try fixture("rgb_planar.dcm")
        signed.put16(1, at: try XCTUnwrap(offsetOf(0x0028, 0x0103, vr: "US", in: signed)) + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(signed) }, "DICOM: signed colour pixel data is not supported")
    }

    func testColourPixelDataShorterThanDeclared() throws {
        var bytes = try fixture("rgb_interleaved.dcm")
        let at = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
        bytes.put32(3598, at: at + 8)
        bytes.removeLast(2)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: Pixel Data holds 3598 bytes but 40×30 pixels × 3 bytes need 3600")
    }
}
