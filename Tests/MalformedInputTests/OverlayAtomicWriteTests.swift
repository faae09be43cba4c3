#if canImport(Glibc)
import Glibc
#endif
import Classification
import Detection
import Foundation
import ImageIO
import Radiography
import Reporting
import XCTest
import Phantom
import TestSupport

/// Nothing lost: an overlay or a report that fails half-way through being written leaves the
/// previous file byte for byte, and no temporary file beside it.
final class OverlayAtomicWriteTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "/overlay-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A film of noise, whose overlay PNG cannot compress below a few kilobytes.
    private func analysed(side: Int) -> (Radiograph, AnalysedFilm, LabelImage) {
        var rng = SplitMix64(seed: 3)
        let film = Radiograph(width: side, height: side, pixels: (0..<(side * side)).map { _ in UInt16(rng.next() % 4096) },
                              bitsStored: 12, spacing: PixelSpacing(isotropic: 0.15), spacingSource: .user, format: .png)
        let found = DepositDetector.detect(film)
        let report = AnalysedFilm(file: "noise.png", analysis: Analysis(film: film, detection: found,
                                                                         distribution: DistributionClassifier().assess(found)))
        return (film, report, found.labels)
    }

    /// Runs `body` with the process's file size limit at `bytes` (SIGXFSZ ignored, so the write
    /// fails with EFBIG instead of killing the test run).
    private func withFileSizeLimit(_ bytes: rlim_t, _ body: () throws -> Void) rethrows {
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved), 0)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var small = saved
        small.rlim_cur = bytes
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small), 0)
        defer {
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
            signal(SIGXFSZ, previousHandler)
        }
        try body()
    }

    func testFailedOverlayWriteKeepsThePreviousOverlay() throws {
        let path = folder + "/film.overlay.png"
        let (small, smallReport, smallLabels) = analysed(side: 16)
        try OverlayRenderer.write(radiograph: small, report: smallReport, labels: smallLabels, to: path)
        let previous = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertLessThan(previous.count, 4096)

        let (large, largeReport, largeLabels) = analysed(side: 200)
        try withFileSizeLimit(4096) {
            XCTAssertThrowsError(try OverlayRenderer.write(radiograph: large, report: largeReport, labels: largeLabels, to: path)) {
                XCTAssertTrue($0 is FilmError, "\($0)")
            }
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), previous, "the previous overlay is intact")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["film.overlay.png"], "no temporary file left")

        // Without the limit the same write succeeds and replaces it.
        try OverlayRenderer.write(radiograph: large, report: largeReport, labels: largeLabels, to: path)
        XCTAssertGreaterThan(try XCTUnwrap(FileManager.default.contents(atPath: path)).count, 4096)
    }

    func testFailedReportWriteKeepsThePreviousReport() throws {
        let path = folder + "/report.json"
        let (_, report, _) = analysed(side: 32)
        try AtomicFile.write("previous report\n", to: path)
        let text = ReportWriter.render(Array(repeating: FilmReport(file: report.file, analysis: report.analysis), count: 200), as: .json)
        XCTAssertGreaterThan(text.utf8.count, 4096)
        try withFileSizeLimit(4096) {
            XCTAssertThrowsError(try AtomicFile.write(text, to: path))
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }, "previous report\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["report.json"])
    }
}
