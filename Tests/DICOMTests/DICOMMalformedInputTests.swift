import XCTest
import Radiography
@testable import DICOM
import Phantom
import TestSupport

/// Bad input must give one FilmError, never a trap, a hang or an allocation sized by a lie.
final class DICOMMalformedInputTests: XCTestCase {
    private var small: [UInt8] { DICOMEncoder.encode(DICOMFilm(width: 8, height: 6, storedValues: (0..<48).map { UInt16($0 * 100) },
                                                                pixelSpacing: PixelSpacing(isotropic: 0.1))) }

    func testEveryTruncationIsAnError() throws {
        for name in ["explicit_le.dcm", "implicit_le.dcm", "private_sequence_implicit.dcm",
                     "private_sequence_explicit.dcm", "raw_explicit.dcm", "eight_bit_41x31.dcm",
                     "big_endian.dcm", "raw_big_endian.dcm", "big_endian_8bit_3frames.dcm", "rgb_planar.dcm"] {
            let bytes = try fixture(name)
            XCTAssertNoThrow(try DICOMDecoder.decode(bytes), name)
            for cut in 0..<bytes.count {
                XCTAssertThrowsError(try DICOMDecoder.decode(Array(bytes[0..<cut])), "\(name) cut at \(cut)") {
                    XCTAssertTrue($0 is FilmError)
                }
            }
        }
    }

    func testPixelDataLengthPastTheEnd() {
        var bytes = small
        let at = offsetOf(0x7FE0, 0x0010, vr: "OW", in: bytes)!
        bytes.put32(18_000_000, at: at + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: element (7FE0,0010) length 18000000 runs past the end of the file (96 bytes left)")
    }

    func testPixelDataShorterThanDeclared() {
        var bytes = small
        let at = offsetOf(0x7FE0, 0x0010, vr: "OW", in: bytes)!
        bytes.put32(90, at: at + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: Pixel Data holds 90 bytes but 8×6 pixels × 2 bytes need 96")
    }

    func testUndefinedLengthWhereNotAllowed() {
        var bytes = small  // native syntax, OW pixel data with undefined length: bytes are not fragments
        let at = offsetOf(0x7FE0, 0x0010, vr: "OW", in: bytes)!
        bytes.put32(0xFFFF_FFFF, at: at + 8)
        XCTAssertTrue(filmError { try DICOMDecoder.decode(bytes) }.contains("(7FE0,0010)"))

        let implicit = DICOMEncoder.encode(DICOMFilm(width: 8, height: 6, storedValues: .init(repeating: 1, count: 48), syntax: .implicitLittle))
        var lying = implicit
        let rows = offsetOfTag(0x0028, 0x0010, in: lying)!
        lying.put32(0xFFFF_FFFF, at: rows + 4)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(lying) },
                       "DICOM: element (0028,0010) (VR US) at byte \(rows) has undefined length, which only sequences and encapsulated pixel data may have")
    }

    func testOddLength() {
        var bytes = small
        let at = offsetOf(0x0028, 0x0010, vr: "US", in: bytes)!
        bytes.put16(3, at: at + 6)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: element (0028,0010) at byte \(at) has odd length 3 (DICOM lengths are even)")
    }

