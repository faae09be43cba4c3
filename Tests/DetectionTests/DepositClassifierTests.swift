import Foundation
import XCTest
@testable import Detection

/// The Swift inference against the training side, and the model file's checks.
final class DepositClassifierTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `training/train.py` wrote this table with scikit-learn's own log-odds and probabilities
    /// for the model it shipped, for each stage; the built-in model must reproduce them to 1e-6.
    func testSwiftInferenceEqualsTheTrainingSide() throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("classifier-agreement.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let model = DepositClassifier.standard
        let inputs = CandidateFeatures.names + (model.context == nil ? [] : DepositClassifier.contextFeatureNames)
        XCTAssertEqual(Array(header.dropLast(4)), inputs)
        XCTAssertEqual(Array(header.suffix(4)), ["decision1", "probability1", "decision", "probability"])
        XCTAssertGreaterThanOrEqual(lines.count, 100, "the agreement table is too short to mean much")
        XCTAssertGreaterThan(model.trees.count, 0, "the built-in model has no trees")
        var accepted = 0
        for line in lines {
            let values = line.split(separator: ",").map { Double($0)! }
            let extended = Array(values.prefix(inputs.count))
            let x = Array(extended.prefix(CandidateFeatures.names.count))
            let n = values.count
            XCTAssertEqual(model.decision(x), values[n - 4], accuracy: 1e-6)
            XCTAssertEqual(model.score(x), values[n - 3], accuracy: 1e-6)
            let decision = model.contextDecision(extended)
            XCTAssertEqual(decision, values[n - 2], accuracy: 1e-6)
            XCTAssertEqual(DepositClassifier.probability(decision), values[n - 1], accuracy: 1e-6)
            if DepositClassifier.probability(decision) >= model.threshold { accepted += 1 }
        }
        // The table samples candidates of the fitting set, most of them anatomy: a model that
        // accepts everything or nothing is not the one trained.
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertLessThan(accepted, lines.count)
    }

    /// The second stage's context features, computed by the training side (numpy, all pairs) for
    /// the candidates of three films of the fitting set, and here (buckets): the same numbers.
    func testContextFeaturesEqualTheTrainingSide() throws {
        let model = DepositClassifier.standard
        guard let context = model.context else {
            throw XCTSkip("the built-in model has no context stage")
        }
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("classifier-context.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        XCTAssertEqual(lines.removeFirst(), (["film", "x_mm", "y_mm"] + DepositClassifier.contextFeatureNames).joined(separator: ","))
        var films: [Int: [[Double]]] = [:]
        for line in lines {
            let values = line.split(separator: ",").map { Double($0)! }
            films[Int(values[0]), default: []].append(Array(values.dropFirst()))
        }
        XCTAssertEqual(films.count, 3)
        var withNeighbours = 0
        for (_, rows) in films.sorted(by: { $0.key < $1.key }) {
            let got = DepositClassifier.contextFeatures(positionsMM: rows.map { ($0[0], $0[1]) }, scores: rows.map { $0[2] },
                                                        strong: context.strong, some: context.some)
            for (row, mine) in zip(rows, got) {
                let theirs = Array(row.dropFirst(2))
                for (k, (a, b)) in zip(mine, theirs).enumerated() {
                    XCTAssertEqual(a, b, accuracy: 1e-12, DepositClassifier.contextFeatureNames[k])
                }
                if theirs[5] > 0 { withNeighbours += 1 }
            }
        }
        XCTAssertGreaterThan(withNeighbours, 10, "the fixture must hold candidates with neighbours")
    }

    func testTheModelFileIsCheckedWhenLoaded() throws {
        let good = try JSONSerialization.jsonObject(with: Data(builtInDepositClassifierJSON.utf8)) as! [String: Any]
        func load(_ change: (inout [String: Any]) -> Void) -> Error? {
            var object = good
            change(&object)
            do {
                _ = try DepositClassifier(json: try JSONSerialization.data(withJSONObject: object))
                return nil
            } catch {
                return error
            }
        }
        XCTAssertNil(load { _ in })
        XCTAssertNotNil(load { $0["format"] = "detect-deposit-classifier/0" })
        XCTAssertNotNil(load { $0["features"] = Array(CandidateFeatures.names.reversed()) })
        XCTAssertNotNil(load { $0["threshold"] = 1.5 })
        XCTAssertNotNil(load { object in
            var trees = object["trees"] as! [[String: Any]]
            var tree = trees[0]
            var left = tree["left"] as! [Int]
            if let split = (tree["feature"] as! [Int]).firstIndex(where: { $0 >= 0 }) { left[split] = 0 }   // a loop back to the root
            tree["left"] = left
            trees[0] = tree
            object["trees"] = trees
        })
        XCTAssertThrowsError(try DepositClassifier(json: Data("not json".utf8)))
        // The second stage is checked the same way (when the model has one; without it the
        // model is a first stage alone, which must load too).
        XCTAssertNil(load { $0["context"] = nil })
        if good["context"] != nil {
            func changeContext(_ change: @escaping (inout [String: Any]) -> Void) -> Error? {
                load { object in
                    var context = object["context"] as! [String: Any]
                    change(&context)
                    object["context"] = context
                }
            }
            XCTAssertNotNil(changeContext { $0["features"] = Array(DepositClassifier.contextFeatureNames.dropLast()) })
            XCTAssertNotNil(changeContext { $0["strong"] = 2.0 })
            XCTAssertNotNil(changeContext { context in
                var trees = context["trees"] as! [[String: Any]]
                var tree = trees[0]
                var feature = tree["feature"] as! [Int]
                if let split = feature.firstIndex(where: { $0 >= 0 }) { feature[split] = CandidateFeatures.names.count + 7 }   // past the context features
                tree["feature"] = feature
                trees[0] = tree
                context["trees"] = trees
            })
        }
    }

    /// The model reader is our own (`ModelJSON`, for start-up speed): Foundation's JSONDecoder,
    /// an independent reader, must find the same model in the built-in file, to the bit.
    func testTheModelReaderAgreesWithFoundationsDecoder() throws {
        struct Tree: Decodable {
            var feature: [Int], threshold: [Double], left: [Int], right: [Int], value: [Double]
            var missing_left: [Bool]
        }
        struct Model: Decodable {
            var format: String, name: String, version: String, trained_on: String, features: [String]
            var baseline: Double, threshold: Double, threshold_reason: String, trees: [Tree]
        }
        let theirs = try JSONDecoder().decode(Model.self, from: Data(builtInDepositClassifierJSON.utf8))
        let ours = DepositClassifier.standard
        XCTAssertEqual(ours.name, theirs.name)
        XCTAssertEqual(ours.version, theirs.version)
        XCTAssertEqual(ours.trainedOn, theirs.trained_on)
        XCTAssertEqual(ours.thresholdReason, theirs.threshold_reason)
        XCTAssertEqual(ours.features, theirs.features)
        XCTAssertEqual(ours.baseline.bitPattern, theirs.baseline.bitPattern)
        XCTAssertEqual(ours.threshold.bitPattern, theirs.threshold.bitPattern)
        XCTAssertEqual(ours.trees.count, theirs.trees.count)
        for (a, b) in zip(ours.trees, theirs.trees) {
            XCTAssertEqual(a.feature, b.feature)
            XCTAssertEqual(a.left, b.left)
            XCTAssertEqual(a.right, b.right)
            XCTAssertEqual(a.missingLeft, b.missing_left)
            XCTAssertEqual(a.threshold.map(\.bitPattern), b.threshold.map(\.bitPattern))
            XCTAssertEqual(a.value.map(\.bitPattern), b.value.map(\.bitPattern))
        }
    }

    /// JSON's grammar, strictly: what JSONSerialization reads, ModelJSON reads the same; what is
    /// not JSON is refused with the byte where it went wrong, never a crash.
    func testTheModelReaderIsStrictJSON() throws {
        let good = [#"{"a": [1, -0.5, 2e3, 1E-2, 0], "b": "x\"\u00e9\ud83d\ude00\n", "c": [true, false, null], "d": {}}"#,
                    "[]", "  -0.0 ", #""\/""#, "[1.7976931348623157e308, 5e-324, 0.1, 123456789012345678901234567890]"]
        for text in good {
            let ours = try ModelJSON.parse(Array(text.utf8))
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            func same(_ a: ModelJSON, _ b: Any) -> Bool {
                switch a {
                case .object(let o):
                    guard let d = b as? [String: Any], d.count == o.count else { return false }
                    return o.allSatisfy { key, value in d[key].map { same(value, $0) } ?? false }
                case .array(let v):
                    guard let w = b as? [Any], w.count == v.count else { return false }
                    return zip(v, w).allSatisfy { same($0, $1) }
                case .number(let x): return (b as? NSNumber).map { $0.doubleValue.bitPattern == x.bitPattern || $0.doubleValue == x } ?? false
                case .string(let s): return b as? String == s
                case .bool(let v): return (b as? NSNumber).map { $0.boolValue == v } ?? false
                case .null: return b is NSNull
                }
            }
            XCTAssertTrue(same(ours, theirs), text)
        }
        let bad = ["", "{", "[1,]", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "{\"a\" 1}", "{\"a\":1,\"a\":2}", "\"\\x\"",
                   "\"\\ud83d\"", "\"\u{01}\"", "[1] 2", "tru", "nul", "[1e999]", "\"\\u12\"",
                   String(repeating: "[", count: 100) + String(repeating: "]", count: 100)]
        for text in bad {
            XCTAssertThrowsError(try ModelJSON.parse(Array(text.utf8)), text)
        }
    }
}
