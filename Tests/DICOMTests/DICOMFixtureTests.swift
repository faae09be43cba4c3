import XCTest
import Radiography
@testable import DICOM
import TestSupport

/// Files written by pydicom (make_fixtures.py) with pixels from `Formula`.
final class DICOMFixtureTests: XCTestCase {
    private func decode(_ name: String, frame: Int = 1) throws -> Radiograph {
        try DICOMDecoder.decode(try fixture(name), frame: frame)
    }

    func testExplicitAndImplicitLittleEndian() throws {
        for name in ["explicit_le.dcm", "implicit_le.dcm", "raw_implicit.dcm", "raw_explicit.dcm"] {
            let r = try decode(name)
            XCTAssertEqual(r.width, 40, name)
            XCTAssertEqual(r.height, 30, name)
            XCTAssertEqual(r.bitsStored, 16, name)
            XCTAssertEqual(r.format, .dicom, name)
            XCTAssertEqual(r.pixels, Formula.grid { Formula.f16($0, $1) }, name)
            XCTAssertEqual(r.modalityRescale, .identity, name)
            XCTAssertNil(r.displayWindow, name)
        }
    }

    func testPixelSpacingWinsOverImagerPixelSpacingRowFirst() throws {
        let r = try decode("explicit_le.dcm")
        XCTAssertEqual(r.spacing, PixelSpacing(row: 0.2, column: 0.1))
        XCTAssertEqual(r.spacingSource, .pixelSpacing)
        XCTAssertNil(try decode("raw_implicit.dcm").spacing)
        XCTAssertEqual(try decode("raw_implicit.dcm").spacingSource, .unknown)
    }

    func testImagerPixelSpacingWhenPixelSpacingAbsentOrImplausible() throws {
        let only = try decode("bits12_garbage.dcm")
        XCTAssertEqual(only.spacing, PixelSpacing(row: 0.143, column: 0.139))
        XCTAssertEqual(only.spacingSource, .imagerPixelSpacing)
        let zero = try decode("rescale_window.dcm")  // Pixel Spacing 0\0
        XCTAssertEqual(zero.spacing, PixelSpacing(isotropic: 0.125))
        XCTAssertEqual(zero.spacingSource, .imagerPixelSpacing)
    }

    func testMonochrome1IsInvertedAndItsWindowFollows() throws {
        let r = try decode("mono1_12bit.dcm")
        XCTAssertEqual(r.bitsStored, 12)
        XCTAssertEqual(r.pixels, Formula.grid { 4095 - Formula.f12($0, $1) })
        // Window centre 1000 in stored units is sample 4095 − 1000.
        XCTAssertEqual(r.displayWindow, DisplayWindow(center: 3095, width: 600))
        XCTAssertEqual(r.modalityRescale, .identity)
    }

    func testBitsAboveHighBitAreMasked() throws {
        XCTAssertEqual(try decode("bits12_garbage.dcm").pixels, Formula.grid { Formula.f12($0, $1) })
        let top = try decode("highbit15.dcm")  // 12 bits in bits 4…15
        XCTAssertEqual(top.bitsStored, 12)
        XCTAssertEqual(top.pixels, Formula.grid { Formula.f12($0, $1) })
    }

    func testSignedDataIsShiftedPreservingOrder() throws {
        let s16 = try decode("signed16.dcm")
        XCTAssertEqual(s16.pixels, Formula.grid { Formula.f16($0, $1) })  // (f − 32768) + 32768
        let s12 = try decode("signed12.dcm")
        XCTAssertEqual(s12.bitsStored, 12)
        XCTAssertEqual(s12.pixels, Formula.grid { Formula.f12($0, $1) })  // (f − 2048) + 2048
    }

