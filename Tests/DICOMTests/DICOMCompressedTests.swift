import Foundation
import XCTest
import Radiography
import _CCodecs
@testable import DICOM
import TestSupport

/// JPEG 2000 and HTJ2K (OpenJPEG) and JPEG-LS (CharLS) on fixtures that pydicom's encoders
/// (pylibjpeg-openjpeg, pyjpegls) and OpenJPH's ojph_compress wrote from known formulas
/// (`make_fixtures.py`, 64×48), and on hostile variants of them.
final class DICOMCompressedTests: XCTestCase {
    static let width = 64, height = 48

    static func grid(_ f: (Int, Int) -> Int) -> [Int] {
        (0..<height).flatMap { y in (0..<width).map { x in f(x, y) } }
    }
    static let f12 = grid(Formula.f12)
    static let signed16 = grid { Formula.f16($0, $1) - 32768 }
    static let rgb: [Int] = {
        var out: [Int] = []
        for y in 0..<height {
            for x in 0..<width { out += [(x * 5 + y * 11) % 256, (x * 3 + 7) % 256, (y * 9 + 50) % 256] }
        }
        return out
    }()

    private func values(_ name: String) throws -> [Int] {
        let frame = try DICOMDecoder.storedValues(try fixture(name))
        return (0..<frame.count).map(frame.value(at:))
    }

    func testLosslessJPEG2000HTJ2KAndJPEGLSAreExact() throws {
        for name in ["j2k_lossless_12bit.dcm", "htj2k_lossless_12bit.dcm", "jls_lossless_12bit.dcm"] {
            XCTAssertEqual(try values(name), Self.f12, name)
            let film = try DICOMDecoder.decode(try fixture(name))
            XCTAssertEqual(film.pixels.map(Int.init), Self.f12, name)
            XCTAssertEqual(film.bitsStored, 12, name)
        }
        for name in ["j2k_lossless_signed16.dcm", "jls_lossless_signed16.dcm"] {
            let frame = try DICOMDecoder.storedValues(try fixture(name))
            XCTAssertEqual(frame.sampleType, .int16, name)
            XCTAssertEqual((0..<frame.count).map(frame.value(at:)), Self.signed16, name)
            // Films shift signed samples to unsigned, order kept.
            XCTAssertEqual(try DICOMDecoder.decode(try fixture(name)).pixels.map(Int.init), Self.signed16.map { $0 + 32768 }, name)
        }
    }

    func testLossyFramesStayWithinTheirBounds() throws {
        // Near-lossless JPEG-LS with NEAR = 2: no sample more than 2 from the original.
        let near = try values("jls_near2_12bit.dcm")
        XCTAssertEqual(near.count, Self.f12.count)
        XCTAssertLessThanOrEqual(zip(near, Self.f12).map { abs($0 - $1) }.max() ?? .max, 2)
        // Irreversible JPEG 2000 at 4:1 on a 12-bit ramp: close to, not equal to, the original.
        let lossy = try values("j2k_lossy_12bit.dcm")
        let errors = zip(lossy, Self.f12).map { abs($0 - $1) }
        XCTAssertEqual(lossy.count, Self.f12.count)
        XCTAssertLessThan(Double(errors.reduce(0, +)) / Double(errors.count), 40)
        XCTAssertTrue(lossy.allSatisfy { (0..<4096).contains($0) })
    }

    func testColourFramesAreRGBAndFilmsTheirLuma() throws {
        for name in ["j2k_rgb.dcm", "jls_rgb.dcm"] {
            XCTAssertEqual(try values(name), Self.rgb, name)
            let luma: [Int] = (0..<(Self.width * Self.height)).map { (i: Int) -> Int in
                let r: Int = Self.rgb[3 * i], g: Int = Self.rgb[3 * i + 1], b: Int = Self.rgb[3 * i + 2]
                return (299 * r + 587 * g + 114 * b + 500) / 1000
            }
            XCTAssertEqual(try DICOMDecoder.decode(try fixture(name)).pixels.map(Int.init), luma, name)
        }
    }

