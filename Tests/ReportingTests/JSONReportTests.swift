import Classification
import Foundation
import Radiography
import Reporting
import XCTest

final class JSONReportTests: XCTestCase {
    static let keyOrder = [
        "file", "status", "error", "format", "width", "height", "pixel_spacing_mm", "spacing_source",
        "assumed_spacing_mm", "deposit_count", "total_area_px", "total_area_mm2", "largest_area_px", "largest_area_mm2",
        "body_area_px", "body_area_mm2", "noise_sigma", "classifier_model", "distribution", "distribution_score",
        "distribution_reason", "distribution_metrics", "distribution_clusters", "clinical_match",
        "clinical_subtypes", "timings_s", "warnings", "deposits",
    ]

    /// Python prints, for each key in file order, the key and the type its value parsed to.
    static let keyTypesScript = """
    import json, sys
    obj = json.loads(sys.stdin.read())
    def kinds(o): return [[k, type(v).__name__] for k, v in o.items()]
    out = {"top": kinds(obj), "deposit": kinds(obj["deposits"][0]) if obj["deposits"] else [],
           "metrics": list((obj["distribution_metrics"] or {}).keys()),
           "timings": list((obj["timings_s"] or {}).keys()), "file": obj["file"]}
    print(json.dumps(out))
    """

    func parse(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        return try XCTUnwrap(object as? [String: Any])
    }

    func number(_ value: Any?) throws -> Double {
        try XCTUnwrap((value as? NSNumber)?.doubleValue, "not a number: \(String(describing: value))")
    }

    func testKnownSpacingValuesMatchTheirDefinitions() throws {
        let report = ReportFixtures.report()
        let text = ReportWriter.jsonObject(report)
        XCTAssertFalse(text.contains("\n"))
        let json = try parse(text)
        XCTAssertEqual(Set(json.keys), Set(Self.keyOrder))
        XCTAssertEqual(json["file"] as? String, "hand.dcm")
        XCTAssertEqual(json["status"] as? String, "ok")
        XCTAssertTrue(json["error"] is NSNull)
        XCTAssertEqual(json["format"] as? String, "dicom")
        XCTAssertEqual(json["width"] as? Int, 400)
        XCTAssertEqual(json["height"] as? Int, 300)
        XCTAssertEqual((json["pixel_spacing_mm"] as? [Double]), [0.1, 0.15])
        XCTAssertEqual(json["spacing_source"] as? String, "pixel_spacing")
        XCTAssertEqual(json["deposit_count"] as? Int, 3)
        // Truth from the definitions: areas in px summed by hand, times 0.1 × 0.15 mm².
        XCTAssertEqual(json["total_area_px"] as? Int, 163)
        XCTAssertEqual(try number(json["total_area_mm2"]), 163 * 0.015, accuracy: 1e-9)
        XCTAssertEqual(json["largest_area_px"] as? Int, 120)
        XCTAssertEqual(try number(json["largest_area_mm2"]), 1.8, accuracy: 1e-9)
        XCTAssertEqual(json["body_area_px"] as? Int, 50_000)
        XCTAssertEqual(try number(json["body_area_mm2"]), 750, accuracy: 1e-9)
        XCTAssertEqual(try number(json["noise_sigma"]), 7.654, accuracy: 1e-9)
        XCTAssertEqual(json["distribution"] as? String, "circumscripta")
        XCTAssertEqual(try number(json["distribution_score"]), 0.123, accuracy: 1e-9)
        XCTAssertEqual(json["distribution_reason"] as? String, ReportFixtures.assessment.reason)
        let metrics = try XCTUnwrap(json["distribution_metrics"] as? [String: Any])
        XCTAssertEqual(try number(metrics["hull_fraction"]), 0.0412, accuracy: 1e-9)
        XCTAssertEqual(try number(metrics["clusters"]), 2, accuracy: 1e-9)
        XCTAssertEqual(try number(metrics["spread_mm"]), 17.25, accuracy: 1e-9)
        let timings = try XCTUnwrap(json["timings_s"] as? [String: Any])
        XCTAssertEqual(try number(timings["decode"]), 0.0123, accuracy: 1e-9)
        XCTAssertEqual(try number(timings["detect"]), 0.5, accuracy: 1e-9)

        let deposits = try XCTUnwrap(json["deposits"] as? [[String: Any]])
        XCTAssertEqual(deposits.count, 3)
        XCTAssertEqual(Set(deposits[0].keys), Set(ReportSchema.depositFields.map(\.name)))
        XCTAssertEqual(deposits.map { $0["id"] as? Int }, [1, 2, 3])
        XCTAssertEqual(deposits.map { $0["area_px"] as? Int }, [120, 3, 40])
        XCTAssertEqual(try number(deposits[1]["area_mm2"]), 0.045, accuracy: 1e-9)
        XCTAssertEqual(deposits[0]["centroid"] as? [Double], [40.13, 30.5])
        XCTAssertEqual(deposits[1]["centroid"] as? [Double], [100, 80.33])
        XCTAssertEqual(deposits[1]["bbox"] as? [Int], [99, 80, 2, 2])
        XCTAssertEqual(try number(deposits[0]["mean"]), 1234.57, accuracy: 1e-9)
        XCTAssertEqual(deposits[0]["peak"] as? Int, 2000)
        XCTAssertEqual(try number(deposits[1]["contrast"]), 55.5, accuracy: 1e-9)
        XCTAssertEqual(try number(deposits[1]["peak_snr"]), 4.25, accuracy: 1e-9)
        XCTAssertEqual(try number(deposits[1]["score"]), 0.5, accuracy: 1e-9)
        XCTAssertEqual(json["classifier_model"] as? String, "deposit-classifier test")
        // Deposit 1, a 12 × 10 px rectangle at 0.15 mm columns and 0.1 mm rows: 1.8 × 1.0 mm.
        XCTAssertEqual(deposits[0]["centroid_mm"] as? [Double], [6.0939, 3.1])
        XCTAssertEqual(try number(deposits[0]["perimeter_mm"]), 40 * (0.015).squareRoot(), accuracy: 5e-5)
        XCTAssertEqual(try number(deposits[0]["feret_min_mm"]), 1.0, accuracy: 5e-5)
        XCTAssertEqual(try number(deposits[0]["feret_max_mm"]), max((1.8 * 1.8 + 0.81).squareRoot(), (1.65 * 1.65 + 1).squareRoot()), accuracy: 5e-5)
        XCTAssertEqual(try number(deposits[0]["major_axis_mm"]), 4 * (143.0 / 12).squareRoot() * 0.15, accuracy: 5e-5)
        XCTAssertEqual(try number(deposits[0]["minor_axis_mm"]), 4 * (99.0 / 12).squareRoot() * 0.1, accuracy: 5e-5)
        XCTAssertEqual(try number(deposits[0]["angle_deg"]), 0, accuracy: 1e-9)
        XCTAssertEqual(try number(deposits[0]["equivalent_diameter_mm"]), (4 * 1.8 / Double.pi).squareRoot(), accuracy: 5e-5)
        XCTAssertEqual(try number(deposits[0]["circularity"]), 4 * Double.pi * 120 / (40 * 40), accuracy: 5e-5)
    }

