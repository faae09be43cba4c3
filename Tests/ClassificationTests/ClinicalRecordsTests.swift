import Foundation
import XCTest
@testable import Classification

/// Reading `--clinical` files: JSON and CSV give the same facts, units are converted with the
/// published factors, and bad records are refused with a message naming the record and field.
final class ClinicalRecordsTests: XCTestCase {
    func parse(_ text: String) throws -> ClinicalRecords { try ClinicalRecords.parse(Data(text.utf8)) }

    func testJSONAndCSVGiveTheSameFacts() throws {
        let json = try parse("""
        [{"patient_id": "SLE-1", "calcium": 9.1, "calcium_unit": "mg/dL", "pth_pg_ml": 52.9, "egfr": 58.9,
          "connective_tissue_disease": "SLE", "disease_duration_years": 17, "age": 49, "dialysis": false},
         {"file": "films/case2.dcm", "calcium": "2.35 mmol/L", "phosphate": 1.1, "phosphate_unit": "mmol/L",
          "connective_tissue_disease": "lupus", "local_trauma": null, "ckd_stage": "3b", "iv_calcium": "no"}]
        """)
        let csv = try parse("""
        patient_id,file,calcium,calcium_unit,phosphate,phosphate_unit,pth_pg_ml,egfr,connective_tissue_disease,disease_duration_years,age,dialysis,local_trauma,ckd_stage,iv_calcium
        SLE-1,,9.1,mg/dL,,,52.9,58.9,SLE,17,49,false,,,
        ,films/case2.dcm,2.35 mmol/L,,1.1,mmol/L,,,lupus,,,,,3b,no
        """)
        XCTAssertEqual(json.records, csv.records)
        XCTAssertEqual(json.ignoredFields, ["age"])
        XCTAssertEqual(csv.ignoredFields, ["age"])
        let first = json.records[0]
        XCTAssertEqual(first.calciumMgDL, 9.1)
        XCTAssertEqual(first.connectiveTissueDisease, .lupus)
        XCTAssertEqual(first.dialysis, false)
        XCTAssertNil(first.phosphateMgDL)
        let second = json.records[1]
        XCTAssertEqual(second.calciumMgDL!, 2.35 * 4.008, accuracy: 1e-12)
        XCTAssertEqual(second.phosphateMgDL!, 1.1 * 3.097, accuracy: 1e-12)
        XCTAssertEqual(second.calciumAsGiven, "2.35 mmol/L")
        XCTAssertEqual(second.ckdStage, 3)
        XCTAssertEqual(second.ivCalcium, false)
        XCTAssertNil(second.localTrauma)
    }

    /// 2.5 mmol/L calcium is 10.02 mg/dL; 1.39 mmol/L phosphate is 4.30 mg/dL (the published factors).
    func testUnitConversionFactors() throws {
        let r = try parse("""
        {"records": [{"patient_id": "A", "calcium": "2.5 mmol/l", "phosphate": "1.39 MMOL/L"}]}
        """).records[0]
        XCTAssertEqual(r.calciumMgDL!, 10.02, accuracy: 1e-9)
        XCTAssertEqual(r.phosphateMgDL!, 4.30483, accuracy: 1e-9)
        XCTAssertEqual(r.calciumPhosphateProduct!, 10.02 * 4.30483, accuracy: 1e-9)
    }

    func testBadRecordsAreRefusedWithAReason() {
        let bad: [(String, String)] = [
            ("patient_id,calcium\nA,9.1\n", "calcium 9.1 has no unit"),
            ("patient_id,calcium,calcium_unit\nA,2.3,mg/dL\n", "outside 4–20 mg/dL; is the unit right?"),
            ("patient_id,calcium,calcium_unit\nA,9.1,g/L\n", "neither mg/dL nor mmol/L"),
            ("patient_id,calcium,calcium_unit\nA,9.1 mmol/L,mg/dL\n", "disagrees with calcium_unit"),
            ("patient_id,connective_tissue_disease\nA,gout\n", "\"gout\" is not one of"),
            ("patient_id,dialysis\nA,sometimes\n", "dialysis \"sometimes\" is not yes/no"),
            ("patient_id,ckd_stage\nA,7\n", "ckd_stage \"7\" is not 1–5"),
            ("patient_id,egfr\nA,abc\n", "egfr \"abc\" is not a number"),
            ("calcium,calcium_unit\n9,mg/dL\n", "has neither file nor patient_id"),
            ("patient_id\nA\nA\n", "clinical records 1 and 2 are both for patient A"),
            ("patient_id,notes\nA,\"never closed\n", "never closes"),
            ("patient_id\nA,extra\n", "has 2 cells for 1 columns"),
            ("[1, 2]", "record 1 is not a JSON object"),
            ("{\"patients\": []}", "must be an array of records"),
            ("[{\"patient_id\": \"A\"", "not valid JSON"),
        ]
        for (text, message) in bad {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
            }
        }
    }

    func testMatchByPathThenFileNameThenPatientID() throws {
        let records = try parse("""
        file,patient_id,calcium,calcium_unit
        /data/a/knee.dcm,,9.0,mg/dL
        /data/b/knee.dcm,,9.2,mg/dL
        hand.png,,9.4,mg/dL
        ,P7,9.6,mg/dL
        """)
        XCTAssertEqual(records.match(file: "/data/b/knee.dcm", patientID: "P7")?.facts.calciumMgDL, 9.2)
        XCTAssertEqual(records.match(file: "/data/b/knee.dcm", patientID: "P7")?.matchedBy, "file path")
        XCTAssertEqual(records.match(file: "scans/hand.png", patientID: nil)?.facts.calciumMgDL, 9.4)
        XCTAssertEqual(records.match(file: "scans/hand.png", patientID: nil)?.matchedBy, "file name")
        // Two records named knee.dcm: the name alone is ambiguous, so the patient ID decides.
        XCTAssertEqual(records.match(file: "/other/knee.dcm", patientID: "P7")?.facts.calciumMgDL, 9.6)
        XCTAssertEqual(records.match(file: "/other/knee.dcm", patientID: "P7")?.matchedBy, "patient ID")
        XCTAssertNil(records.match(file: "/other/knee.dcm", patientID: nil))
        XCTAssertNil(records.match(file: "x.png", patientID: "P8"))
    }

    func testLoadReadsAFileAndReportsAMissingOne() throws {
        let path = NSTemporaryDirectory() + "clinical-\(UUID().uuidString).csv"
        try Data("\u{FEFF}patient_id,calcium\r\nA,\"9.1 mg/dL\"\r\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try ClinicalRecords.load(path: path).records.first?.calciumMgDL, 9.1)
        XCTAssertThrowsError(try ClinicalRecords.load(path: path + ".missing"))
    }
}

/// The example in the README's Classification section parses and gives what the README says.
final class ReadmeClinicalExampleTests: XCTestCase {
    func testReadmeCSVExample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "```csv\n"))
        let end = try XCTUnwrap(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let records = try ClinicalRecords.parse(Data(readme[start.upperBound..<end.lowerBound].utf8))
        XCTAssertEqual(records.records.count, 1)
        XCTAssertEqual(records.ignoredFields, [])
        let ranked = SubtypeClassifier().classify(records.records[0])
        XCTAssertEqual(ranked[0].subtype, .dystrophic)
        XCTAssertTrue(ranked[0].rules.contains("lupus for 17 years ≥ 5 (+1)"), "\(ranked[0].rules)")
    }
}
