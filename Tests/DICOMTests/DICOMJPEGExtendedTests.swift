import Foundation
import XCTest
import Radiography
@testable import DICOM
import TestSupport

/// JPEG Extended (1.2.840.10008.1.2.4.51) through our sequential DCT decoder, against DCMTK's
/// decoding of the same files (its IJG libjpeg with 12-bit support, accurate integer IDCT,
/// written uncompressed by `dcmdjpeg +cn`). The codestreams come from DCMTK's `dcmcjpeg +ee`
/// (12-bit grey, MONOCHROME1, 8-bit multi-frame, 8-bit data coded as 12-bit, YCbCr 4:2:2 and
/// 4:4:4) and libjpeg-turbo's `cjpeg` (restart intervals, 4:2:0, one scan per component):
/// `make_fixtures.py` writes both.
final class DICOMJPEGExtendedTests: XCTestCase {
    static let dcmcjpeg: [(name: String, frames: Int, bits: Int, samples: Int)] = [
        ("dcmtk_jpegext_12bit", 1, 12, 1), ("dcmtk_jpegext_mono1_12bit", 1, 12, 1),
        ("dcmtk_jpegext_8bit_3frames", 3, 8, 1), ("dcmtk_jpegext_12bit_from8", 1, 12, 1),
        ("dcmtk_jpegext_ybr422", 1, 8, 3), ("dcmtk_jpegext_ybr444", 1, 8, 3),
        ("cjpeg_ext_restart_gray", 1, 8, 1), ("cjpeg_ext_ybr420_restart", 1, 8, 3), ("cjpeg_ext_ybr444_scans", 1, 8, 3),
    ]

    /// Every stored value equal to DCMTK's (libjpeg's accurate integer IDCT and fancy upsampling,
    /// computed as libjpeg computes them), YCbCr compared as decoded.
    func testStoredValuesEqualDCMTK() throws {
        for (name, frames, bits, samples) in Self.dcmcjpeg {
            let jpeg = try fixture(name + ".dcm")
            let truth = try fixture(name + "_dcmdjpeg.dcm")
            for k in 1...frames {
                let ours = try DICOMDecoder.storedValues(jpeg, frame: k, colour: .asStored)
                let theirs = try DICOMDecoder.storedValues(truth, frame: k, colour: .asStored)
                XCTAssertEqual([ours.rows, ours.columns, ours.samplesPerPixel], [theirs.rows, theirs.columns, samples], name)
                XCTAssertEqual(ours.bitsStored, theirs.bitsStored, name)
                XCTAssertEqual(ours.sampleType, theirs.sampleType, name)
                XCTAssertEqual(ours.bytes, theirs.bytes, "\(name) frame \(k)")
                // The fixture really uses the sample range it claims (12-bit data above 255).
                XCTAssertEqual((0..<theirs.count).contains { theirs.value(at: $0) > 255 }, bits == 12, name)
            }
        }
    }

    /// The film path: MONOCHROME1 inverted, Bits Stored 12, equal to DCMTK's decoding read
    /// through the same path; colour as its luma component.
    func testFilmsEqualDCMTK() throws {
        for name in ["dcmtk_jpegext_12bit", "dcmtk_jpegext_mono1_12bit", "cjpeg_ext_restart_gray"] {
            let ours = try DICOMDecoder.decode(fixture(name + ".dcm"))
            let theirs = try DICOMDecoder.decode(fixture(name + "_dcmdjpeg.dcm"))
            XCTAssertEqual([ours.width, ours.height, ours.bitsStored], [theirs.width, theirs.height, theirs.bitsStored], name)
            XCTAssertEqual(ours.pixels, theirs.pixels, name)
        }
        let mono1 = try DICOMDecoder.decode(fixture("dcmtk_jpegext_mono1_12bit.dcm"))
        XCTAssertEqual(mono1.bitsStored, 12)
        let stored = try DICOMDecoder.storedValues(fixture("dcmtk_jpegext_mono1_12bit.dcm"))
        XCTAssertEqual(Int(mono1.pixels[0]), 4095 - stored.value(at: 0), "MONOCHROME1 is inverted")
        let ybr = try DICOMDecoder.decode(fixture("cjpeg_ext_ybr420_restart.dcm"))
        let truth = try DICOMDecoder.storedValues(fixture("cjpeg_ext_ybr420_restart_dcmdjpeg.dcm"), colour: .asStored)
        XCTAssertEqual(ybr.pixels.map(Int.init), (0..<(40 * 30)).map { truth.value(at: 3 * $0) })
    }

