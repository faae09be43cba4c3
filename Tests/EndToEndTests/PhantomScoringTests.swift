import Foundation
import XCTest

/// Scores `detect` on sample-images/ against the phantoms' truth (made by the phantom generator
/// from a physical model, never by the detector).
///
/// A truth deposit counts as found when a detected deposit's centroid lies inside the truth
/// deposit's bounding box grown by 1 mm (or the truth centroid inside the detected box grown
/// likewise); each detection matches at most one truth deposit, nearest first. Detections that
/// match nothing are false positives.
final class PhantomScoringTests: XCTestCase {
    struct Truth {
        var name: String
        var distribution: String
        var deposits: [(x: Double, y: Double, box: [Double], areaMM2: Double, snr: Double, kind: String)]
    }
    struct Detected {
        var x: Double, y: Double, box: [Double], areaMM2: Double?
    }
    struct FilmScore {
        var film: String
        var truth: Int, detectable: Int, found: Int, foundDetectable: Int, falsePositives: Int
        var areaErrors: [Double]
        var expectedLabel: String, label: String
    }

    static let samples = DetectProcess.packageRoot.appendingPathComponent("sample-images")
    static let detectableSNR = 6.0

    static func loadTruth(for film: URL) throws -> Truth? {
        let stem = film.deletingPathExtension().lastPathComponent
        let url = samples.appendingPathComponent("truth/\(stem).truth.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let deposits = (json["deposits"] as? [[String: Any]] ?? []).map { d -> (Double, Double, [Double], Double, Double, String) in
            let c = d["centroid"] as? [Double] ?? [0, 0]
            return (c[0], c[1], d["bbox"] as? [Double] ?? [0, 0, 0, 0], d["area_mm2"] as? Double ?? 0,
                    d["peak_snr"] as? Double ?? 0, d["kind"] as? String ?? "")
        }
        return Truth(name: stem, distribution: json["distribution"] as? String ?? "?",
                     deposits: deposits.map { (x: $0.0, y: $0.1, box: $0.2, areaMM2: $0.3, snr: $0.4, kind: $0.5) })
    }

