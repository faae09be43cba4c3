import Foundation
import XCTest
import Radiography
@testable import DICOM

/// Opt-in cross-check against an independent reader on files we may not redistribute (e.g.
/// pydicom's own test files): decodes every `.dcm` in DICOM_ORACLE_DIR and writes what it
/// read into DICOM_ORACLE_OUT, which `make_fixtures.py --oracle` compares with pydicom.
final class DICOMOracleTests: XCTestCase {
    func testWriteDecodesOfExternalFilesForTheOracle() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["DICOM_ORACLE_DIR"], let out = env["DICOM_ORACLE_OUT"] else {
            throw XCTSkip("set DICOM_ORACLE_DIR and DICOM_ORACLE_OUT to cross-check external files")
        }
        let fm = FileManager.default
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".dcm") {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            let base = URL(fileURLWithPath: out).appendingPathComponent(name)
            do {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let r = try DICOMDecoder.decode(bytes)
                print("\(name): \(r.width)×\(r.height) decoded in \(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6) ms")
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
            } catch let error as FilmError {
                try Data(error.message.utf8).write(to: base.appendingPathExtension("err"))
            }
        }
    }
}