    func testShapeMeasuresWithoutSpacingAreCircularityAndAngleOnly() throws {
        let text = ReportWriter.jsonObject(FilmReport(file: "a.png", analysis: ReportFixtures.analysis(spacing: nil)))
        let deposit = try XCTUnwrap((try parse(text)["deposits"] as? [[String: Any]])?.first)
        for key in ["centroid_mm", "perimeter_mm", "feret_max_mm", "feret_min_mm", "major_axis_mm", "minor_axis_mm", "equivalent_diameter_mm"] {
            XCTAssertTrue(deposit[key] is NSNull, key)
        }
        XCTAssertEqual(try number(deposit["circularity"]), 4 * Double.pi * 120 / (40 * 40), accuracy: 5e-5)
        XCTAssertEqual(try number(deposit["angle_deg"]), 0, accuracy: 1e-9)
    }

    func testFixedDecimalsAsWritten() {
        let text = ReportWriter.jsonObject(ReportFixtures.report())
        // Literal text: precision is part of the format, not only the parsed value.
        XCTAssertTrue(text.contains("\"total_area_mm2\":2.4450,"), text)
        XCTAssertTrue(text.contains("\"centroid\":[40.13,30.50]"), text)
        XCTAssertTrue(text.contains("\"distribution_score\":0.123,"), text)
        XCTAssertTrue(text.contains("\"width\":400,"), text)
        XCTAssertTrue(text.contains("\"pixel_spacing_mm\":[0.1,0.15]"), text)
        XCTAssertTrue(text.hasPrefix("{\"file\":\"hand.dcm\",\"status\":\"ok\",\"error\":null,"), text)
    }

