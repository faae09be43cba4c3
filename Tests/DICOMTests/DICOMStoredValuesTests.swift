import XCTest
import Radiography
@testable import DICOM
import Phantom
import TestSupport

/// Layouts only `storedValues` reads (1-bit, 32-bit, palette) and native YBR_FULL_422, in raw
/// explicit VR little endian data sets written here byte by byte; and `DICOMHeader`.
final class DICOMStoredValuesTests: XCTestCase {
    /// A raw data set (no preamble, no meta group: explicit VR LE is inferred) with the given
    /// pixel module and pixel data bytes.
    private func film(rows: Int, columns: Int, allocated: Int, stored: Int, signed: Bool = false,
                      samples: Int = 1, photometric: String = "MONOCHROME2", frames: Int? = nil,
                      pixelVR: String = "OW", pixels: [UInt8]) -> [UInt8] {
        func us(_ e: UInt16, _ v: Int) -> [UInt8] { [0x28, 0x00, UInt8(e & 0xFF), UInt8(e >> 8)] + Array("US".utf8) + [2, 0, UInt8(v & 0xFF), UInt8(v >> 8)] }
        func text(_ e: UInt16, _ vr: String, _ s: String) -> [UInt8] {
            var v = Array(s.utf8)
            if v.count % 2 == 1 { v.append(0x20) }
            return [0x28, 0x00, UInt8(e & 0xFF), UInt8(e >> 8)] + Array(vr.utf8) + [UInt8(v.count), 0] + v
        }
        var b = us(0x0002, samples) + text(0x0004, "CS", photometric)
        if let frames { b += text(0x0008, "IS", String(frames)) }
        b += us(0x0010, rows) + us(0x0011, columns) + us(0x0100, allocated) + us(0x0101, stored)
            + us(0x0102, stored - 1) + us(0x0103, signed ? 1 : 0)
        var data = pixels
        if data.count % 2 == 1 { data.append(0) }
        let n = UInt32(data.count)
        b += [0xE0, 0x7F, 0x10, 0x00] + Array(pixelVR.utf8) + [0, 0] + (0..<4).map { UInt8((n >> (8 * UInt32($0))) & 0xFF) }
        return b + data
    }

    func testOneBitFramesArePackedAcrossByteBoundaries() throws {
        // Two 5×3 frames: 30 bits in a row, least significant bit first; frame 2 starts at bit 15.
        let bit: (Int) -> Int = { ($0 * 7 + $0 / 3) % 3 == 0 ? 1 : 0 }
        var packed = [UInt8](repeating: 0, count: 4)
        for i in 0..<30 where bit(i) == 1 { packed[i / 8] |= 1 << UInt8(i % 8) }
        let bytes = film(rows: 3, columns: 5, allocated: 1, stored: 1, frames: 2, pixelVR: "OB", pixels: packed)
        for k in 0..<2 {
            let frame = try DICOMDecoder.storedValues(bytes, frame: k + 1)
            XCTAssertEqual(frame.sampleType, .uint8)
            XCTAssertEqual(frame.bytes, (0..<15).map { UInt8(bit(15 * k + $0)) }, "frame \(k + 1)")
        }
        // Too few bytes for three frames of 15 bits.
        let short = film(rows: 3, columns: 5, allocated: 1, stored: 1, frames: 3, pixelVR: "OB", pixels: packed)
        XCTAssertTrue(filmError { try DICOMDecoder.storedValues(short) }.hasPrefix("DICOM: Pixel Data holds 4 bytes but"))
        // A film needs 8 or 16 bits.
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: Bits Allocated 1 is not supported: only 8 and 16 are read for a film")
    }

