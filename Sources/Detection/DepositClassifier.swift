import Dispatch
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
    /// The second stage, when the model has one: trees over each candidate's features, its
    /// first-stage score and the first-stage scores of the candidates around it
    /// (`contextFeatures`). The operating point then applies to the second stage's score.
    public var context: ContextStage?

    /// A second stage's trees and the score levels its neighbour counts use.
    public struct ContextStage: Sendable, Equatable {
        public var features: [String]
        /// Neighbours scoring at least `strong` (first stage) are counted within 5 and 15 mm,
        /// those scoring at least `some` within 15 mm.
        public var strong: Double
        public var some: Double
        public var baseline: Double
        public var trees: [Tree]
    }

    /// The context features, in the order the second stage reads them after the candidate's own
    /// features: its first-stage score; within 5 mm, how many other candidates score at least
    /// `strong`, the best of them and the mean of the (up to) three best; within 15 mm, how many
    /// score at least `strong` and at least `some`, and the best. Distances between centroids in
    /// mm; "within r" is dx² + dy² ≤ r². A calcification cluster is several fairly convincing
    /// candidates close together; a stray false candidate mostly stands alone.
    public static let contextFeatureNames = ["stage1_score", "strong_neighbours_5mm", "best_neighbour_5mm", "top3_neighbours_5mm",
                                             "strong_neighbours_15mm", "some_neighbours_15mm", "best_neighbour_15mm"]

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
            func readTrees(_ json: ModelJSON) throws -> [Tree] {
                try json.array("trees").map { tree in
                    Tree(feature: try tree.integers("feature"), threshold: try tree.doubles("threshold"), left: try tree.integers("left"),
                         right: try tree.integers("right"), missingLeft: try tree.bools("missing_left"), value: try tree.doubles("value"))
                }
            }
            trees = try readTrees(root)
            if case .object(let object) = root, let stage = object["context"] {
                context = ContextStage(features: try stage.strings("features"), strong: try stage.double("strong"),
                                       some: try stage.double("some"), baseline: try stage.double("baseline"), trees: try readTrees(stage))
            } else {
                context = nil
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
        try Self.check(trees, featureCount: features.count, stage: "")
        if let context {
            guard context.features == Self.contextFeatureNames else {
                throw LoadError.featureMismatch(expected: Self.contextFeatureNames, found: context.features)
            }
            guard context.baseline.isFinite, (0...1).contains(context.strong), (0...1).contains(context.some) else {
                throw LoadError.unreadable("context stage: baseline or score levels out of range")
            }
            try Self.check(context.trees, featureCount: features.count + context.features.count, stage: "context stage ")
        }
    }

    /// Every tree's shape: arrays of one length, children in range and after their parent (so
    /// evaluation ends), features in range, finite leaf values.
    static func check(_ trees: [Tree], featureCount: Int, stage: String) throws {
        for (k, tree) in trees.enumerated() {
            let n = tree.feature.count
            guard n > 0, [tree.threshold.count, tree.left.count, tree.right.count, tree.missingLeft.count, tree.value.count].allSatisfy({ $0 == n })
            else { throw LoadError.malformedTree(k, "\(stage)has arrays of different lengths") }
            for node in 0..<n where tree.feature[node] >= 0 {
                guard tree.feature[node] < featureCount, tree.left[node] > node, tree.left[node] < n,
                      tree.right[node] > node, tree.right[node] < n, !tree.threshold[node].isNaN
                else { throw LoadError.malformedTree(k, "\(stage)node \(node) points outside the tree") }
            }
            guard tree.value.allSatisfy(\.isFinite) else { throw LoadError.malformedTree(k, "\(stage)has a value that is not finite") }
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

    /// The first stage's log-odds for one feature vector.
    public func decision(_ x: [Double]) -> Double {
        Self.decision(trees, baseline: baseline, x)
    }

    static func decision(_ trees: [Tree], baseline: Double, _ x: [Double]) -> Double {
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

    static func probability(_ logOdds: Double) -> Double { 1 / (1 + exp(-logOdds)) }

    /// The first stage's probability that the candidate is a deposit, 0…1.
    public func score(_ x: [Double]) -> Double {
        Self.probability(decision(x))
    }

    /// The second stage's log-odds for a feature vector already extended by its context
    /// features (the first stage's when the model has no second stage).
    public func contextDecision(_ extended: [Double]) -> Double {
        guard let context else { return decision(extended) }
        return Self.decision(context.trees, baseline: context.baseline, extended)
    }

    /// The final scores of one film's candidates (each row its features, `positionsMM` its
    /// centroid in mm): the first stage's, or with a second stage, the second's over the
    /// features and the context of every candidate's first-stage score.
    public func scores(_ rows: [[Double]], positionsMM: [(x: Double, y: Double)]) -> [Double] {
        precondition(rows.count == positionsMM.count)
        let first = Self.concurrentMap(rows.count) { score(rows[$0]) }
        guard let context else { return first }
        let around = Self.contextFeatures(positionsMM: positionsMM, scores: first, strong: context.strong, some: context.some)
        return Self.concurrentMap(rows.count) { Self.probability(Self.decision(context.trees, baseline: context.baseline, rows[$0] + around[$0])) }
    }

    /// `(0..<count).map(transform)` in `ParallelBands` of at least 64 candidates: each
    /// candidate's score is its own sum over the trees, so the bands change the speed, never the
    /// values.
    private static func concurrentMap(_ count: Int, _ transform: (Int) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            ParallelBands.run(count, minimumBand: 64) { band in
                for k in band { out[k] = transform(k) }
            }
        }
        return out
    }

    /// `contextFeatureNames` for every candidate of one film. Neighbours are found through a
    /// grid of 15 mm buckets, so the cost stays near linear in the number of candidates.
    public static func contextFeatures(positionsMM: [(x: Double, y: Double)], scores: [Double],
                                       strong: Double, some: Double) -> [[Double]] {
        let near = 5.0, far = 15.0
        var buckets: [Int64: [Int]] = [:]
        func key(_ x: Double, _ y: Double) -> (Int64, Int64) {
            // Bounded, so that no position can trap the conversion (positions are film pixels × spacing).
            func cell(_ v: Double) -> Int64 { Int64(max(-1e12, min(1e12, (v / far).rounded(.down)))) }
            return (cell(x), cell(y))
        }
        for (i, p) in positionsMM.enumerated() {
            let (bx, by) = key(p.x, p.y)
            buckets[bx << 32 | (by & 0xFFFF_FFFF), default: []].append(i)
        }
        return positionsMM.indices.map { i in
            let p = positionsMM[i]
            let (bx, by) = key(p.x, p.y)
            var strongNear = 0.0, bestNear = 0.0, top: [Double] = [], anyNear = false
            var strongFar = 0.0, someFar = 0.0, bestFar = 0.0, anyFar = false
            for ox in Int64(-1)...1 {
                for oy in Int64(-1)...1 {
                    for j in buckets[(bx + ox) << 32 | ((by + oy) & 0xFFFF_FFFF)] ?? [] where j != i {
                        let dx = p.x - positionsMM[j].x, dy = p.y - positionsMM[j].y
                        let d2 = dx * dx + dy * dy
                        guard d2 <= far * far else { continue }
                        let s = scores[j]
                        bestFar = anyFar ? max(bestFar, s) : s
                        anyFar = true
                        if s >= strong { strongFar += 1 }
                        if s >= some { someFar += 1 }
                        guard d2 <= near * near else { continue }
                        bestNear = anyNear ? max(bestNear, s) : s
                        anyNear = true
                        if s >= strong { strongNear += 1 }
                        top.append(s)
                    }
                }
            }
            top.sort(by: >)
            let best3 = top.prefix(3)
            let topMean = best3.isEmpty ? 0 : best3.reduce(0, +) / Double(best3.count)
            return [scores[i], strongNear, bestNear, topMean, strongFar, someFar, bestFar]
        }
    }
}
