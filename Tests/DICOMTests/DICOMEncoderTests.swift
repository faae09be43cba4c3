import Foundation
import XCTest
import Radiography
@testable import DICOM

final class DICOMEncoderTests: XCTestCase {
    /// The films whose encodings pydicom and DCMTK checked (`make_fixtures.py --check-encoder`).
    static let samples: [(name: String, film: DICOMFilm)] = [
        ("encoder_explicit_dx.dcm", DICOMFilm(
            width: 40, height: 30, storedValues: Formula.grid { Formula.f16($0, $1) },
            pixelSpacing: PixelSpacing(row: 0.1, column: 0.12))),
        ("encoder_implicit_cr_mono1.dcm", DICOMFilm(
            width: 40, height: 30, storedValues: Formula.grid { Formula.f12($0, $1) }, bitsStored: 12,
            photometric: .monochrome1, syntax: .implicitLittle, modality: "CR",
            imagerPixelSpacing: PixelSpacing(row: 0.139, column: 0.143),
            rescaleSlope: 2, rescaleIntercept: -100, windowCenter: 500, windowWidth: 1000)),
        ("encoder_mg_garbage.dcm", DICOMFilm(
            width: 40, height: 30,
            storedValues: Formula.grid { Formula.f12($0, $1) % 1024 | Formula.garbageNibble($0, $1) },
            bitsStored: 10, modality: "MG")),
    ]