    func testThirtyTwoBitValuesKeepTheirSign() throws {
        let values: [UInt32] = [0, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 123_456_789]
        let le = values.flatMap { v in (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        let unsigned = try DICOMDecoder.storedValues(film(rows: 2, columns: 3, allocated: 32, stored: 32, pixels: le))
        XCTAssertEqual(unsigned.sampleType, .uint32)
        XCTAssertEqual((0..<6).map(unsigned.value), values.map { Int($0) })
        let signed = try DICOMDecoder.storedValues(film(rows: 2, columns: 3, allocated: 32, stored: 32, signed: true, pixels: le))
        XCTAssertEqual(signed.sampleType, .int32)
        XCTAssertEqual((0..<6).map(signed.value), values.map { Int(Int32(bitPattern: $0)) })
        // 24 of 32 bits, signed: bit 23 is the sign, the top byte is garbage.
        let s24 = try DICOMDecoder.storedValues(film(rows: 2, columns: 3, allocated: 32, stored: 24, signed: true, pixels: le))
        XCTAssertEqual((0..<6).map(s24.value), values.map { v -> Int in
            let low = Int(v & 0xFF_FFFF)
            return low >= 1 << 23 ? low - (1 << 24) : low
        })
    }

    func testNativeYBRFull422IsUpsampledAndItsFilmIsTheLuma() throws {
        // 4×2 pixels: per pair Y0 Y1 Cb Cr.
        let stored: [UInt8] = [10, 20, 100, 200, 30, 40, 101, 201, 50, 60, 102, 202, 70, 80, 103, 203]
        let bytes = film(rows: 2, columns: 4, allocated: 8, stored: 8, samples: 3, photometric: "YBR_FULL_422",
                         pixelVR: "OB", pixels: stored)
        let frame = try DICOMDecoder.storedValues(bytes, colour: .asStored)
        XCTAssertEqual(frame.bytes, [10, 100, 200, 20, 100, 200, 30, 101, 201, 40, 101, 201,
                                     50, 102, 202, 60, 102, 202, 70, 103, 203, 80, 103, 203])
        XCTAssertEqual(frame.photometricInterpretation, "YBR_FULL_422")
        XCTAssertEqual(try DICOMDecoder.decode(bytes).pixels, [10, 20, 30, 40, 50, 60, 70, 80])
        let odd = film(rows: 2, columns: 3, allocated: 8, stored: 8, samples: 3, photometric: "YBR_FULL_422",
                       pixelVR: "OB", pixels: Array(stored[0..<12]))
        XCTAssertEqual(filmError { try DICOMDecoder.storedValues(odd) }, "DICOM: YBR_FULL_422 needs an even number of columns, not 3")
    }

    /// 8-bit YCbCr becomes RGB as pydicom 3's default pixel_array makes it: native and RLE
    /// YBR_FULL equal, to the value, the RGB pydicom converted (`make_fixtures.py` writes it);
    /// JPEG YCbCr frames are converted by the same formula; `.asStored` keeps YCbCr.
    func testYCbCrBecomesRGBAsPydicomDefault() throws {
        let truth = try DICOMDecoder.storedValues(fixture("ybr_full_sweep_pydicom_rgb.dcm"))
        XCTAssertEqual(truth.photometricInterpretation, "RGB")
        for name in ["ybr_full_sweep.dcm", "ybr_full_sweep_rle.dcm"] {
            let rgb = try DICOMDecoder.storedValues(fixture(name))
            XCTAssertEqual(rgb.photometricInterpretation, "RGB", name)
            XCTAssertEqual(rgb.bytes, truth.bytes, name)
            let kept = try DICOMDecoder.storedValues(fixture(name), colour: .asStored)
            XCTAssertEqual(kept.photometricInterpretation, "YBR_FULL", name)
            XCTAssertNotEqual(kept.bytes, truth.bytes, name)
        }
        // Clipping is exercised: some channel reaches 0 and some 255 where the formula leaves the range.
        XCTAssertTrue(truth.bytes.contains(0) && truth.bytes.contains(255))
        // YBR_FULL_422 native: chroma repeated to both pixels, then converted (neutral chroma: grey).
        let pair = film(rows: 1, columns: 2, allocated: 8, stored: 8, samples: 3, photometric: "YBR_FULL_422",
                        pixelVR: "OB", pixels: [128, 64, 128, 128])
        XCTAssertEqual(try DICOMDecoder.storedValues(pair).bytes, [128, 128, 128, 64, 64, 64])
        // JPEG frames coded in YCbCr: converted (RGB within 2 of DCMTK's YCbCr converted alike).
        let jpeg = try DICOMDecoder.storedValues(fixture("dcmtk_jpegbase_ybr422.dcm"))
        let dcmtk = try DICOMDecoder.storedValues(fixture("dcmtk_jpegbase_ybr422_dcmdjpeg.dcm"))
        XCTAssertEqual(jpeg.photometricInterpretation, "RGB")
        XCTAssertEqual(jpeg.bytes, dcmtk.bytes)
        let rgbCoded = try DICOMDecoder.storedValues(fixture("dcmtk_jpegbase_rgb.dcm"))
        XCTAssertEqual(rgbCoded.bytes, try DICOMDecoder.storedValues(fixture("dcmtk_jpegbase_rgb.dcm"), colour: .asStored).bytes,
                       "a frame coded in RGB is not converted")
    }

    /// Which JPEG frames become RGB follows pydicom 3's reading of the codestream
    /// (`_conform_jpg_colorspace`): component ids R, G, B mean RGB whatever the file says, a JFIF
    /// marker means YCbCr when the file names no YBR, otherwise the file's photometric decides.
    func testJPEGColourFollowsPydicomsReadingOfTheCodestream() throws {
        let ybr = try fixture("dcmtk_jpegbase_ybr444.dcm")  // YBR_FULL, JFIF, ids 1, 2, 3
        let converted = try DICOMDecoder.storedValues(ybr)
        let asStored = try DICOMDecoder.storedValues(ybr, colour: .asStored)
        XCTAssertEqual(converted.photometricInterpretation, "RGB")
        XCTAssertNotEqual(converted.bytes, asStored.bytes)
        // Component ids sit in the frame header (SOF0) and again in the scan header (SOS).
        func renaming(_ bytes: [UInt8], to ids: [UInt8]) throws -> [UInt8] {
            var out = bytes
            let sof = try XCTUnwrap(out.find([0xFF, 0xC0]))
            let sos = try XCTUnwrap(out.find([0xFF, 0xDA]))
            for k in 0..<3 {
                out[sof + 10 + 3 * k] = ids[k]
                out[sos + 5 + 2 * k] = ids[k]
            }
            return out
        }
        // Ids R, G, B: RGB, left as decoded.
        let rgbIDs = try renaming(ybr, to: Array("RGB".utf8))
        let left = try DICOMDecoder.storedValues(rgbIDs)
        XCTAssertEqual(left.bytes, asStored.bytes)
        XCTAssertEqual(left.photometricInterpretation, "YBR_FULL")
        // Labelled RGB, with the JFIF marker: YCbCr, converted.
        var labelledRGB = ybr
        let name = Array("YBR_FULL".utf8)
        let at = try XCTUnwrap(ybr.find(name))
        labelledRGB.replaceSubrange(at..<(at + name.count), with: Array("RGB     ".utf8))
        XCTAssertEqual(try DICOMDecoder.storedValues(labelledRGB).bytes, converted.bytes)
        // Labelled RGB, Adobe marker, ids 1, 2, 3 and no JFIF: left as decoded, as pydicom leaves it.
        let rgb = try renaming(try fixture("dcmtk_jpegbase_rgb.dcm"), to: [1, 2, 3])
        XCTAssertEqual(try DICOMDecoder.storedValues(rgb).bytes, try DICOMDecoder.storedValues(rgb, colour: .asStored).bytes)
    }

    func testPaletteIndicesAreStoredValuesButNotAFilm() throws {
        let bytes = film(rows: 2, columns: 2, allocated: 8, stored: 8, photometric: "PALETTE COLOR", pixelVR: "OB", pixels: [3, 1, 4, 1])
        XCTAssertEqual(try DICOMDecoder.storedValues(bytes).bytes, [3, 1, 4, 1])
        XCTAssertTrue(filmError { try DICOMDecoder.decode(bytes) }.hasPrefix("DICOM: Photometric Interpretation PALETTE COLOR"))
    }

    func testHeaderStatesWhatTheFileSays() throws {
        let h = try DICOMHeader.read(fixture("rescale_window.dcm"))
        XCTAssertEqual(h.transferSyntaxUID, "1.2.840.10008.1.2.1")
        XCTAssertTrue(h.transferSyntaxIsStated)
        XCTAssertEqual(h.sopClassUID, "1.2.840.10008.5.1.4.1.1.1.1")
        XCTAssertEqual(h.modality, "DX")
        XCTAssertEqual(h.patientID, "FIXTURE")
        XCTAssertEqual([h.rows, h.columns, h.samplesPerPixel, h.bitsAllocated, h.bitsStored, h.highBit, h.pixelRepresentation],
                       [30, 40, 1, 16, 16, 15, 0])
        XCTAssertNil(h.numberOfFrames)
        XCTAssertNil(h.planarConfiguration)
        XCTAssertEqual(h.rescaleSlope, 0.5)
        XCTAssertEqual(h.rescaleIntercept, -1024)
        XCTAssertEqual(h.windowCenter, [40])
        XCTAssertEqual(h.windowWidth, [400])
        XCTAssertEqual(h.pixelSpacing, [0, 0])
        XCTAssertEqual(h.imagerPixelSpacing, [0.125, 0.125])
        XCTAssertEqual(h.spacingSource, .imagerPixelSpacing)  // Pixel Spacing 0\0 is unusable
        XCTAssertEqual(try DICOMHeader.read(fixture("explicit_le.dcm")).spacingSource, .pixelSpacing)

        // A file whose pixels are refused still has a header; an inferred syntax says so.
        let j2k = try DICOMHeader.read(fixture("jpeg2000.dcm"))
        XCTAssertEqual(j2k.transferSyntaxName, "JPEG 2000 Image Compression (Lossless Only)")
        XCTAssertTrue(j2k.transferSyntaxIsReadable)
        XCTAssertThrowsError(try DICOMDecoder.decode(fixture("jpeg2000.dcm")))
        let raw = try DICOMHeader.read(fixture("raw_big_endian.dcm"))
        XCTAssertEqual(raw.transferSyntaxUID, "1.2.840.10008.1.2.2")
        XCTAssertFalse(raw.transferSyntaxIsStated)
        XCTAssertEqual(raw.pixelRepresentation, 1)
        XCTAssertEqual(try DICOMHeader.read(fixture("deflated.dcm")).rows, 30)
    }

    func testEveryTruncationOfTheHeaderIsAnErrorOrAShorterHeader() throws {
        let bytes = try fixture("explicit_le.dcm")
        for cut in 0..<bytes.count {
            // Cutting between elements leaves a shorter, valid data set; anything else throws.
            if let h = try? DICOMHeader.read(Array(bytes[0..<cut])) {
                XCTAssertFalse(h.hasPixelData && cut < bytes.count - 2400, "cut at \(cut)")
            }
            XCTAssertThrowsError(try DICOMDecoder.storedValues(Array(bytes[0..<cut])), "cut at \(cut)")
        }
    }

    /// Seeded random corruption anywhere in compressed and deflated films, through all three
    /// entry points: any outcome but a crash, and a consistent result when one comes back.
    func testRandomCorruptionOfCompressedFilmsNeverCrashes() throws {
        var rng = SplitMix64(seed: 77)
        for name in ["deflated_steps.dcm", "dcmtk_jpegbase_ybr422.dcm", "dcmtk_jpegbase_3frames.dcm",
                     "rle_rgb16.dcm", "dcmtk_jpegll_sv1_rgb.dcm"] {
            let original = try fixture(name)
            for _ in 0..<400 {
                var b = original
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let i = 128 + Int(rng.next() % UInt64(original.count - 128))
                    b[i] = rng.next() % 3 == 0 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                if let r = try? DICOMDecoder.decode(b) { XCTAssertEqual(r.pixels.count, r.width * r.height) }
                if let f = try? DICOMDecoder.storedValues(b) {
                    XCTAssertEqual(f.bytes.count, f.count * f.sampleType.byteCount)
                }
                _ = try? DICOMHeader.read(b)
            }
        }
    }
}