    func testKeyOrderAndTypesReadByPython() throws {
        let text = ReportWriter.jsonObject(ReportFixtures.report(file: ReportFixtures.oddName))
        guard let output = try ReportFixtures.python(Self.keyTypesScript, input: text) else {
            throw XCTSkip("python3 is not installed")
        }
        let result = try parse(output)
        let top = try XCTUnwrap(result["top"] as? [[String]])
        XCTAssertEqual(top.map { $0[0] }, Self.keyOrder)
        XCTAssertEqual(top.map { $0[1] }, [
            "str", "str", "NoneType", "str", "int", "int", "list", "str", "NoneType",
            "int", "int", "float", "int", "float", "int", "float", "float", "str", "str", "float",
            "str", "dict", "NoneType", "NoneType", "NoneType", "dict", "list", "list",
        ])
        let deposit = try XCTUnwrap(result["deposit"] as? [[String]])
        XCTAssertEqual(deposit.map { $0[0] },
                       ["id", "area_px", "area_mm2", "centroid", "bbox", "mean", "peak", "contrast", "peak_snr", "score",
                        "centroid_mm", "perimeter_mm", "circularity", "feret_max_mm", "feret_min_mm", "major_axis_mm",
                        "minor_axis_mm", "angle_deg", "equivalent_diameter_mm"])
        XCTAssertEqual(deposit.map { $0[1] }, ["int", "int", "float", "list", "list", "float", "int", "float", "float", "float",
                                               "list", "float", "float", "float", "float", "float", "float", "float", "float"])
        XCTAssertEqual(result["metrics"] as? [String], ["hull_fraction", "clusters", "spread_mm"])
        XCTAssertEqual(result["timings"] as? [String], ["decode", "detect"])
        XCTAssertEqual(result["file"] as? String, ReportFixtures.oddName)
    }

