import XCTest
import Radiography
@testable import DICOM
import TestSupport

/// RLE Lossless films written by pydicom's RLE encoder and by DCMTK's dcmcrle.
final class DICOMRLETests: XCTestCase {
    private func frame8(_ k: Int) -> [UInt16] {
        Formula.grid(width: 41, height: 31) { ($0 * 5 + $1 * 11 + k * 50) % 256 }
    }

    func testSixteenAndTwelveBitFilms() throws {
        let r16 = try DICOMDecoder.decode(try fixture("rle_16bit.dcm"))
        XCTAssertEqual(r16.pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(r16.spacing, PixelSpacing(row: 0.2, column: 0.1))
        let mono1 = try DICOMDecoder.decode(try fixture("rle_mono1_12bit.dcm"))
        XCTAssertEqual(mono1.bitsStored, 12)
        XCTAssertEqual(mono1.pixels, Formula.grid { 4095 - Formula.f12($0, $1) })
    }

    func testDCMTKSignedFilmWithOffsetTable() throws {
        let r = try DICOMDecoder.decode(try fixture("rle_dcmtk_signed16.dcm"))
        XCTAssertEqual(r.pixels, Formula.grid { Formula.f16($0, $1) })
    }

    func testEightBitFramesThroughTheOffsetTableAndWithout() throws {
        let bytes = try fixture("rle_8bit_3frames.dcm")
        for k in 0..<3 { XCTAssertEqual(try DICOMDecoder.decode(bytes, frame: k + 1).pixels, frame8(k)) }

        // Same film with an empty Basic Offset Table: one fragment per frame.
        var noTable = bytes
        let pixelData = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: noTable))
        let table = pixelData + 12
        XCTAssertEqual(Array(noTable[table..<table + 8]), [0xFE, 0xFF, 0x00, 0xE0, 12, 0, 0, 0])
        noTable.removeSubrange(table + 8..<table + 20)
        noTable.put32(0, at: table + 4)
        for k in 0..<3 { XCTAssertEqual(try DICOMDecoder.decode(noTable, frame: k + 1).pixels, frame8(k)) }
    }

    func testAFrameSplitOverSeveralFragmentsIsJoined() throws {
        // rle_16bit.dcm holds its frame in one fragment after the offset table; split it into
        // three items (at even offsets, as writers do), as pydicom reads such files.
        let bytes = try fixture("rle_16bit.dcm")
        let expected = try DICOMDecoder.decode(bytes).pixels
        let expectedStored = try DICOMDecoder.storedValues(bytes).bytes
        let header = [UInt8]([0xFE, 0xFF, 0x00, 0xE0])
        let table = try XCTUnwrap(bytes.find(header))
        let item = table + 8 + Int(bytes[table + 4]) + Int(bytes[table + 5]) << 8
        XCTAssertEqual(Array(bytes[item..<item + 4]), header)
        let length = Int(bytes[item + 4]) | Int(bytes[item + 5]) << 8 | Int(bytes[item + 6]) << 16
        let fragment = Array(bytes[(item + 8)..<(item + 8 + length)])
        var split = Array(bytes[..<item])
        for piece in [fragment[..<64], fragment[64..<200], fragment[200...]] {
            let n = UInt32(piece.count)
            split += header + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + piece
        }
        split += bytes[(item + 8 + length)...]
        XCTAssertEqual(try DICOMDecoder.decode(split).pixels, expected)
        XCTAssertEqual(try DICOMDecoder.storedValues(split).bytes, expectedStored)
    }

    func testEveryTruncationIsAnError() throws {
        for name in ["rle_8bit_3frames.dcm", "rle_dcmtk_signed16.dcm", "rle_rgb16.dcm"] {
            let bytes = try fixture(name)
            for cut in 0..<bytes.count {
                XCTAssertThrowsError(try DICOMDecoder.decode(Array(bytes[0..<cut]), frame: 3 - (cut % 3)), "\(name) cut at \(cut)")
            }
        }
    }

    func testCorruptHeadersAreErrors() throws {
        let bytes = try fixture("rle_16bit.dcm")
        let pixelData = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
        let tableLength = Int(bytes[pixelData + 16])
        let header = pixelData + 12 + 8 + tableLength + 8  // after the offset table item and the fragment's item header
        XCTAssertEqual(Array(bytes[header..<header + 8]), [2, 0, 0, 0, 64, 0, 0, 0])

        var segments = bytes
        segments.put32(3, at: header)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(segments) },
                       "DICOM: RLE frame has 3 segments; 2 expected for 16-bit grayscale")
        var offset = bytes
        offset.put32(0x7FFF_0000, at: header + 8)
        XCTAssertTrue(filmError { try DICOMDecoder.decode(offset) }.hasPrefix("DICOM: RLE segment 2 offset 2147418112 is outside its frame"))
        var short = bytes  // second segment starts 2 bytes before the end: far too short
        let fragmentLength = Int(bytes[header - 4]) | Int(bytes[header - 3]) << 8
        short.put32(UInt32(fragmentLength - 2), at: header + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(short) },
                       "DICOM: RLE segment 2 is 2 bytes, too short for 1200 pixels")
        var run = bytes  // first segment ends early: it decodes to too few bytes
        let second = Int(bytes[header + 8]) | Int(bytes[header + 9]) << 8
        run.put32(UInt32(second - 40), at: header + 8)
        XCTAssertTrue(filmError { try DICOMDecoder.decode(run) }.hasPrefix("DICOM: RLE segment 1 decodes to "))
    }

    func testRLEWithDefinedLengthPixelDataIsAnError() throws {
        var bytes = try fixture("explicit_le.dcm")
        let ts = try XCTUnwrap(offsetOf(0x0002, 0x0010, vr: "UI", in: bytes))
        // "1.2.840.10008.1.2.1\0" → "1.2.840.10008.1.2.5\0"
        XCTAssertEqual(bytes[ts + 8 + 18], UInt8(ascii: "1"))
        bytes[ts + 8 + 18] = UInt8(ascii: "5")
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: transfer syntax 1.2.840.10008.1.2.5 (RLE Lossless) needs encapsulated Pixel Data, but it has a defined length")
    }
}
