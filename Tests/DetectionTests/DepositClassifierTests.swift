import Foundation
import XCTest
@testable import Detection

/// The Swift inference against the training side, and the model file's checks.
final class DepositClassifierTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `training/train.py` wrote this table with scikit-learn's own log-odds and probabilities
    /// for the model it shipped; the built-in model must reproduce them to 1e-6.
    func testSwiftInferenceEqualsTheTrainingSide() throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent("classifier-agreement.csv"), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        XCTAssertEqual(Array(header.prefix(CandidateFeatures.names.count)), CandidateFeatures.names)
        XCTAssertEqual(Array(header.suffix(2)), ["decision", "probability"])
        XCTAssertGreaterThanOrEqual(lines.count, 100, "the agreement table is too short to mean much")
        let model = DepositClassifier.standard
        XCTAssertGreaterThan(model.trees.count, 0, "the built-in model has no trees")
        var accepted = 0
        for line in lines {
            let values = line.split(separator: ",").map { Double($0)! }
            let x = Array(values.prefix(CandidateFeatures.names.count))
            let decision = values[values.count - 2], probability = values[values.count - 1]
            XCTAssertEqual(model.decision(x), decision, accuracy: 1e-6)
            XCTAssertEqual(model.score(x), probability, accuracy: 1e-6)
            if model.score(x) >= model.threshold { accepted += 1 }
        }
        // The table samples candidates of the fitting set, most of them anatomy: a model that
        // accepts everything or nothing is not the one trained.
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertLessThan(accepted, lines.count)
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
    }
}
