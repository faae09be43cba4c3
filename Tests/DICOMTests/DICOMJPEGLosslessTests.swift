import XCTest
import Radiography
@testable import DICOM
import Phantom
import TestSupport

/// JPEG Lossless films compressed by DCMTK (dcmcjpeg) from the pydicom fixtures.
final class DICOMJPEGLosslessTests: XCTestCase {
    private func decode(_ name: String, frame: Int = 1) throws -> Radiograph {
        try DICOMDecoder.decode(try fixture(name), frame: frame)
    }

    func testSelectionValue1() throws {
        XCTAssertEqual(try decode("dcmtk_jpegll_sv1_16bit.dcm").pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(try decode("dcmtk_jpegll_sv1_fragments.dcm").pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(try decode("dcmtk_jpegll_sv1_signed16.dcm").pixels, Formula.grid { Formula.f16($0, $1) })
        let mono1 = try decode("dcmtk_jpegll_sv1_mono1.dcm")
        XCTAssertEqual(mono1.bitsStored, 12)
        XCTAssertEqual(mono1.pixels, Formula.grid { 4095 - Formula.f12($0, $1) })
    }

    func testEveryPredictor() throws {
        for sv in 2...7 {
            XCTAssertEqual(try decode("dcmtk_jpegll_sv\(sv)_12bit.dcm").pixels, Formula.grid { Formula.f12($0, $1) }, "predictor \(sv)")
        }
    }

    func testPointTransformDropsLowBits() throws {
        XCTAssertEqual(try decode("dcmtk_jpegll_pt2_12bit.dcm").pixels, Formula.grid { (Formula.f12($0, $1) >> 2) << 2 })
    }

    func testMultiFrameEightBitAndColour() throws {
        for k in 0..<3 {
            XCTAssertEqual(try decode("dcmtk_jpegll_sv1_8bit_3frames.dcm", frame: k + 1).pixels,
                           Formula.grid(width: 41, height: 31) { ($0 * 5 + $1 * 11 + k * 50) % 256 })
        }
        let rgb = try decode("dcmtk_jpegll_sv1_rgb.dcm")
        XCTAssertEqual(rgb.pixels, try decode("rgb_interleaved.dcm").pixels, "same luminance as the uncompressed film")
    }

    /// Restart intervals (written by make_fixtures.py's own small encoder, checked by dcmdjpeg).
    func testRestartIntervals() throws {
        XCTAssertEqual(try decode("py_jpegll_restart_sv7_12bit.dcm").pixels, Formula.grid { Formula.f12($0, $1) })
        XCTAssertEqual(try decode("py_jpegll_restart_sv1_16bit.dcm").pixels, Formula.grid { Formula.f16($0, $1) })

        var bytes = try fixture("py_jpegll_restart_sv7_12bit.dcm")
        let start = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
        let marker = try XCTUnwrap((start..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xD0 })
        bytes[marker + 1] = 0xC8
        XCTAssertTrue(filmError { try DICOMDecoder.decode(bytes) }.hasPrefix("DICOM: JPEG Lossless: restart marker 1 is missing"))
    }

    func testEveryTruncationAndCorruptionIsHandled() throws {
        for name in ["dcmtk_jpegll_sv1_16bit.dcm", "dcmtk_jpegll_sv1_rgb.dcm", "dcmtk_jpegll_sv4_12bit.dcm",
                     "py_jpegll_restart_sv7_12bit.dcm"] {
            let bytes = try fixture(name)
            for cut in 0..<bytes.count {
                XCTAssertThrowsError(try DICOMDecoder.decode(Array(bytes[0..<cut])), "\(name) cut at \(cut)")
            }
            var rng = SplitMix64(seed: 14)
            let start = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
            for _ in 0..<2000 {
                var b = bytes
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    b[start + Int(rng.next() % UInt64(b.count - start))] = UInt8(truncatingIfNeeded: rng.next())
                }
                if let r = try? DICOMDecoder.decode(b) { XCTAssertEqual(r.pixels.count, r.width * r.height) }
            }
        }
    }

    func testCodestreamThatDisagreesWithTheHeader() throws {
        var bytes = try fixture("dcmtk_jpegll_sv1_16bit.dcm")
        let columns = try XCTUnwrap(offsetOf(0x0028, 0x0011, vr: "US", in: bytes)) + 8
        bytes.put16(41, at: columns)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: JPEG Lossless: the codestream is 40×30 with 1 component, the DICOM header says 41×30 with 1")
    }
}