    func testRescaleAndWindowInSampleUnits() throws {
        let r = try decode("rescale_window.dcm")
        XCTAssertEqual(r.pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(r.modalityRescale, LinearRescale(slope: 0.5, intercept: -1024))
        // Window 40/400 in modality units: (40 + 1024) / 0.5 and 400 / 0.5.
        XCTAssertEqual(r.displayWindow, DisplayWindow(center: 2128, width: 800))
    }

    func testNegativeSlopeFlipsSoLargerIsMoreAttenuation() throws {
        let r = try decode("negative_slope.dcm")
        XCTAssertEqual(r.pixels, Formula.grid { 4095 - Formula.f12($0, $1) })
        // modality = −2 · stored + 1000 and stored = 4095 − sample.
        XCTAssertEqual(r.modalityRescale, LinearRescale(slope: 2, intercept: 1000 - 2 * 4095))
        let stored = Formula.f12(3, 4)
        XCTAssertEqual(r.modalityRescale.apply(Double(r.pixels[4 * 40 + 3])), -2 * Double(stored) + 1000)
    }

    func testEightBitsAllocatedOddPixelCount() throws {
        let r = try decode("eight_bit_41x31.dcm")
        XCTAssertEqual(r.width, 41)
        XCTAssertEqual(r.height, 31)
        XCTAssertEqual(r.bitsStored, 8)
        XCTAssertEqual(r.pixels, Formula.grid(width: 41, height: 31) { ($0 * 5 + $1 * 11) % 256 })
    }

    func testUndefinedLengthPrivateSequencesAreSkipped() throws {
        for name in ["private_sequence_explicit.dcm", "private_sequence_implicit.dcm"] {
            let r = try decode(name)  // nested items hold decoy Rows/Columns 9 and Pixel Data
            XCTAssertEqual(r.width, 40, name)
            XCTAssertEqual(r.height, 30, name)
            XCTAssertEqual(r.pixels, Formula.grid { Formula.f16($0, $1) }, name)
        }
    }

    func testMultiFramePicksTheAskedFrame() throws {
        for k in 0..<3 {
            XCTAssertEqual(try decode("multiframe3.dcm", frame: k + 1).pixels, Formula.grid { Formula.f16($0, $1, frame: k) })
        }
        XCTAssertEqual(filmError { try self.decode("multiframe3.dcm", frame: 4) },
                       "DICOM: frame 4 was asked for but the file has 3 frames")
        XCTAssertEqual(filmError { try self.decode("multiframe3.dcm", frame: 0) },
                       "DICOM: frame 0 was asked for but the file has 3 frames")
    }

    func testExplicitVRBigEndian() throws {
        let r16 = try decode("big_endian.dcm")
        XCTAssertEqual(r16.pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(r16.spacing, PixelSpacing(row: 0.2, column: 0.1))
        let raw = try decode("raw_big_endian.dcm")  // no meta group: big endian inferred
        XCTAssertEqual(raw.bitsStored, 12)
        XCTAssertEqual(raw.pixels, Formula.grid { Formula.f12($0, $1) })  // signed, shifted
        let frames = try fixture("big_endian_8bit_3frames.dcm")
        func frame8(_ k: Int) -> [UInt16] { Formula.grid(width: 41, height: 31) { ($0 * 5 + $1 * 11 + k * 50) % 256 } }
        for k in 0..<3 { XCTAssertEqual(try DICOMDecoder.decode(frames, frame: k + 1).pixels, frame8(k)) }

        // The same 8-bit frames in an OW element, which big endian swaps as 16-bit words.
        var ow = frames
        let at = try XCTUnwrap(offsetOfBigEndian(0x7FE0, 0x0010, vr: "OB", in: ow))
        ow[at + 4] = UInt8(ascii: "O"); ow[at + 5] = UInt8(ascii: "W")
        let length = Int(ow[at + 10]) << 8 | Int(ow[at + 11])
        XCTAssertEqual(length, 3814)
        for p in stride(from: at + 12, to: at + 12 + length, by: 2) { ow.swapAt(p, p + 1) }
        for k in 0..<3 { XCTAssertEqual(try DICOMDecoder.decode(ow, frame: k + 1).pixels, frame8(k)) }
    }

    func testUnsupportedTransferSyntaxesAreRefusedByName() throws {
        // JPEG 2000 Part 2 (multi-component) has no decoder: the file is refused by name.
        var bytes = try fixture("j2k_lossless_12bit.dcm")
        let uid = Array("1.2.840.10008.1.2.4.90".utf8)
        let at = try XCTUnwrap((0...(bytes.count - uid.count)).first { Array(bytes[$0..<($0 + uid.count)]) == uid })
        bytes[at + uid.count - 1] = UInt8(ascii: "2")
        XCTAssertTrue(filmError { try DICOMDecoder.decode(bytes) }
            .hasPrefix("DICOM: transfer syntax 1.2.840.10008.1.2.4.92 (JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)) is not supported (read are: Implicit VR Little Endian; "))
    }
}
