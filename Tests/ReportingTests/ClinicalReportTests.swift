import Classification
import Detection
import Foundation
@testable import Reporting
import XCTest
import Radiography

/// Clinical subtypes and distribution figures in every output: attached by the library call the
/// CLI uses, read back by Python's json and csv modules (an independent reader).
final class ClinicalReportTests: XCTestCase {
    static let records = try! ClinicalRecords.parse(Data("""
    patient_id,file,connective_tissue_disease,disease_duration_years,calcium,calcium_unit,phosphate,phosphate_unit
    SLE-2,,lupus,13,9.4,mg/dL,3.4,mg/dL
    ,other.png,none,,9.0,mg/dL,3.0,mg/dL
    """.utf8))

    /// A report whose distribution comes from the real classifier on two deposits 150 mm apart.
    static func report(file: String = "hand.dcm") -> FilmReport {
        var analysis = ReportFixtures.analysis()
        let columns = 80, rows = 220
        var cells = [UInt8](repeating: 0, count: columns * rows)
        for y in 10..<210 { for x in 10..<70 { cells[y * columns + x] = 1 } }
        let deposits = [ReportFixtures.deposit(id: 1, area: 100, x: 300, y: 300, box: PixelBox(x: 295, y: 295, width: 10, height: 10)),
                        ReportFixtures.deposit(id: 2, area: 100, x: 400, y: 1800, box: PixelBox(x: 395, y: 1795, width: 10, height: 10))]
        let detection = DetectionResult(deposits: deposits, labels: LabelImage(width: 1, height: 1, labels: [0]),
                                        body: BodyMap(cellSize: 10, columns: columns, rows: rows, cells: cells,
                                                      bone: [UInt8](repeating: 0, count: columns * rows)),
                                        noiseSigma: 3, spacingMM: 0.1)
        analysis.distribution = DistributionClassifier().assess(detection)
        return FilmReport(file: file, analysis: analysis)
    }

    func testAttachMatchesByPatientIDThenFileNameAndSkipsErrorFilms() {
        var byID = Self.report()
        XCTAssertTrue(byID.attachClinical(Self.records, patientID: "SLE-2"))
        XCTAssertEqual(byID.clinical?.matchedBy, "patient ID")
        XCTAssertEqual(byID.clinical?.top, "dystrophic")

        var byName = Self.report(file: "/films/other.png")
        XCTAssertTrue(byName.attachClinical(Self.records, patientID: nil))
        XCTAssertEqual(byName.clinical?.matchedBy, "file name")

        var unmatched = Self.report()
        XCTAssertFalse(unmatched.attachClinical(Self.records, patientID: "nobody"))
        XCTAssertNil(unmatched.clinical)

        var failed = FilmReport.failure(file: "other.png", error: FilmError(.truncated, "truncated"))
        XCTAssertFalse(failed.attachClinical(Self.records, patientID: "SLE-2"))
        XCTAssertNil(failed.clinical)
    }

    func testJSONCarriesSubtypesAndClustersReadByPython() throws {
        var report = Self.report()
        report.attachClinical(Self.records, patientID: "SLE-2")
        let script = """
        import json, sys
        o = json.loads(sys.stdin.read())
        print(json.dumps({"match": o["clinical_match"], "subtypes": o["clinical_subtypes"],
                          "clusters": o["distribution_clusters"], "metrics": o["distribution_metrics"]}))
        """
        guard let output = try ReportFixtures.python(script, input: ReportWriter.jsonObject(report)) else {
            throw XCTSkip("python3 is not installed")
        }
        let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(result["match"] as? String, "patient ID")
        let subtypes = try XCTUnwrap(result["subtypes"] as? [[String: Any]])
        XCTAssertEqual(subtypes.map { $0["subtype"] as? String }, report.clinical!.findings.map(\.subtype.rawValue))
        XCTAssertEqual(subtypes[0]["subtype"] as? String, "dystrophic")
        XCTAssertEqual(subtypes[0]["rank"] as? Int, 1)
        XCTAssertEqual(subtypes[0]["score"] as? Int, report.clinical!.findings[0].score)
        XCTAssertEqual(subtypes[0]["rules"] as? [String], report.clinical!.findings[0].rules)
        XCTAssertEqual(subtypes[0]["missing"] as? [String], ["local trauma"])
        XCTAssertTrue((subtypes[0]["rules"] as? [String] ?? []).contains("lupus (+3)"))
        let clusters = try XCTUnwrap(result["clusters"] as? [[String: Any]])
        XCTAssertEqual(clusters.count, 2)
        XCTAssertEqual(clusters[0]["deposit_ids"] as? [Int], [1])
        // 10 × 10 px at 0.1 mm: 1 mm², a box of 1 × 1 mm with a diagonal of √2 mm.
        XCTAssertEqual(clusters[0]["area_mm2"] as? Double ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(clusters[0]["extent_mm"] as? Double ?? 0, 2.0.squareRoot(), accuracy: 1e-4)
        let metrics = try XCTUnwrap(result["metrics"] as? [String: Any])
        XCTAssertEqual(metrics["cluster_count"] as? Double ?? Double(metrics["cluster_count"] as? Int ?? -1), 2)
    }

    func testCSVHasTheTopSubtypeAndTextListsTheRanking() throws {
        var report = Self.report(file: "a.dcm")
        report.attachClinical(Self.records, patientID: "SLE-2")
        let plain = Self.report(file: "b.dcm")
        let csv = ReportWriter.render([report, plain], as: .csv)
        let script = """
        import csv, io, json, sys
        print(json.dumps([row["clinical_subtype"] for row in csv.DictReader(io.StringIO(sys.stdin.read()))]))
        """
        if let output = try ReportFixtures.python(script, input: csv) {
            XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String], ["dystrophic", ""])
        }
        let text = ReportWriter.text(report)
        XCTAssertTrue(text.contains("clinical subtype (facts matched by patient ID; decision support, not a diagnosis):"), text)
        XCTAssertTrue(text.contains("    1. dystrophic (score 5): lupus (+3); lupus for 13 years ≥ 5 (+1); "
                                    + "calcium 9.4 mg/dL and phosphate 3.4 mg/dL not raised (+1); missing: local trauma"), text)
        XCTAssertTrue(text.contains("distribution: circumscripta (score "), text)
        XCTAssertTrue(text.contains("; span "), text)
        XCTAssertTrue(text.hasSuffix(ReportWriter.caveat + "\n"))
        XCTAssertTrue(ReportWriter.caveat.contains("does not diagnose"))
        XCTAssertFalse(ReportWriter.text(plain).contains("clinical subtype (facts"))
    }
}

/// The overlay legend names the label with its main figure and, with clinical facts, the top subtype.
final class LegendTests: XCTestCase {
    func testLegendShowsLabelFigureAndSubtype() {
        var report = ClinicalReportTests.report()
        let headline = report.analysis!.distribution.headline
        XCTAssertTrue(headline.hasPrefix("span "), headline)
        let lines = OverlayRenderer.legendLines(report.analysed!)
        XCTAssertEqual(Array(lines.suffix(2)), ["distribution: circumscripta (\(NumberText.fixed(report.analysis!.distribution.score, decimals: 2)!))",
                                                headline])
        // Every character of the figure has a glyph in the overlay font.
        XCTAssertTrue(headline.allSatisfy { $0 == " " || PixelFont.standard.hasGlyph($0) }, headline)
        report.attachClinical(ClinicalReportTests.records, patientID: "SLE-2")
        XCTAssertEqual(OverlayRenderer.legendLines(report.analysed!).last, "subtype: dystrophic (not a diagnosis)")
    }
}