    func testCodestreamPrecisionWinsAndPixelRepresentationGivesTheSign() throws {
        // The file says 16-bit signed, the codestream 12-bit unsigned: the 12 bits coded are read
        // as signed 12-bit values, as pydicom does (J2K_pixelrep_mismatch.dcm).
        let frame = try DICOMDecoder.storedValues(try fixture("j2k_precision_mismatch.dcm"))
        XCTAssertEqual(frame.sampleType, .int16)
        XCTAssertEqual(frame.bitsStored, 12)
        XCTAssertEqual((0..<frame.count).map(frame.value(at:)), Self.f12.map { $0 >= 2048 ? $0 - 4096 : $0 })
        let film = try DICOMDecoder.decode(try fixture("j2k_precision_mismatch.dcm"))
        XCTAssertEqual(film.bitsStored, 12)
        XCTAssertEqual(film.pixels.map(Int.init), Self.f12.map { $0 ^ 2048 })
    }

    func testHeaderAndCodestreamMustAgree() throws {
        var bytes = try fixture("j2k_lossless_12bit.dcm")
        bytes.put16(47, at: try XCTUnwrap(offsetOf(0x0028, 0x0010, vr: "US", in: bytes)) + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: JPEG 2000 Image Compression (Lossless Only): the frame is 64×48 with 1 component, but the file says 64×47 with 1")
        var jls = try fixture("jls_lossless_12bit.dcm")
        jls.put16(8, at: try XCTUnwrap(offsetOf(0x0028, 0x0100, vr: "US", in: jls)) + 8)
        jls.put16(8, at: try XCTUnwrap(offsetOf(0x0028, 0x0101, vr: "US", in: jls)) + 8)
        jls.put16(7, at: try XCTUnwrap(offsetOf(0x0028, 0x0102, vr: "US", in: jls)) + 8)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(jls) },
                       "DICOM: JPEG-LS Lossless Image Compression: the frame holds 12-bit samples, more than Bits Allocated 8")
    }

    func testOversizedCodestreamIsRefusedBeforeDecoding() throws {
        // SIZ says 60000×60000 (and the file agrees): over the pixel limit, refused from the header.
        var bytes = try fixture("j2k_lossless_12bit.dcm")
        let siz = try XCTUnwrap(bytes.find([0xFF, 0x4F, 0xFF, 0x51])) + 4
        bytes.putBE32(60000, at: siz + 4)
        bytes.putBE32(60000, at: siz + 8)
        XCTAssertTrue(filmError { try DICOMDecoder.storedValues(bytes, limits: DecodeLimits(maxPixels: 1 << 30)) }
            .hasPrefix("DICOM: JPEG 2000 Image Compression (Lossless Only): the codestream's image is 60000×60000 pixels, over the limit"))
        // Tiles of width 0 would divide by zero in a naive reader.
        var tiles = try fixture("j2k_lossless_12bit.dcm")
        tiles.putBE32(0, at: siz + 20)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(tiles) },
                       "DICOM: JPEG 2000 Image Compression (Lossless Only): the codestream's image and tile sizes (SIZ) are inconsistent")
    }

    func testTruncatedCodestreamsAreErrorsAndCorruptOnesNeverCrash() throws {
        for (name, magic) in [("j2k_lossless_12bit.dcm", [UInt8]([0xFF, 0x4F, 0xFF, 0x51])),
                              ("htj2k_lossless_12bit.dcm", [0xFF, 0x4F, 0xFF, 0x51]),
                              ("jls_lossless_12bit.dcm", [0xFF, 0xD8, 0xFF])] {
            let bytes = try fixture(name)
            let start = try XCTUnwrap(bytes.find(magic), name)
            let length = Int(bytes[start - 4]) | Int(bytes[start - 3]) << 8 | Int(bytes[start - 2]) << 16
            let codestream = Array(bytes[start..<(start + length)])
            var decodedCuts: [Int] = []
            for cut in stride(from: 0, to: codestream.count - 2, by: 3) {
                let file = Self.replacingFragment(of: bytes, at: start, length: length, with: Array(codestream[..<cut]))
                do {
                    _ = try DICOMDecoder.storedValues(file)
                    decodedCuts.append(cut)
                } catch is FilmError {}
            }
            XCTAssertEqual(decodedCuts, [], "\(name): truncated codestreams decoded without error")
            for at in stride(from: 0, to: codestream.count, by: 2) {
                var corrupt = codestream
                corrupt[at] ^= 0x5A
                let file = Self.replacingFragment(of: bytes, at: start, length: length, with: corrupt)
                if let frame = try? DICOMDecoder.storedValues(file) { XCTAssertEqual(frame.count, Self.width * Self.height) }
            }
        }
    }

    /// A mutation of our HTJ2K fixture on which Debian's OpenJPEG 2.5.0 fails an assertion and
    /// aborts (found by FuzzDICOM): OpenJPEG runs in a child process, so it is an error value.
    func testALibraryAbortIsAnErrorValue() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../MalformedInputTests/Regressions/FuzzDICOM-htj2k-openjpeg-assert.bin")
        let bytes = Array(try Data(contentsOf: url))
        XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) },
                       "DICOM: High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only): OpenJPEG stopped on this codestream (signal 6: a failed check inside the library; the codestream is corrupt)")
    }

    /// The child-process isolation itself: output copied back on success; an abort and an
    /// endless loop (stopped after its CPU-time allowance) are error values.
    func testIsolationTurnsAbortsAndEndlessLoopsIntoErrors() {
        var output = [UInt8](repeating: 0, count: 1000)
        var message = ccodecs_message()
        XCTAssertEqual(ccodecs_isolation_selftest(0, 5, &output, output.count, &message), 0)
        XCTAssertEqual(output, [UInt8](repeating: 0x5A, count: 1000))
        XCTAssertEqual(ccodecs_isolation_selftest(1, 5, &output, output.count, &message), 1)
        XCTAssertEqual(message.text(), "the self-test stopped on this codestream (signal 6: a failed check inside the library; the codestream is corrupt)")
        let start = Date()
        XCTAssertEqual(ccodecs_isolation_selftest(2, 0.5, &output, output.count, &message), 1)
        XCTAssertEqual(message.text(), "the self-test did not finish within 0.5 s of CPU time on this codestream (it is corrupt)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }

    /// Float Pixel Data (7FE0,0008) and Double Float Pixel Data (7FE0,0009): parametric maps,
    /// not radiographs; refused by name for films and stored values alike.
    func testFloatPixelDataIsRefusedByName() throws {
        for (element, vr) in [(UInt8(0x08), "OF"), (UInt8(0x09), "OD")] {
            var bytes = try fixture("explicit_le.dcm")
            let at = try XCTUnwrap(offsetOf(0x7FE0, 0x0010, vr: "OW", in: bytes))
            bytes[at + 2] = element
            bytes.replaceSubrange((at + 4)..<(at + 6), with: Array(vr.utf8))
            XCTAssertEqual(filmError { try DICOMDecoder.decode(bytes) }, "DICOM: float pixel data (7FE0,0008/0009) is not supported", vr)
            XCTAssertEqual(filmError { try DICOMDecoder.storedValues(bytes) }, "DICOM: float pixel data (7FE0,0008/0009) is not supported", vr)
        }
    }

    func testNotACodestreamIsAnErrorNamingTheCodec() throws {
        XCTAssertEqual(filmError { try DICOMDecoder.decode(try fixture("jpeg2000.dcm")) },
                       "DICOM: JPEG 2000 Image Compression (Lossless Only): the codestream has 0 components; at most 4 are read")
        XCTAssertTrue(try DICOMHeader.read(fixture("jpeg2000.dcm")).transferSyntaxIsReadable)
    }

    /// Real films (../shared/eval/films/compressed, JPEG 2000 from CR/DX/MG archives; read here,
    /// never copied): every one decodes as a film and as stored values of the header's size.
    /// Their values are compared with pydicom by scripts/dicom-conformance.
    func testRealCompressedFilmsDecode() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/eval/films/compressed").standardizedFileURL.path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".dcm") }.sorted()
        guard !names.isEmpty else {
            print("!!! DICOMCompressedTests: \(folder) is absent: the real JPEG 2000 films were NOT read")
            throw XCTSkip("no real compressed films at \(folder)")
        }
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let header = try DICOMHeader.read(bytes)
            let film = try DICOMDecoder.decode(bytes)
            XCTAssertEqual(film.width, header.columns, name)
            XCTAssertEqual(film.height, header.rows, name)
            XCTAssertGreaterThan(Set(film.pixels.prefix(1 << 20)).count, 100, "\(name): a real film has many grey levels")
            let stored = try DICOMDecoder.storedValues(bytes)
            XCTAssertEqual(stored.count, film.width * film.height, name)
        }
    }

    /// The file with the fragment at `start` (`length` bytes, its item header just before)
    /// replaced by `new` (padded to even length), everything after it kept.
    static func replacingFragment(of bytes: [UInt8], at start: Int, length: Int, with new: [UInt8]) -> [UInt8] {
        let padded = new.count % 2 == 0 ? new : new + [0]
        var out = Array(bytes[..<(start - 4)])
        let n = UInt32(padded.count)
        out += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
        out += padded
        out += bytes[(start + length)...]
        return out
    }
}
