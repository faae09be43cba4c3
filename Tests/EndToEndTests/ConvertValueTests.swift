import Foundation
import XCTest
import TestSupport

/// `detect convert FILE OUT.npy` on every stored-values path (RLE, JPEG Lossless, JPEG Baseline,
/// JPEG Extended, deflate, YCbCr converted to RGB, and uncompressed layouts beside them), compared value by value with what pydicom
/// decoded from the same fixtures. The expected arrays are committed in ConvertExpected/ with the
/// script that wrote them (make_expected.py), so this runs offline.
final class ConvertValueTests: XCTestCase {
    struct Manifest: Decodable {
        struct Entry: Decodable {
            var fixture: String
            var readByPydicom: String
            var transferSyntax: String
            var frames: Int
            var tolerance: Int64
            var expected: [String]
        }
        var reader: String
        var files: [Entry]
    }

    static let folder = DetectProcess.packageRoot.appendingPathComponent("Tests/EndToEndTests/ConvertExpected")
    static let fixtures = DetectProcess.packageRoot.appendingPathComponent("Tests/DICOMTests/Fixtures")

    private var output: URL!
    override func setUpWithError() throws { output = try DetectProcess.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: output) }

    func testConvertAgreesWithPydicomOnEveryStoredValuesPath() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("expected.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let manifest = try decoder.decode(Manifest.self, from: data)
        XCTAssertTrue(manifest.reader.hasPrefix("pydicom "), manifest.reader)
        // The paths this test exists for, each with more than one file.
        let required = ["1.2.840.10008.1.2.5": "RLE", "1.2.840.10008.1.2.4.70": "JPEG Lossless SV1",
                        "1.2.840.10008.1.2.4.57": "JPEG Lossless", "1.2.840.10008.1.2.4.50": "JPEG Baseline",
                        "1.2.840.10008.1.2.1.99": "deflate", "1.2.840.10008.1.2.4.51": "JPEG Extended"]
        for (syntax, name) in required {
            XCTAssertGreaterThanOrEqual(manifest.files.filter { $0.transferSyntax == syntax }.count, 2, "\(name) fixtures")
        }
        var compared = 0
        for entry in manifest.files {
            XCTAssertEqual(entry.expected.count, entry.frames, entry.fixture)
            for (index, name) in entry.expected.enumerated() {
                let frame = index + 1
                let out = output.appendingPathComponent("\(entry.fixture).f\(frame).npy").path
                let run = try DetectProcess.run(["convert", "--frame", "\(frame)", Self.fixtures.appendingPathComponent(entry.fixture).path, out])
                XCTAssertEqual(run.status, 0, "\(entry.fixture) frame \(frame): \(run.stderr)")
                guard run.status == 0 else { continue }
                let ours = try NumpyArray(contentsOf: out)
                let theirs = try NumpyArray(contentsOf: Self.folder.appendingPathComponent(name).path)
                let what = "\(entry.fixture) frame \(frame) (\(entry.transferSyntax); expected: pydicom reading \(entry.readByPydicom))"
                XCTAssertEqual(ours.shape, theirs.shape, what)
                XCTAssertEqual(ours.kindAndSize, theirs.kindAndSize, what)
                guard ours.values.count == theirs.values.count else { continue }
                let differing = zip(ours.values, theirs.values).filter { $0 != $1 }.count
                let worst = zip(ours.values, theirs.values).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, entry.tolerance, "\(what): \(differing) samples differ, by up to \(worst)")
                // The values vary: a decoder returning a constant (zeros) must not pass by luck.
                XCTAssertGreaterThan(Set(theirs.values).count, 1, "\(what): expected values are constant")
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 40, "frames compared")
    }
}