    /// The integer IDCT against the DCT's definition (T.81 A.3.3, in double precision) on blocks
    /// of pseudo-random coefficients: IEEE 1180's bound, at most one grey level.
    func testIntegerIDCTIsWithinOneOfTheDefinition() {
        var random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        let f = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 64), w = UnsafeMutableBufferPointer<Int>.allocate(capacity: 64)
        let plane = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 64)
        defer { f.deallocate(); w.deallocate(); plane.deallocate() }
        // basis[x * 8 + u] = C(u)/2 · cos((2x + 1)uπ/16), C(0) = 1/√2.
        let basis: [Double] = (0..<64).map { i in
            let x = Double(i / 8), u = Double(i % 8)
            let scale: Double = u == 0 ? 0.5 / 2.0.squareRoot() : 0.5
            return scale * cos((2 * x + 1) * u * Double.pi / 16)
        }
        var worst = 0.0, differing = 0
        for precision in [8, 12] {
            let range = precision == 8 ? 300 : 4800
            for block in 0..<2000 {
                for i in 0..<64 {
                    let value = random.integer(-range...range)
                    f[i] = i <= block % 64 ? Int32(value / (1 + i / 4)) : 0
                }
                JPEGIntegerIDCT.transform(f, workspace: w, precision: precision, into: plane, origin: 0, stride: 8)
                for y in 0..<8 {
                    for x in 0..<8 {
                        var sum = 0.0
                        for v in 0..<8 {
                            for u in 0..<8 {
                                let coefficient = Double(f[v * 8 + u])
                                sum += basis[y * 8 + v] * basis[x * 8 + u] * coefficient
                            }
                        }
                        let exact = min(max((sum + Double(1 << (precision - 1))).rounded(), 0), Double((1 << precision) - 1))
                        worst = max(worst, abs(exact - Double(plane[y * 8 + x])))
                        differing += exact == Double(plane[y * 8 + x]) ? 0 : 1
                    }
                }
            }
        }
        XCTAssertLessThanOrEqual(worst, 1)
        XCTAssertLessThan(differing, 2 * 2000 * 64 / 20, "most samples equal the definition's")
    }

    /// Every cut of the file inside the pixel data is an error, never a crash or a read past the end.
    func testEveryTruncationIsAnError() throws {
        for name in ["dcmtk_jpegext_12bit", "cjpeg_ext_ybr420_restart"] {
            let bytes = try fixture(name + ".dcm")
            let at = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
            for cut in at..<(bytes.count - 1) {
                XCTAssertThrowsError(try DICOMDecoder.decode(Array(bytes[0..<cut])), "\(name) cut at \(cut)") {
                    // Cut before the element the file has no pixel data; inside it, it ends early.
                    XCTAssertEqual(($0 as? FilmError)?.kind, cut == at ? .malformed : .truncated, "\(name) cut at \(cut): \($0)")
                }
            }
        }
    }

    /// Changed bytes anywhere in the codestream: an error or a film whose samples fit Bits Stored.
    func testCorruptCodestreamsNeverCrash() throws {
        let bytes = try fixture("dcmtk_jpegext_12bit.dcm")
        let at = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OB", in: bytes))
        var errors = 0
        for i in (at + 12)..<bytes.count {
            for value: UInt8 in [0x00, 0xFF, bytes[i] ^ 0x10] {
                var corrupt = bytes
                corrupt[i] = value
                do {
                    let film = try DICOMDecoder.decode(corrupt)
                    XCTAssertLessThanOrEqual(film.pixels.max() ?? 0, 4095)
                } catch is FilmError {
                    errors += 1
                }
            }
        }
        XCTAssertGreaterThan(errors, 100)
    }

    func testHeaderDisagreementIsAnError() throws {
        var bytes = try fixture("dcmtk_jpegext_12bit.dcm")
        let rows = try XCTUnwrap(offsetOf(0x0028, 0x0010, vr: "US", in: bytes))
        bytes[rows + 8] = 29
        XCTAssertEqual(filmError(kind: .malformed) { try DICOMDecoder.decode(bytes) },
                       "DICOM: JPEG Extended (Process 2 and 4): the frame is 40×30 with 1 component, but the file says 40×29 with 1")
        // 12-bit samples in 8 bits allocated.
        var eight = try fixture("dcmtk_jpegext_12bit.dcm")
        let allocated = try XCTUnwrap(offsetOf(0x0028, 0x0100, vr: "US", in: eight))
        let stored = try XCTUnwrap(offsetOf(0x0028, 0x0101, vr: "US", in: eight))
        let high = try XCTUnwrap(offsetOf(0x0028, 0x0102, vr: "US", in: eight))
        eight[allocated + 8] = 8
        eight[stored + 8] = 8
        eight[high + 8] = 7
        XCTAssertTrue(filmError(kind: .malformed) { try DICOMDecoder.decode(eight) }.hasSuffix("the frame holds 12-bit samples, more than Bits Allocated 8"))
    }

    /// A frame header claiming a large film with a few bytes of data is refused before any plane
    /// is allocated (each block costs at least two bits).
    func testLargeFrameFromFewBytesIsRefusedBeforeAllocation() throws {
        let sof: [UInt8] = [0xFF, 0xC1, 0, 11, 12, 0x0F, 0xA0, 0x0F, 0xA0, 1, 1, 0x11, 0]  // 4000 × 4000, 12-bit
        let stream: [UInt8] = [0xFF, 0xD8] + sof + [0xFF, 0xD9]
        XCTAssertEqual(filmError(kind: .truncated) { try JPEGSequentialDecoder.decode(stream, rows: 4000, columns: 4000, components: 1, codec: "JPEG Extended") },
                       "DICOM: JPEG Extended: the frame's 17 bytes cannot hold its 250000 blocks (at least two bits each)")
    }

    /// Progressive, lossless and arithmetic-coded frames in a …4.51 file are refused by name.
    func testOtherProcessesInsideAreRefusedByName() throws {
        let bytes = try fixture("dcmtk_jpegext_12bit.dcm")
        let sof = try XCTUnwrap(bytes.find([0xFF, 0xC1]))
        for (marker, words) in [(0xC2, "progressive (SOF2)"), (0xC3, "lossless (SOF3)"), (0xC9, "arithmetic-coded (SOF9)")] {
            var changed = bytes
            changed[sof + 1] = UInt8(marker)
            XCTAssertEqual(filmError(kind: .unsupported) { try DICOMDecoder.decode(changed) }, "DICOM: JPEG Extended (Process 2 and 4): the frame is \(words), " +
                           (marker == 0xC3 ? "not sequential DCT" : "which is not read"))
        }
    }
}
