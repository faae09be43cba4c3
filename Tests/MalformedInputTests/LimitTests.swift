import DICOM
import FilmAnalysis
import Foundation
import Radiography
import XCTest
import TestSupport

/// Each `DecodeLimits` field: its default, and the error naming it once exceeded: kind `.limit`,
/// the bound in `limit`, and a message that names no command-line option (the command line adds
/// "raise it with --max-…" itself, `CommandLineTests`).
final class LimitTests: XCTestCase {
    func testDefaults() {
        let limits = DecodeLimits()
        XCTAssertEqual(limits.maxPixels, 50_000_000)
        XCTAssertEqual(limits.maxFileBytes, 1 << 30)
        XCTAssertEqual(limits.maxSequenceDepth, 32)
        XCTAssertEqual(limits.maxElements, 1_000_000)
        XCTAssertEqual(DecodeLimits.standard, limits)
    }

    func testMaxPixels() throws {
        let bytes = TestFilms.dicom()  // 8 × 6
        XCTAssertNoThrow(try FilmLoader.decode(bytes, limits: DecodeLimits(maxPixels: 48)))
        let error = Readers.failure(bytes, "47", limits: DecodeLimits(maxPixels: 47))
        XCTAssertEqual(error?.message, "DICOM: image is 8×6 pixels, over the limit of 47 pixels per film")
        XCTAssertEqual(error?.kind, .limit)
        XCTAssertEqual(error?.limit, .pixels)
        XCTAssertNil(error?.hint)
        for image in [try TestFilms.png(), try TestFilms.jpeg(width: 8, height: 6)] {
            XCTAssertNoThrow(try FilmLoader.decode(image, limits: DecodeLimits(maxPixels: 48)))
            let error = Readers.failure(image, "47", limits: DecodeLimits(maxPixels: 47))
            XCTAssertTrue(error?.message.hasSuffix("image is 8×6 pixels, over the limit of 47 pixels per film") ?? false, "\(String(describing: error))")
            XCTAssertEqual(error?.limit, .pixels)
        }
    }

    func testMaxFileBytes() throws {
        for bytes in [TestFilms.dicom(), try TestFilms.png(), try TestFilms.jpeg()] {
            XCTAssertNoThrow(try FilmLoader.decode(bytes, limits: DecodeLimits(maxFileBytes: bytes.count)))
            let error = Readers.failure(bytes, "limit", limits: DecodeLimits(maxFileBytes: bytes.count - 1))
            let message = error?.message ?? ""
            XCTAssertTrue(message.hasSuffix("file is \(bytes.count) bytes, over the limit of \(bytes.count - 1) bytes"), message)
            XCTAssertEqual(error?.kind, .limit)
            XCTAssertEqual(error?.limit, .fileBytes)
        }
        // From disk, before anything is read.
        let path = NSTemporaryDirectory() + "/limits-\(UUID().uuidString).dcm"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(TestFilms.dicom())))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try FilmLoader.load(path: path, limits: DecodeLimits(maxFileBytes: 100))) {
            XCTAssertTrue(($0 as? FilmError)?.message.hasSuffix("over the limit of 100 bytes") ?? false, "\($0)")
            XCTAssertEqual(($0 as? FilmError)?.limit, .fileBytes)
        }
        // A deflated data set may not inflate past the limit either.
        let deflated = try Corpus.dicomFixture("deflated.dcm")
        let inflated = Readers.failure(deflated, "deflate", limits: DecodeLimits(maxFileBytes: deflated.count + 16))
        XCTAssertTrue(inflated?.message.hasPrefix("DICOM: the deflated data set inflates to more than") ?? false, "\(String(describing: inflated))")
        XCTAssertEqual(inflated?.kind, .limit)
        XCTAssertEqual(inflated?.limit, .fileBytes)
    }

    /// `depth` sequences of undefined length, each in an undefined-length item, in implicit VR.
    private func nested(_ depth: Int) -> [UInt8] {
        let open: [UInt8] = [0x09, 0x00, 0x01, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
        let close: [UInt8] = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
        let modality: [UInt8] = [0x08, 0x00, 0x60, 0x00, 2, 0, 0, 0] + Array("DX".utf8)
        return modality + Array(repeating: open, count: depth).joined() + Array(repeating: close, count: depth).joined()
    }

    func testMaxSequenceDepth() throws {
        XCTAssertNoThrow(try DICOMHeader.read(nested(32)))
        XCTAssertThrowsError(try DICOMHeader.read(nested(33))) {
            XCTAssertTrue("\($0)".hasPrefix("DICOM: sequences nested more than 32 deep"), "\($0)")
            XCTAssertTrue("\($0)".hasSuffix("over the limit"), "\($0)")
            XCTAssertEqual(($0 as? FilmError)?.limit, .sequenceDepth)
        }
        XCTAssertNoThrow(try DICOMHeader.read(nested(5), limits: DecodeLimits(maxSequenceDepth: 5)))
        XCTAssertThrowsError(try DICOMHeader.read(nested(5), limits: DecodeLimits(maxSequenceDepth: 4)))
        // Far past any stack: refused at the limit, not by a crash.
        XCTAssertThrowsError(try DICOMHeader.read(nested(100_000)))
    }

    func testMaxElements() throws {
        let bytes = TestFilms.dicom()
        let dataSetElements = LyingHeaderTests.headers(bytes, implicitDataSet: false).filter { !$0.tag.hasPrefix("(0002,") }.count
        XCTAssertNoThrow(try FilmLoader.decode(bytes, limits: DecodeLimits(maxElements: dataSetElements)))
        let error = Readers.failure(bytes, "elements", limits: DecodeLimits(maxElements: dataSetElements - 1))
        let message = error?.message ?? ""
        XCTAssertTrue(message.hasPrefix("DICOM: more than \(dataSetElements - 1) data elements"), message)
        XCTAssertTrue(message.hasSuffix("over the limit"), message)
        XCTAssertEqual(error?.limit, .elements)

        // 200 000 empty private elements (1.6 MB) against the default of 1 million: read; then
        // with a limit of 100 000: refused, quickly.
        let empty: [UInt8] = [0x09, 0x00, 0x10, 0x10, 0, 0, 0, 0]
        let flood = [0x08, 0x00, 0x60, 0x00, 2, 0, 0, 0] + Array("DX".utf8) + Array(repeating: empty, count: 200_000).joined()
        XCTAssertNoThrow(try DICOMHeader.read(flood))
        let start = Date()
        XCTAssertThrowsError(try DICOMHeader.read(flood, limits: DecodeLimits(maxElements: 100_000))) {
            XCTAssertTrue("\($0)".hasPrefix("DICOM: more than 100000 data elements"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }
}
