import Foundation
import XCTest
import Radiography
@testable import DICOM

/// Cross-check of the film path (`DICOMDecoder.decode`: luminance, MONOCHROME1 inversion, rescale,
/// spacing) against pydicom on files we may not redistribute: pydicom's own test files.
/// `scripts/test` sets DICOM_ORACLE_DIR to that folder and DETECT_PYDICOM_PYTHON to the venv of
/// `scripts/pydicom-venv`; every DICOM file there is decoded into a temporary folder, and
/// `make_fixtures.py --oracle` compares what was read with pydicom. Without them (no PyPI) the
/// test skips, and scripts/test names the skip in its closing line.
final class DICOMOracleTests: XCTestCase {
    /// pydicom 3.0.2 ships 165 DICOM files: detect makes films of 78 (the rest have no pixels or
    /// use syntaxes or pixel modules detect refuses) and 64 agree with pydicom (14 are lossy JPEG
    /// colour, not compared); 77 and 63 before JPEG Extended (JPGExtended.dcm, within 1 grey
    /// level) was read, 65 and 51 before JPEG 2000 and JPEG-LS.
    static let minimumDecoded = 73
    static let minimumAgreeing = 59

    func testFilmDecodesAgreeWithPydicomOnItsTestFiles() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["DICOM_ORACLE_DIR"], let python = env["DETECT_PYDICOM_PYTHON"] else {
            throw XCTSkip("no pydicom: \(env["DETECT_PYDICOM_MISSING"] ?? "DICOM_ORACLE_DIR and DETECT_PYDICOM_PYTHON not set; scripts/test sets them")")
        }
        let fm = FileManager.default
        let out = fm.temporaryDirectory.appendingPathComponent("dicom-oracle-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: out) }
        let names = try XCTUnwrap(fm.subpathsOfDirectory(atPath: dir)).sorted()
        var decoded = 0
        for name in names {
            let bytes = Array((try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))) ?? Data())
            guard Self.looksLikeDICOM(bytes) else { continue }
            let base = URL(fileURLWithPath: out).appendingPathComponent(name.replacingOccurrences(of: "/", with: "__"))
            do {
                let r = try DICOMDecoder.decode(bytes)
                var raw = [UInt8]()
                raw.reserveCapacity(2 * r.pixels.count)
                for v in r.pixels { raw += [UInt8(v & 0xFF), UInt8(v >> 8)] }
                try Data(raw).write(to: base.appendingPathExtension("u16"))
                let info: [String: Any] = [
                    "width": r.width, "height": r.height, "bitsStored": r.bitsStored,
                    "spacing": r.spacing.map { [$0.row, $0.column] } ?? NSNull(),
                    "source": r.spacingSource.rawValue,
                    "slope": r.modalityRescale.slope, "intercept": r.modalityRescale.intercept,
                    "window": r.displayWindow.map { [$0.center, $0.width] } ?? NSNull(),
                ]
                try JSONSerialization.data(withJSONObject: info).write(to: base.appendingPathExtension("json"))
                decoded += 1
            } catch let error as FilmError {
                try Data(error.message.utf8).write(to: base.appendingPathExtension("err"))
            }
        }
        XCTAssertGreaterThanOrEqual(decoded, Self.minimumDecoded, "films decoded from \(dir)")

        let (status, text) = try runFixtureScript(python: python, ["--oracle", dir, out])
        let lines = text.split(separator: "\n")
        let agreeing = lines.filter { $0.hasPrefix("OK ") }.count
        let unchecked = lines.filter { $0.hasPrefix("UNCHECKED ") }.count
        XCTAssertEqual(status, 0, lines.filter { $0.hasPrefix("MISMATCH ") }.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(agreeing, Self.minimumAgreeing, "films that agree with pydicom\n\(text)")
        print("DICOM oracle: \(agreeing) films agree with pydicom, \(lines.filter { $0.hasPrefix("REFUSED ") }.count) refused, \(unchecked) lossy colour not compared")
    }

    /// The rule of scripts/dicom-conformance.py: Part 10 with or without preamble, or a bare data
    /// set starting with a group 0002 or 0008 element.
    static func looksLikeDICOM(_ b: [UInt8]) -> Bool {
        if b.count >= 132, Array(b[128..<132]) == Array("DICM".utf8) { return true }
        if b.count >= 4, Array(b[0..<4]) == Array("DICM".utf8) { return true }
        return b.count >= 8 && b[1] == 0 && b[3] == 0 && (b[0] == 2 || b[0] == 8)
    }
}
