import Foundation
import Radiography
@testable import Reporting
import XCTest

/// The report's field table: the published names (a contract: a rename must fail here), and the
/// README's tables generated from it.
final class ReportSchemaTests: XCTestCase {
    static let begin = "<!-- report-fields: generated from ReportSchema (Sources/Reporting/ReportSchema.swift); DETECT_WRITE_README=1 swift test --filter ReportSchemaTests rewrites it -->"
    static let end = "<!-- end of report-fields -->"

    func testPublishedNamesAndOrder() {
        XCTAssertEqual(ReportSchema.filmFields.map(\.name), [
            "file", "status", "error", "format", "width", "height", "pixel_spacing_mm", "spacing_source",
            "assumed_spacing_mm", "deposit_count", "total_area_px", "total_area_mm2", "largest_area_px", "largest_area_mm2",
            "body_area_px", "body_area_mm2", "noise_sigma", "classifier_model", "distribution",
            "distribution_score", "distribution_reason", "distribution_metrics", "distribution_clusters",
            "clinical_match", "clinical_subtypes", "timings_s", "warnings", "deposits",
        ])
        XCTAssertEqual(ReportWriter.csvHeader(), "file,status,error,format,width,height,pixel_spacing_row_mm,pixel_spacing_col_mm,"
            + "spacing_source,deposit_count,total_area_px,total_area_mm2,largest_area_px,largest_area_mm2,body_area_px,"
            + "body_area_mm2,noise_sigma,distribution,distribution_score,distribution_reason,clinical_subtype")
        XCTAssertEqual(ReportSchema.depositFields.map(\.name),
                       ["id", "area_px", "area_mm2", "centroid", "bbox", "mean", "peak", "contrast", "peak_snr", "score",
                        "centroid_mm", "perimeter_mm", "circularity", "feret_max_mm", "feret_min_mm", "major_axis_mm",
                        "minor_axis_mm", "angle_deg", "equivalent_diameter_mm"])
        XCTAssertEqual(ReportWriter.depositsCSVHeader(), "file,id,area_px,area_mm2,centroid_x,centroid_y,bbox_x,bbox_y,"
            + "bbox_width,bbox_height,mean,peak,contrast,peak_snr,score,centroid_x_mm,centroid_y_mm,perimeter_mm,circularity,"
            + "feret_max_mm,feret_min_mm,major_axis_mm,minor_axis_mm,angle_deg,equivalent_diameter_mm")
    }

    /// The terminal's deposit table names fields that have a terminal column.
    func testTerminalTableNamesFieldsWithAColumn() {
        for name in ReportSchema.textTable {
            XCTAssertNotNil(ReportSchema.depositFields.first { $0.name == name }?.text, name)
        }
    }

    /// Every object, analysed or failed, has exactly the table's keys in its order.
    func testJSONObjectsFollowTheTable() throws {
        for report in [ReportFixtures.report(), FilmReport.failure(file: "x.png", error: FilmError(.malformed, "PNG: truncated"))] {
            let json = ReportWriter.jsonObject(report)
            var position = json.startIndex
            for field in ReportSchema.filmFields {
                let key = try XCTUnwrap(json.range(of: "\"\(field.name)\":", range: position..<json.endIndex), field.name)
                position = key.upperBound
            }
        }
    }

    func testReadmeTablesAreTheSchema() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md").standardizedFileURL
        let readme = try String(contentsOf: url, encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: Self.begin + "\n"), "README.md has no generated field table").upperBound
        let stop = try XCTUnwrap(readme.range(of: Self.end, range: start..<readme.endIndex)).lowerBound
        let generated = ReportSchema.markdownTables
        if ProcessInfo.processInfo.environment["DETECT_WRITE_README"] == "1" {
            try (String(readme[..<start]) + generated + String(readme[stop...])).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(String(readme[start..<stop]), generated,
                       "README.md's field table differs from ReportSchema; DETECT_WRITE_README=1 swift test --filter ReportSchemaTests rewrites it")
    }
}

/// Every format through the worker pipe: a report rendered, encoded as a worker sends it and
/// decoded gives the same document as rendering in-process.
final class ReportFormatTests: XCTestCase {
    func testEveryFormatSurvivesTheWorkerPipe() throws {
        let reports = [ReportFixtures.report(), FilmReport.failure(file: "x.png", error: FilmError(.truncated, "PNG: truncated")),
                       ReportFixtures.report(file: "b.dcm", spacing: nil)]
        let sent = try reports.map { try JSONDecoder().decode(RenderedReport.self, from: JSONEncoder().encode(RenderedReport($0, formats: Set(ReportFormat.allCases), depositsCSV: true))) }
        for format in ReportFormat.allCases {
            let document = ReportWriter.render(reports, as: format)
            XCTAssertFalse(document.isEmpty, format.rawValue)
            XCTAssertEqual(RenderedReport.document(sent, as: format), document, format.rawValue)
        }
        XCTAssertEqual(sent[0].piece(.jsonl), ReportWriter.jsonObject(reports[0]))
        XCTAssertEqual(sent[1].piece(.csv), ReportWriter.csvRow(reports[1]))
    }
}
