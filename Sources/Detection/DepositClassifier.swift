import Foundation

/// Tells deposits from anatomy: gradient-boosted trees over `CandidateFeatures`, trained by
/// `training/train.py` and shipped as `Model/DepositClassifierModel.swift` (the model's JSON in a
/// string literal, parsed at run time; any model file train.py writes can be given with `--model`).
///
/// The score is the model's probability that a candidate is a deposit:
/// σ(baseline + Σ leaf values), the trees being scikit-learn's `HistGradientBoostingClassifier`
/// (each split sends a value ≤ its threshold left, a missing value where the tree says). Swift
/// and the training side agree to 1e-6 on a committed feature table
/// (`Tests/DetectionTests/Fixtures/classifier-agreement.csv`).
public struct DepositClassifier: Sendable, Equatable {
    /// Format of the model file this code reads; a file of another format is refused.
    public static let format = "detect-deposit-classifier/1"

    public struct Tree: Sendable, Equatable {
        /// Per node: the feature tested (−1 at a leaf), its threshold, the children, whether a
        /// missing (NaN) value goes left, and the leaf's value.
        public var feature: [Int]
        public var threshold: [Double]
        public var left: [Int]
        public var right: [Int]
        public var missingLeft: [Bool]
        public var value: [Double]
    }

    /// Model identity for reports: `name` and `version` as the model file states them.
    public var name: String
    public var version: String
    /// What it was trained on, as the training script wrote it.
    public var trainedOn: String
    public var features: [String]
    public var baseline: Double
    public var trees: [Tree]
    /// The operating point chosen by the training script (a deposit is reported when its score
    /// is at least this), with the measurement that chose it.
    public var threshold: Double
    public var thresholdReason: String

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case wrongFormat(String)
        case featureMismatch(expected: [String], found: [String])
        case malformedTree(Int, String)

        public var description: String {
            switch self {
            case .unreadable(let why): return "deposit classifier model unreadable: \(why)"
            case .wrongFormat(let found): return "deposit classifier model has format \(found), this detect reads \(DepositClassifier.format)"
            case .featureMismatch(let expected, let found):
                return "deposit classifier model expects features \(found.joined(separator: ",")), this detect computes \(expected.joined(separator: ","))"
            case .malformedTree(let k, let why): return "deposit classifier model: tree \(k) \(why)"
            }
        }
    }

    /// Reads and checks a model file's JSON: format, feature names in `CandidateFeatures` order,
    /// and every tree's shape (children in range and after their parent, so evaluation ends).
    public init(json: Data) throws {
        let root: ModelJSON
        do {
            root = try ModelJSON.parse(json)
        } catch {
            throw LoadError.unreadable("\(error)")
        }
        do {
            let format = try root.string("format")
            guard format == Self.format else { throw LoadError.wrongFormat(format) }
            name = try root.string("name")
            version = try root.string("version")
            trainedOn = try root.string("trained_on")
            features = try root.strings("features")
            baseline = try root.double("baseline")
            threshold = try root.double("threshold")
            thresholdReason = try root.string("threshold_reason")
            trees = try root.array("trees").map { tree in
                Tree(feature: try tree.integers("feature"), threshold: try tree.doubles("threshold"), left: try tree.integers("left"),
                     right: try tree.integers("right"), missingLeft: try tree.bools("missing_left"), value: try tree.doubles("value"))
            }
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.unreadable("\(error)")
        }
        guard features == CandidateFeatures.names else {
            throw LoadError.featureMismatch(expected: CandidateFeatures.names, found: features)
        }
        guard baseline.isFinite, threshold.isFinite, (0...1).contains(threshold) else {
            throw LoadError.unreadable("baseline or threshold out of range")
        }
        for (k, tree) in trees.enumerated() {
            let n = tree.feature.count
            guard n > 0, [tree.threshold.count, tree.left.count, tree.right.count, tree.missingLeft.count, tree.value.count].allSatisfy({ $0 == n })
            else { throw LoadError.malformedTree(k, "has arrays of different lengths") }
            for node in 0..<n where tree.feature[node] >= 0 {
                guard tree.feature[node] < features.count, tree.left[node] > node, tree.left[node] < n,
                      tree.right[node] > node, tree.right[node] < n, !tree.threshold[node].isNaN
                else { throw LoadError.malformedTree(k, "node \(node) points outside the tree") }
            }
            guard tree.value.allSatisfy(\.isFinite) else { throw LoadError.malformedTree(k, "has a value that is not finite") }
        }
    }

    /// The model compiled into detect (`Sources/Detection/Model/DepositClassifierModel.swift`).
    public static let standard: DepositClassifier = {
        do {
            return try DepositClassifier(json: Data(builtInDepositClassifierJSON.utf8))
        } catch {
            fatalError("the built-in deposit classifier does not load: \(error)")
        }
    }()

    /// The model's log-odds for one feature vector.
    public func decision(_ x: [Double]) -> Double {
        var sum = baseline
        for tree in trees {
            var node = 0
            while tree.feature[node] >= 0 {
                let v = x[tree.feature[node]]
                let goLeft = v.isNaN ? tree.missingLeft[node] : v <= tree.threshold[node]
                node = goLeft ? tree.left[node] : tree.right[node]
            }
            sum += tree.value[node]
        }
        return sum
    }

    /// The probability that the candidate is a deposit, 0…1.
    public func score(_ x: [Double]) -> Double {
        1 / (1 + exp(-decision(x)))
    }
}
