import XCTest
import Radiography
@testable import DICOM
import TestSupport

/// Deflated data sets (pydicom-written) and JPEG Baseline frames (DCMTK-compressed, with
/// DCMTK's own decoding as the truth), plus the stored values `detect convert` writes.
final class DICOMDeflateJPEGBaselineTests: XCTestCase {
    func testDeflatedDataSetIsInflated() throws {
        let r = try DICOMDecoder.decode(fixture("deflated.dcm"))
        XCTAssertEqual(r.pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(r.patientID, "FIXTURE")
    }

    func testDeflatedOutputIsCappedByTheFileLimit() throws {
        let bytes = try fixture("deflated_steps.dcm")
        let steps = Formula.grid { ($0 / 8) * 1000 + ($1 / 8) * 7 }
        XCTAssertEqual(try DICOMDecoder.decode(bytes).pixels, steps)
        // 560 bytes on disk, over 2700 once inflated: a cap between the two stops inflation.
        let limits = DecodeLimits(maxFileBytes: 2 * bytes.count)
        XCTAssertTrue(filmError { try DICOMDecoder.decode(bytes, limits: limits) }
            .hasPrefix("DICOM: the deflated data set inflates to more than"))
    }

    func testTruncatedOrCorruptDeflateIsAnError() throws {
        let bytes = try fixture("deflated.dcm")
        // The data set starts after the meta group, whose length (0002,0000) sits at byte 140.
        let start = 144 + (Int(bytes[140]) | Int(bytes[141]) << 8)
        for cut in start..<bytes.count {
            XCTAssertThrowsError(try DICOMDecoder.decode(Array(bytes[0..<cut])), "cut at \(cut)")
        }
        // Raw deflate has no checksum, so only a broken stream is detectable: block type 3.
        var corrupt = bytes
        corrupt[start] = 0x07
        XCTAssertTrue(filmError { try DICOMDecoder.decode(corrupt) }.hasPrefix("DICOM: the deflated data set is corrupt or truncated (libdeflate: invalid deflate data)"))
    }

    /// Our JPEG Baseline stored values equal DCMTK's decoding (same accurate integer IDCT and
    /// upsampling), for gray, YCbCr 4:2:2 and 4:4:4, RGB, and every frame of a multi-frame film.
    func testJPEGBaselineMatchesDCMTK() throws {
        for (name, frames) in [("gray", 1), ("3frames", 3), ("ybr422", 1), ("ybr444", 1), ("rgb", 1)] {
            let jpeg = try fixture("dcmtk_jpegbase_\(name).dcm")
            let truth = try fixture("dcmtk_jpegbase_\(name)_dcmdjpeg.dcm")
            for k in 1...frames {
                let ours = try DICOMDecoder.storedValues(jpeg, frame: k)
                let theirs = try DICOMDecoder.storedValues(truth, frame: k)
                XCTAssertEqual(ours.sampleType, .uint8)
                XCTAssertEqual([ours.rows, ours.columns, ours.samplesPerPixel], [theirs.rows, theirs.columns, theirs.samplesPerPixel])
                XCTAssertEqual(ours.bytes, theirs.bytes, "\(name) frame \(k)")
            }
        }
    }

    func testJPEGBaselineFilmIsItsLuminance() throws {
        let gray = try DICOMDecoder.decode(fixture("dcmtk_jpegbase_gray.dcm"))
        XCTAssertEqual(gray.pixels, try DICOMDecoder.decode(fixture("dcmtk_jpegbase_gray_dcmdjpeg.dcm")).pixels)
        XCTAssertEqual([gray.width, gray.height, gray.bitsStored], [41, 31, 8])
        // YCbCr: the Y component as DCMTK decoded it.
        let ybr = try DICOMDecoder.decode(fixture("dcmtk_jpegbase_ybr422.dcm"))
        let ybrTruth = try DICOMDecoder.storedValues(fixture("dcmtk_jpegbase_ybr422_dcmdjpeg.dcm"), colour: .asStored)
        XCTAssertEqual(ybr.pixels.map(Int.init), (0..<(40 * 30)).map { ybrTruth.value(at: 3 * $0) })
        // RGB-coded: Rec. 601 luma of DCMTK's R, G, B.
        let rgb = try DICOMDecoder.decode(fixture("dcmtk_jpegbase_rgb.dcm"))
        let t = try DICOMDecoder.storedValues(fixture("dcmtk_jpegbase_rgb_dcmdjpeg.dcm"))
        XCTAssertEqual(rgb.pixels.map(Int.init), (0..<(40 * 30)).map {
            (299 * t.value(at: 3 * $0) + 587 * t.value(at: 3 * $0 + 1) + 114 * t.value(at: 3 * $0 + 2) + 500) / 1000
        })
    }

    func testOtherJPEGProcessesAreRefusedByName() throws {
        var bytes = try fixture("dcmtk_jpegbase_gray.dcm")
        let uid = Array("1.2.840.10008.1.2.4.50".utf8)
        let at = try XCTUnwrap((0...(bytes.count - uid.count)).first { Array(bytes[$0..<($0 + uid.count)]) == uid })
        bytes[at + uid.count - 1] = UInt8(ascii: "5")
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: transfer syntax 1.2.840.10008.1.2.4.55 (JPEG Full Progression, Non-Hierarchical (Process 10 and 12)) is not supported (read are: \(TransferSyntax.readableList))")
        XCTAssertTrue(TransferSyntax.readableList.contains("; JPEG-LS Lossless Image Compression; "))
        XCTAssertTrue(filmError { try DICOMDecoder.storedValues(bytes) }.contains("1.2.840.10008.1.2.4.55 (JPEG Full Progression"))
    }

    func testTruncatedJPEGBaselineIsAnError() throws {
        let bytes = try fixture("dcmtk_jpegbase_ybr422.dcm")
        let at = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
        for cut in stride(from: at, to: bytes.count, by: 5) {
            XCTAssertThrowsError(try DICOMDecoder.decode(Array(bytes[0..<cut])), "cut at \(cut)")
        }
    }

    /// Stored values keep the file's sign and drop the bits above High Bit, without inversion.
    func testStoredValuesAreMaskedAndSignExtendedOnly() throws {
        let signed = try DICOMDecoder.storedValues(fixture("signed12.dcm"))
        XCTAssertEqual(signed.sampleType, .int16)
        XCTAssertEqual((0..<signed.count).map(signed.value), Formula.grid { Formula.f12($0, $1) }.map { Int($0) - 2048 })
        let garbage = try DICOMDecoder.storedValues(fixture("bits12_garbage.dcm"))
        XCTAssertEqual(garbage.sampleType, .uint16)
        XCTAssertEqual((0..<garbage.count).map(garbage.value), Formula.grid { Formula.f12($0, $1) }.map(Int.init))
        let mono1 = try DICOMDecoder.storedValues(fixture("mono1_12bit.dcm"))  // not inverted
        XCTAssertEqual((0..<mono1.count).map(mono1.value), Formula.grid { Formula.f12($0, $1) }.map(Int.init))
        XCTAssertEqual(mono1.photometricInterpretation, "MONOCHROME1")
        let frames = try fixture("big_endian_8bit_3frames.dcm")
        let third = try DICOMDecoder.storedValues(frames, frame: 3)
        XCTAssertEqual(third.bytes, Formula.grid(width: 41, height: 31) { ($0 * 5 + $1 * 11 + 100) % 256 }.map { UInt8($0) })
        // RGB planar comes back interleaved, identical to the interleaved file.
        XCTAssertEqual(try DICOMDecoder.storedValues(fixture("rgb_planar.dcm")).bytes,
                       try DICOMDecoder.storedValues(fixture("rgb_interleaved.dcm")).bytes)
        XCTAssertEqual(DICOMStoredFrame.SampleType.int16.numpyDescriptor, "<i2")
        XCTAssertEqual(DICOMStoredFrame.SampleType.uint8.numpyDescriptor, "|u1")
    }
}
