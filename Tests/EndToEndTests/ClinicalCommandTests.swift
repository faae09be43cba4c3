import Foundation
import XCTest

/// `--clinical`: facts matched to films and a ranked subtype list with its rules, through the binary.
final class ClinicalCommandTests: XCTestCase {
    func testClinicalFactsRankSubtypesForTheMatchingFilm() throws {
        let folder = try DetectProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let samples = DetectProcess.packageRoot.appendingPathComponent("sample-images")
        // The first published lupus case (dystrophic), matched by file name; a CKD patient on
        // dialysis with Ca×P far above 70 (metastatic), matched by the DICOM Patient ID.
        let csv = """
        patient_id,file,calcium,calcium_unit,phosphate,phosphate_unit,pth_pg_ml,egfr,dialysis,connective_tissue_disease,disease_duration_years,iv_calcium,iv_phosphate,calcium_injections
        SLE-1,knee_circumscripta.png,9.1,mg/dL,,,52.9,58.9,no,lupus,17,no,no,no
        PHANTOM-thigh_universalis,,2.9,mmol/L,2.6,mmol/L,420,9,yes,none,,no,no,no
        """
        let facts = folder.appendingPathComponent("facts.csv")
        try csv.write(to: facts, atomically: true, encoding: .utf8)
        let result = try DetectProcess.run([
            samples.appendingPathComponent("knee_circumscripta.png").path,
            samples.appendingPathComponent("thigh_universalis.dcm").path,
            samples.appendingPathComponent("elbow_none.png").path,
            "--clinical", facts.path, "--format", "json", "--jobs", "1",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let reports = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(reports.count, 3)
        func top(_ report: [String: Any]) -> (subtype: String?, rules: [String]) {
            let first = (report["clinical_subtypes"] as? [[String: Any]])?.first
            return (first?["subtype"] as? String, first?["rules"] as? [String] ?? [])
        }
        XCTAssertEqual(top(reports[0]).subtype, "dystrophic", "\(reports[0]["clinical_subtypes"] ?? "nil")")
        let metastatic = top(reports[1])
        XCTAssertEqual(metastatic.subtype, "metastatic", "\(reports[1]["clinical_subtypes"] ?? "nil")")
        // 2.9 mmol/L × 4.008 = 11.6 mg/dL; 2.6 mmol/L × 3.097 = 8.05 mg/dL; product ≈ 93.6.
        XCTAssertTrue(metastatic.rules.contains { $0.contains("Ca×P") }, "\(metastatic.rules)")
        XCTAssertTrue(reports[2]["clinical_subtypes"] is NSNull)
        XCTAssertTrue(result.stderr.contains("elbow_none.png: no clinical record matches"), result.stderr)
    }

    func testUnreadableClinicalFileIsAUsageError() throws {
        let film = DetectProcess.packageRoot.appendingPathComponent("sample-images/elbow_none.png").path
        let result = try DetectProcess.run([film, "--clinical", "/nonexistent/facts.csv"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("/nonexistent/facts.csv"), result.stderr)
    }
}
