import Detection
import Reporting
import Radiography
import XCTest

final class TextReportTests: XCTestCase {
    func testSummaryMentionsWhatWasFound() {
        let text = ReportWriter.text(ReportFixtures.report())
        XCTAssertTrue(text.hasPrefix("hand.dcm: DICOM 400×300 px, pixel spacing 0.1 × 0.15 mm"), text)
        XCTAssertTrue(text.contains("3 deposits"), text)
        // 163 px × 0.015 mm² = 2.445 mm²; largest 120 px = 1.8 mm².
        XCTAssertTrue(text.contains("total 2.445 mm² (163 px)"), text)
        XCTAssertTrue(text.contains("largest 1.800 mm² (120 px)"), text)
        XCTAssertTrue(text.contains("distribution: circumscripta (score 0.123)"), text)
        XCTAssertTrue(text.contains(ReportFixtures.assessment.reason), text)
        XCTAssertTrue(text.hasSuffix(ReportWriter.caveat + "\n"))
        XCTAssertTrue(ReportWriter.caveat.hasPrefix("Decision support only: not a diagnosis."))
        XCTAssertFalse(text.contains("pixel spacing unknown"))
        // One table row per deposit, with its centroid.
        XCTAssertTrue(text.contains("40.1, 30.5"), text)
        XCTAssertTrue(text.contains("200.5, 150.2") || text.contains("200.5, 150.3"), text)
    }

    func testUnknownSpacingSaysSoAndUsesPixels() {
        let text = ReportWriter.text(ReportFixtures.report(spacing: nil))
        XCTAssertTrue(text.contains("pixel spacing unknown: areas in pixels only (use --pixel-spacing MM)"), text)
        XCTAssertTrue(text.contains("total 163 px"), text)
        XCTAssertFalse(text.contains("mm²"), text)
    }

    func testErrorFilmIsOneLine() {
        let text = ReportWriter.text(FilmReport.failure(file: "a.dcm", error: FilmError(.malformed, "not a DICOM file")))
        XCTAssertEqual(text, "a.dcm: error: not a DICOM file\n")
    }

    func testLongListsShowTheLargest() {
        // 30 deposits with areas 1…30: the 25 largest are 6…30, so ids 1–5 are left out.
        let deposits = (1...30).map { id in
            ReportFixtures.deposit(id: id, area: id, x: Double(id * 10), y: 5,
                                   box: PixelBox(x: id * 10, y: 5, width: 1, height: id))
        }
        let text = ReportWriter.text(ReportFixtures.report(deposits: deposits))
        XCTAssertTrue(text.contains("30 deposits"), text)
        XCTAssertTrue(text.contains("the 25 largest of 30 deposits; 5 more"), text)
        // The hint names outputs that have the deposit rows: --format csv has one row per film only.
        XCTAssertTrue(text.contains("--deposits-csv FILE"), text)
        XCTAssertFalse(text.contains("json or csv"), text)
        let tableRows = text.split(separator: "\n").filter { $0.contains(", 5, 1×") }
        XCTAssertEqual(tableRows.count, 25)
        XCTAssertFalse(text.contains("50, 5, 1×5"), "deposit 5 (area 5) should be cut")
        XCTAssertTrue(text.contains("60, 5, 1×6"), "deposit 6 (area 6) should be listed")
    }

    func testBatchPrintsCaveatOnce() {
        let text = ReportWriter.render([ReportFixtures.report(), ReportFixtures.report(file: "b.dcm"),
                                        FilmReport.failure(file: "c", error: FilmError(.malformed, "bad"))], as: .text)
        XCTAssertEqual(text.components(separatedBy: "Decision support only").count, 2)
        XCTAssertTrue(text.contains("c: error: bad\n"))
        XCTAssertFalse(ReportWriter.render([FilmReport.failure(file: "c", error: FilmError(.malformed, "bad"))], as: .text)
            .contains("Decision support"))
    }
}
