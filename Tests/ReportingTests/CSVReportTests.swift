import Foundation
import Reporting
import Radiography
import XCTest

final class CSVReportTests: XCTestCase {
    /// Python's csv module as the independent reader: rows as JSON.
    static let readCSV = "import csv, json, sys\nprint(json.dumps(list(csv.reader(sys.stdin, strict=True))))"

    func rows(_ csv: String) throws -> [[String]]? {
        guard let output = try ReportFixtures.python(Self.readCSV, input: csv) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String]]
    }

    func testHeaderIsTheScalarJSONKeys() {
        XCTAssertEqual(ReportWriter.csvHeader(), [
            "file", "status", "error", "format", "width", "height", "pixel_spacing_row_mm",
            "pixel_spacing_col_mm", "spacing_source", "deposit_count", "total_area_px",
            "total_area_mm2", "largest_area_px", "largest_area_mm2", "body_area_px",
            "body_area_mm2", "noise_sigma", "distribution", "distribution_score", "distribution_reason",
            "clinical_subtype",
        ].joined(separator: ","))
    }

    func testQuotingFollowsRFC4180() {
        let row = ReportWriter.csvRow(FilmReport.failure(file: "a,\"b", error: FilmError(.malformed, "line1\nline2")))
        XCTAssertEqual(row, "\"a,\"\"b\",error,\"line1\nline2\"" + String(repeating: ",", count: 18))
        let plain = ReportWriter.csvRow(ReportFixtures.report(file: "plain name.dcm", spacing: nil))
        XCTAssertTrue(plain.hasPrefix("plain name.dcm,ok,,dicom,400,300,,,unknown,3,163,,120,,50000,,7.654,circumscripta,0.123,"),
                      plain)
    }

    func testFilmRowsReadBackByPython() throws {
        let films = [ReportFixtures.report(file: ReportFixtures.oddName),
                     ReportFixtures.report(file: "b.png", spacing: nil),
                     FilmReport.failure(file: "c.jpg", error: FilmError(.malformed, "JPEG: premature end, \"truncated\""))]
        guard let table = try rows(ReportWriter.render(films, as: .csv)) else {
            throw XCTSkip("python3 is not installed")
        }
        XCTAssertEqual(table.count, 4)
        let header = table[0]
        XCTAssertTrue(table.allSatisfy { $0.count == header.count })
        let first = Dictionary(uniqueKeysWithValues: zip(header, table[1]))
        XCTAssertEqual(first["file"], ReportFixtures.oddName)
        XCTAssertEqual(first["pixel_spacing_row_mm"], "0.1")
        XCTAssertEqual(first["pixel_spacing_col_mm"], "0.15")
        XCTAssertEqual(first["total_area_mm2"], "2.4450")
        XCTAssertEqual(first["distribution_reason"], ReportFixtures.assessment.reason)
        let second = Dictionary(uniqueKeysWithValues: zip(header, table[2]))
        XCTAssertEqual(second["total_area_mm2"], "")
        XCTAssertEqual(second["total_area_px"], "163")
        XCTAssertEqual(second["spacing_source"], "unknown")
        let third = Dictionary(uniqueKeysWithValues: zip(header, table[3]))
        XCTAssertEqual(third["error"], "JPEG: premature end, \"truncated\"")
        XCTAssertEqual(third["deposit_count"], "")
    }

    func testDepositRows() throws {
        let report = ReportFixtures.report(file: "x,y.dcm")
        let csv = ReportWriter.depositsCSVHeader() + "\n" + ReportWriter.depositsCSVRows(report)
            + ReportWriter.depositsCSVRows(FilmReport.failure(file: "bad", error: FilmError(.malformed, "no")))
        XCTAssertEqual(ReportWriter.depositsCSVRows(ReportFixtures.report(deposits: [])), "")
        guard let table = try rows(csv) else { throw XCTSkip("python3 is not installed") }
        XCTAssertEqual(table[0], ["file", "id", "area_px", "area_mm2", "centroid_x", "centroid_y", "bbox_x",
                                  "bbox_y", "bbox_width", "bbox_height", "mean", "peak", "contrast", "peak_snr", "score",
                                  "centroid_x_mm", "centroid_y_mm", "perimeter_mm", "circularity", "feret_max_mm", "feret_min_mm",
                                  "major_axis_mm", "minor_axis_mm", "angle_deg", "equivalent_diameter_mm"])
        XCTAssertEqual(table.count, 4)
        // The L of 3 pixels: perimeter 1 + 1 + √2 px × √(0.1 × 0.15) mm; circularity clamped.
        XCTAssertEqual(Array(table[2][..<20]), ["x,y.dcm", "2", "3", "0.0450", "100.00", "80.33", "99", "80", "2", "2",
                                                "900.00", "950", "55.50", "4.25", "0.500", "15.0750", "8.0833", "0.4182", "1.0000",
                                                table[2][19]])
        // Deposit 3 has no shape: its measures are empty cells, its centroid in mm is known.
        XCTAssertEqual(Array(table[3][15...]), ["30.1500", "15.0750", "", "", "", "", "", "", "", ""])
    }
}