    func testHugeDimensionsWithFewBytesFailBeforeAllocating() {
        var bytes = small
        bytes.put16(65535, at: offsetOf(0x0028, 0x0010, vr: "US", in: bytes)! + 8)
        bytes.put16(65535, at: offsetOf(0x0028, 0x0011, vr: "US", in: bytes)! + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: image is 65535×65535 pixels, over the limit of 50000000 pixels per film")
        let unlimited = DecodeLimits(maxPixels: .max)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes, limits: unlimited) },
                       "DICOM: Pixel Data holds 96 bytes but 65535×65535 pixels × 2 bytes need 8589672450")
        XCTAssertTrue(filmError { try DICOMDecoder.decode(self.small, limits: DecodeLimits(maxPixels: 40)) }
            .contains("over the limit of 40 pixels"))
    }

    func testHugeFrameCount() {
        // Number of Frames (0028,0008) IS inserted before Rows: 999999999999 frames of 96 bytes.
        var bytes = small
        let rows = offsetOf(0x0028, 0x0010, vr: "US", in: bytes)!
        let frames: [UInt8] = [0x28, 0x00, 0x08, 0x00] + Array("IS".utf8) + [12, 0] + Array("999999999999".utf8)
        bytes.insert(contentsOf: frames, at: rows)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: Pixel Data holds 96 bytes but 8×6 pixels × 999999999999 frames × 2 bytes need 95999999999904")
    }

    func testUnsupportedPixelModulesAreRefused() {
        func patched(_ group: UInt16, _ element: UInt16, _ value: UInt16) -> [UInt8] {
            var b = small
            b.put16(value, at: offsetOf(group, element, vr: "US", in: b)! + 8)
            return b
        }
        XCTAssertEqual(filmError { try DICOMDecoder.decode(patched(0x0028, 0x0100, 32)) },
                       "DICOM: Bits Allocated 32 is not supported: only 8 and 16 are read for a film")
        XCTAssertEqual(filmError { try DICOMDecoder.decode(patched(0x0028, 0x0002, 3)) },
                       "DICOM: Photometric Interpretation MONOCHROME2 with 3 samples per pixel is not supported: read are MONOCHROME1, MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422")
        XCTAssertEqual(filmError { try DICOMDecoder.decode(patched(0x0028, 0x0101, 17)) },
                       "DICOM: Bits Stored 17 does not fit in Bits Allocated 16")
        XCTAssertEqual(filmError { try DICOMDecoder.decode(patched(0x0028, 0x0102, 3)) },
                       "DICOM: High Bit 3 is impossible with Bits Stored 16 and Bits Allocated 16")
        XCTAssertEqual(filmError { try DICOMDecoder.decode(patched(0x0028, 0x0103, 2)) },
                       "DICOM: Pixel Representation 2 is neither 0 (unsigned) nor 1 (signed)")
        var rgb = small
        let pi = offsetOf(0x0028, 0x0004, vr: "CS", in: rgb)! + 8
        rgb.replaceSubrange(pi..<pi + 12, with: Array("PALETTE COLOR ".utf8.prefix(12)))
        XCTAssertEqual(filmError { try DICOMDecoder.decode(rgb) },
                       "DICOM: Photometric Interpretation PALETTE COLO with 1 sample per pixel is not supported: read are MONOCHROME1, MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422")
    }

    func testUnknownTransferSyntax() {
        var bytes = small
        let at = offsetOf(0x0002, 0x0010, vr: "UI", in: bytes)! + 8
        bytes[at + 17] = UInt8(ascii: "7")  // 1.2.840.10008.1.2.1 → 1.2.840.10008.1.7.1
        let message = filmError { try DICOMDecoder.decode(bytes) }
        XCTAssertTrue(message.hasSuffix("is not a known transfer syntax"), message)
    }

    func testNotDICOMAtAll() {
        XCTAssertEqual(filmError { try DICOMDecoder.decode(Array("\u{89}PNG\r\n\u{1A}\n and more bytes".utf8)) },
                       "DICOM: not a DICOM file (no 'DICM' marker at byte 128, and the bytes do not start with a data element)")
        XCTAssertTrue(filmError { try DICOMDecoder.decode([]) }.hasPrefix("DICOM: not a DICOM file"))
    }

    func testDeepNestingIsRefusedWithoutExhaustingTheStack() {
        // Implicit VR: 10 000 nested undefined-length sequences, each in an undefined-length item.
        var body: [UInt8] = []
        let open: [UInt8] = [0x09, 0x00, 0x01, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
        for _ in 0..<10_000 { body += open }
        let bytes: [UInt8] = [0x08, 0x00, 0x60, 0x00, 2, 0, 0, 0] + Array("DX".utf8) + body
        let message = filmError { try DICOMDecoder.decode(bytes) }
        XCTAssertTrue(message.hasPrefix("DICOM: sequences nested more than 32 deep"), message)
    }

    /// Seeded random corruption of the header and the sequence region: any outcome but a crash.
    func testRandomCorruptionNeverCrashes() throws {
        var rng = SplitMix64(seed: 2026)
        for name in ["private_sequence_explicit.dcm", "private_sequence_implicit.dcm", "multiframe3.dcm"] {
            let original = try fixture(name)
            let headerEnd = min(original.count, 700)
            for _ in 0..<3000 {
                var b = original
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let i = 128 + Int(rng.next() % UInt64(headerEnd - 128))
                    b[i] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                if let r = try? DICOMDecoder.decode(b) {
                    XCTAssertEqual(r.pixels.count, r.width * r.height)
                }
            }
        }
    }
}