    func score(film: URL, truth: Truth, report: [String: Any]) -> FilmScore {
        let spacing = (report["pixel_spacing_mm"] as? [Double])?.first ?? 0.15
        let grow = 1.0 / spacing
        let detected = (report["deposits"] as? [[String: Any]] ?? []).map { d in
            let c = d["centroid"] as? [Double] ?? [0, 0]
            return Detected(x: c[0], y: c[1], box: (d["bbox"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue },
                            areaMM2: d["area_mm2"] as? Double)
        }
        func inside(_ x: Double, _ y: Double, _ box: [Double]) -> Bool {
            guard box.count == 4 else { return false }
            return x >= box[0] - grow && x <= box[0] + box[2] - 1 + grow && y >= box[1] - grow && y <= box[1] + box[3] - 1 + grow
        }
        var used = Set<Int>()
        var found = 0, foundDetectable = 0
        var areaErrors: [Double] = []
        for t in truth.deposits.sorted(by: { $0.areaMM2 > $1.areaMM2 }) {
            let candidates = detected.indices.filter { i in
                !used.contains(i) && (inside(detected[i].x, detected[i].y, t.box) || inside(t.x, t.y, detected[i].box))
            }
            guard let best = candidates.min(by: { hypot(detected[$0].x - t.x, detected[$0].y - t.y) < hypot(detected[$1].x - t.x, detected[$1].y - t.y) }) else { continue }
            used.insert(best)
            found += 1
            if t.snr >= Self.detectableSNR { foundDetectable += 1 }
            if t.areaMM2 >= 2, let area = detected[best].areaMM2 { areaErrors.append(abs(area - t.areaMM2) / t.areaMM2) }
        }
        return FilmScore(film: film.lastPathComponent, truth: truth.deposits.count,
                         detectable: truth.deposits.filter { $0.snr >= Self.detectableSNR }.count,
                         found: found, foundDetectable: foundDetectable,
                         falsePositives: detected.count - used.count, areaErrors: areaErrors,
                         expectedLabel: truth.distribution, label: report["distribution"] as? String ?? "?")
    }

    func testDetectionOnSampleImagesAgainstTruth() throws {
        // The truth masks in sample-images/truth are PNGs too: the films are the top folder only.
        let result = try DetectProcess.run([Self.samples.path, "--no-recursive", "--format", "json"])
        XCTAssertFalse(result.crashed)
        XCTAssertEqual(result.status, 0, result.stderr)
        let reports = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        var scores: [FilmScore] = []
        for report in reports {
            let film = URL(fileURLWithPath: try XCTUnwrap(report["file"] as? String))
            guard let truth = try Self.loadTruth(for: film) else {
                XCTFail("no truth for \(film.lastPathComponent)")
                continue
            }
            XCTAssertEqual(report["status"] as? String, "ok", "\(film.lastPathComponent): \(report["error"] ?? "")")
            scores.append(score(film: film, truth: truth, report: report))
        }
        XCTAssertGreaterThanOrEqual(scores.count, 6, "sample-images should hold at least 6 scored films")

        // The table, for the test log and the README.
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        print(pad("film", 28) + " truth detectable found(det)  FP  area-err  label (expected)")
        for s in scores {
            let median = s.areaErrors.isEmpty ? "-" : String(format: "%.0f %%", Self.median(s.areaErrors) * 100)
            print(pad(s.film, 28) + String(format: " %5d %10d %5d(%3d) %3d  ", s.truth, s.detectable, s.found, s.foundDetectable, s.falsePositives)
                  + pad(median, 8) + "  \(s.label) (\(s.expectedLabel))")
        }
        let detectable = scores.reduce(0) { $0 + $1.detectable }
        let foundDetectable = scores.reduce(0) { $0 + $1.foundDetectable }
        let truthTotal = scores.reduce(0) { $0 + $1.truth }, foundTotal = scores.reduce(0) { $0 + $1.found }
        let clean = scores.filter { $0.truth == 0 }
        let cleanFP = Double(clean.reduce(0) { $0 + $1.falsePositives }) / Double(max(1, clean.count))
        let allFP = Double(scores.reduce(0) { $0 + $1.falsePositives }) / Double(max(1, scores.count))
        let areaErrors = scores.flatMap(\.areaErrors)
        let sensitivity = Double(foundDetectable) / Double(max(1, detectable))
        print(String(format: "sensitivity (peak SNR ≥ %.0f): %.3f (%d/%d); all deposits: %.3f (%d/%d)",
                     Self.detectableSNR, sensitivity, foundDetectable, detectable,
                     Double(foundTotal) / Double(max(1, truthTotal)), foundTotal, truthTotal))
        print(String(format: "false positives per deposit-free film: %.2f over %d films; per film overall: %.2f", cleanFP, clean.count, allFP))
        print(String(format: "median relative area error (deposits ≥ 2 mm²): %.3f over %d deposits",
                     areaErrors.isEmpty ? .nan : Self.median(areaErrors), areaErrors.count))

        // Regression guards at the measured values with a margin (the deposit classifier was not
        // trained on these films: its phantoms have seeds 601–624). Measured with the shipped
        // model: sensitivity 0.875, 0 false positives on the deposit-free films and 0.08 overall,
        // median area error 0.112 (last round's model: 0.847, 0, 0, 0.105; the phantom-fitted
        // detector before it: 0.93, 0, 0.15, 0.14).
        XCTAssertGreaterThanOrEqual(clean.count, 2, "need deposit-free films with bone")
        XCTAssertGreaterThan(detectable, 30, "too few detectable deposits to measure sensitivity")
        XCTAssertGreaterThanOrEqual(sensitivity, 0.80)
        XCTAssertLessThanOrEqual(cleanFP, 0.2)
        XCTAssertLessThanOrEqual(allFP, 0.16)   // 2 false positives on 13 films
        XCTAssertFalse(areaErrors.isEmpty)
        XCTAssertLessThanOrEqual(Self.median(areaErrors), 0.15)
        for s in scores { XCTAssertEqual(s.label, s.expectedLabel, "distribution of \(s.film)") }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
    }
}