    /// With DICOM_WRITE_ENCODER_SAMPLES set, writes the samples into the source tree for the
    /// fixture script; otherwise checks the encoder still produces those exact bytes.
    func testEncoderOutputMatchesTheFilesPydicomAndDCMTKChecked() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/encoder")
        for (name, film) in Self.samples {
            let bytes = DICOMEncoder.encode(film)
            if ProcessInfo.processInfo.environment["DICOM_WRITE_ENCODER_SAMPLES"] != nil {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(bytes).write(to: folder.appendingPathComponent(name))
            } else {
                XCTAssertEqual(bytes, try fixture("encoder/" + name), name)
            }
        }
    }

    /// The encoder's output as it is now, read by independent readers: pydicom (strict Part 10)
    /// and, where installed, DCMTK's dcmdump, dcmftest and dcm2pnm (`make_fixtures.py
    /// --check-encoder`). scripts/test provides pydicom; without it the test skips and the
    /// closing line of scripts/test says so.
    func testEncoderOutputReadsRightInPydicomAndDCMTK() throws {
        let env = ProcessInfo.processInfo.environment
        guard let python = env["DETECT_PYDICOM_PYTHON"] else {
            throw XCTSkip("no pydicom: \(env["DETECT_PYDICOM_MISSING"] ?? "DETECT_PYDICOM_PYTHON not set; scripts/test sets it")")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dicom-encoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, film) in Self.samples {
            try Data(DICOMEncoder.encode(film)).write(to: folder.appendingPathComponent(name))
        }
        let (status, text) = try runFixtureScript(python: python, ["--check-encoder", folder.path])
        XCTAssertEqual(status, 0, text)
        for (name, _) in Self.samples { XCTAssertTrue(text.contains("\(name): OK"), text) }
        print(text)
    }

    func testRoundTripThroughTheDecoder() throws {
        let explicit = try DICOMDecoder.decode(DICOMEncoder.encode(Self.samples[0].film))
        XCTAssertEqual(explicit.pixels, Formula.grid { Formula.f16($0, $1) })
        XCTAssertEqual(explicit.spacing, PixelSpacing(row: 0.1, column: 0.12))
        XCTAssertEqual(explicit.spacingSource, .pixelSpacing)

        let mono1 = try DICOMDecoder.decode(DICOMEncoder.encode(Self.samples[1].film))
        XCTAssertEqual(mono1.bitsStored, 12)
        XCTAssertEqual(mono1.pixels, Formula.grid { 4095 - Formula.f12($0, $1) })
        XCTAssertEqual(mono1.spacing, PixelSpacing(row: 0.139, column: 0.143))
        XCTAssertEqual(mono1.spacingSource, .imagerPixelSpacing)
        // modality = 2 · stored − 100 with stored = 4095 − sample.
        XCTAssertEqual(mono1.modalityRescale, LinearRescale(slope: -2, intercept: 2 * 4095 - 100))
        // Window 500/1000 in modality units → stored 300 → sample 3795, width 500.
        XCTAssertEqual(mono1.displayWindow, DisplayWindow(center: 3795, width: 500))

        let garbage = try DICOMDecoder.decode(DICOMEncoder.encode(Self.samples[2].film))
        XCTAssertEqual(garbage.bitsStored, 10)
        XCTAssertEqual(garbage.pixels, Formula.grid { Formula.f12($0, $1) % 1024 })
    }

    func testMetaGroupLengthEndsTheMetaGroup() {
        let bytes = DICOMEncoder.encode(Self.samples[0].film)
        XCTAssertEqual(Array(bytes[128..<132]), Array("DICM".utf8))
        XCTAssertEqual(Array(bytes[132..<138]), [0x02, 0x00, 0x00, 0x00] + Array("UL".utf8))
        let length = Int(bytes[140]) | Int(bytes[141]) << 8 | Int(bytes[142]) << 16 | Int(bytes[143]) << 24
        let end = 144 + length
        XCTAssertEqual(Array(bytes[end..<end + 2]), [0x08, 0x00], "first data set element follows the meta group")
        XCTAssertEqual(offsetOf(0x0002, 0x0013, vr: "SH", in: bytes).map { $0 < end }, true)
    }

    func testUIDsAreDeterministicValidAndDifferPerFilm() throws {
        let film = Self.samples[0].film
        XCTAssertEqual(DICOMEncoder.encode(film), DICOMEncoder.encode(film))
        var other = film
        other.storedValues[17] &+= 1
        let a = FilmUIDs(film), b = FilmUIDs(other)
        XCTAssertNotEqual(a.sopInstance, b.sopInstance)
        for uid in [a.study, a.series, a.sopInstance, FilmUIDs.implementationClass] {
            XCTAssertLessThanOrEqual(uid.count, 64, uid)
            XCTAssertTrue(uid.hasPrefix("2.25."), uid)
            let parts = uid.split(separator: ".", omittingEmptySubsequences: false)
            XCTAssertTrue(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) && ($0 == "0" || $0.first != "0") }, uid)
        }
        XCTAssertEqual(Set([a.study, a.series, a.sopInstance]).count, 3)
    }

    func testDecimalStringsFitSixteenCharacters() {
        for v in [0.1, 0.139, -1024, 1.0 / 3.0, 123456.789012345, 1e-20, -2.5e17, 0.30000000000000004] {
            let s = ElementWriter.decimalString(v)
            XCTAssertLessThanOrEqual(s.count, 16, s)
            let back = Double(s)!
            XCTAssertEqual(back, v, accuracy: abs(v) * 1e-9, s)
        }
        XCTAssertEqual(ElementWriter.decimalString(-1024), "-1024")
        XCTAssertEqual(ElementWriter.decimalString(0.139), "0.139")
    }

    /// A 3000×3000 16-bit film decodes in a few ms (one pass, no per-pixel allocation).
    func testLargeFilmDecodesQuickly() throws {
        let n = 3000
        var values = [UInt16](repeating: 0, count: n * n)
        for i in values.indices { values[i] = UInt16(truncatingIfNeeded: i &* 2654435761 >> 7) & 0x0FFF }
        let bytes = DICOMEncoder.encode(DICOMFilm(width: n, height: n, storedValues: values, bitsStored: 12,
                                                   photometric: .monochrome1))
        var best = Double.infinity
        var r: Radiograph?
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            r = try DICOMDecoder.decode(bytes)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        print("3000×3000 16-bit DICOM decode: \(best) ms")
        XCTAssertEqual(r?.pixels[12345], 4095 - values[12345])
        XCTAssertLessThan(best, 100)
    }
}