    func testJSONLinesOfUnknownSpacingAndErrorFilmsReadByPython() throws {
        let lines = ReportWriter.render([ReportFixtures.report(spacing: nil),
                                         FilmReport.failure(file: "bad\u{7}.dcm", error: FilmError(.malformed, "truncated"))], as: .jsonl)
        let script = """
        import json, sys
        rows = [json.loads(line) for line in sys.stdin.read().split("\\n") if line]
        print(json.dumps([[[k, type(v).__name__] for k, v in row.items()] for row in rows]))
        """
        guard let output = try ReportFixtures.python(script, input: lines) else {
            throw XCTSkip("python3 is not installed")
        }
        let films = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[[String]]])
        XCTAssertEqual(films.count, 2)
        XCTAssertEqual(films[0].map { $0[0] }, Self.keyOrder)
        XCTAssertEqual(films[0].map { $0[1] }, [
            "str", "str", "NoneType", "str", "int", "int", "NoneType", "str", "NoneType",
            "int", "int", "NoneType", "int", "NoneType", "int", "NoneType", "float", "str", "str", "float",
            "str", "dict", "NoneType", "NoneType", "NoneType", "dict", "list", "list",
        ])
        XCTAssertEqual(films[1].map { $0[0] }, Self.keyOrder)
        XCTAssertEqual(films[1].map { $0[1] }, ["str", "str", "str"] + Array(repeating: "NoneType", count: 23) + ["list", "list"])
    }

    func testUnknownSpacingGivesNullsNotZeros() throws {
        let json = try parse(ReportWriter.jsonObject(ReportFixtures.report(spacing: nil)))
        XCTAssertEqual(Set(json.keys), Set(Self.keyOrder))
        for key in ["pixel_spacing_mm", "total_area_mm2", "largest_area_mm2", "body_area_mm2"] {
            XCTAssertTrue(json[key] is NSNull, key)
        }
        XCTAssertEqual(json["spacing_source"] as? String, "unknown")
        XCTAssertTrue(json["assumed_spacing_mm"] is NSNull, "no distribution figures were taken at an assumed spacing")
        XCTAssertEqual(json["total_area_px"] as? Int, 163)
        let deposits = try XCTUnwrap(json["deposits"] as? [[String: Any]])
        XCTAssertTrue(deposits.allSatisfy { $0["area_mm2"] is NSNull })
        XCTAssertEqual(deposits.map { $0["area_px"] as? Int }, [120, 3, 40])
    }

    func testAssumedSpacingIsReported() throws {
        var analysis = ReportFixtures.analysis(spacing: nil)
        analysis.assumedSpacingMM = 0.15
        let report = FilmReport(file: "hand.dcm", analysis: analysis)
        let json = try parse(ReportWriter.jsonObject(report))
        XCTAssertEqual(try number(json["assumed_spacing_mm"]), 0.15)
        XCTAssertEqual(json["spacing_source"] as? String, "unknown")
        XCTAssertTrue(ReportWriter.text(report).contains("at an assumed 0.15 mm"), ReportWriter.text(report))
        XCTAssertTrue(try parse(ReportWriter.jsonObject(ReportFixtures.report()))["assumed_spacing_mm"] is NSNull)
    }

    func testOddFileNamesAreEscaped() throws {
        let text = ReportWriter.jsonObject(ReportFixtures.report(file: ReportFixtures.oddName))
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 }, "raw control character in JSON")
        let json = try parse(text)
        XCTAssertEqual(json["file"] as? String, ReportFixtures.oddName)
        XCTAssertTrue(text.contains(#"\u0001"#) && text.contains(#"\""#) && text.contains(#"\\"#) && text.contains(#"\n"#))
    }

    func testErrorFilm() throws {
        let report = FilmReport.failure(file: "broken\".dcm", error: FilmError(.malformed, "DICOM: pixel data is 10 bytes, expected 2000"))
        let json = try parse(ReportWriter.jsonObject(report))
        XCTAssertEqual(Set(json.keys), Set(Self.keyOrder))
        XCTAssertEqual(json["file"] as? String, "broken\".dcm")
        XCTAssertEqual(json["status"] as? String, "error")
        XCTAssertEqual(json["error"] as? String, "DICOM: pixel data is 10 bytes, expected 2000")
        XCTAssertEqual((json["deposits"] as? [Any])?.count, 0)
        XCTAssertEqual((json["warnings"] as? [Any])?.count, 0)
        for key in Self.keyOrder where !["file", "status", "error", "warnings", "deposits"].contains(key) {
            XCTAssertTrue(json[key] is NSNull, "\(key) should be null for an error film")
        }
    }

    func testNonFiniteNumbersBecomeNullAndEmptyTimingsNull() throws {
        var deposit = ReportFixtures.deposits[0]
        deposit.contrast = .infinity
        deposit.peakSNR = .nan
        var analysis = ReportFixtures.analysis(deposits: [deposit], timings: [])
        analysis.detection.noiseSigma = .nan
        let report = FilmReport(file: "hand.dcm", analysis: analysis)
        let text = ReportWriter.jsonObject(report)
        XCTAssertFalse(text.lowercased().contains("nan") || text.lowercased().contains("inf"), text)
        let json = try parse(text)
        XCTAssertTrue(json["noise_sigma"] is NSNull)
        XCTAssertTrue(json["timings_s"] is NSNull)
        let parsed = try XCTUnwrap((json["deposits"] as? [[String: Any]])?.first)
        XCTAssertTrue(parsed["contrast"] is NSNull)
        XCTAssertTrue(parsed["peak_snr"] is NSNull)
    }

    /// An analysed film always has a distribution (`none` without deposits): only a failed
    /// film has null figures.
    func testNoDeposits() throws {
        var analysis = ReportFixtures.analysis(deposits: [])
        analysis.distribution = DistributionClassifier().assess(analysis.detection)
        let report = FilmReport(file: "hand.dcm", analysis: analysis)
        let json = try parse(ReportWriter.jsonObject(report))
        XCTAssertEqual(json["deposit_count"] as? Int, 0)
        XCTAssertEqual(json["total_area_px"] as? Int, 0)
        XCTAssertEqual(try number(json["total_area_mm2"]), 0)
        XCTAssertTrue(json["largest_area_px"] is NSNull)
        XCTAssertEqual(json["distribution"] as? String, "none")
        XCTAssertEqual(json["distribution_reason"] as? String, "no deposits found")
    }

    func testRenderShapes() throws {
        let films = [ReportFixtures.report(), FilmReport.failure(file: "x.png", error: FilmError(.malformed, "not an image"))]
        let one = ReportWriter.render([films[0]], as: .json)
        XCTAssertTrue(one.hasPrefix("{") && one.hasSuffix("}\n"))
        XCTAssertNoThrow(try parse(one))

        let array = ReportWriter.render(films, as: .json)
        let parsed = try JSONSerialization.jsonObject(with: Data(array.utf8)) as? [[String: Any]]
        XCTAssertEqual(parsed?.map { $0["file"] as? String }, ["hand.dcm", "x.png"])
        let empty = try JSONSerialization.jsonObject(with: Data(ReportWriter.render([], as: .json).utf8)) as? [Any]
        XCTAssertEqual(empty?.count, 0)

        let lines = ReportWriter.render(films, as: .jsonl)
        XCTAssertTrue(lines.hasSuffix("\n"))
        let split = lines.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(split.count, 3)
        XCTAssertEqual(try parse(String(split[1]))["status"] as? String, "error")

        if let output = try ReportFixtures.python(
            "import json,sys\nprint(len(json.loads(sys.stdin.read())))", input: array) {
            XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "2")
        }
    }
}
