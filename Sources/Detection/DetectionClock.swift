import Dispatch

/// Wall-clock seconds spent in each stage of `DepositDetector.detect`, for `--timings` and the
/// benchmarks.
///
/// - background: the 3×3 smoothing, noise map, anatomy map and the box means of both scales;
/// - threshold: local contrast, clutter σ, significance, the search region and the candidate mask;
/// - label: the hysteresis labelling (with peak contrast per component) and the outline mask;
/// - measure: the labelling of the outlines with every deposit's statistics, the size filter
///   and the renumbering.
struct DetectionClock {
    enum Stage: Int, CaseIterable {
        case background, threshold, label, measure
        var name: String { ["background", "threshold", "label", "measure"][rawValue] }
    }
    private var last = DispatchTime.now().uptimeNanoseconds
    private var seconds = [Double](repeating: 0, count: Stage.allCases.count)

    /// Charges the time since the previous lap to `stage`.
    mutating func lap(_ stage: Stage) {
        let now = DispatchTime.now().uptimeNanoseconds
        seconds[stage.rawValue] += Double(now &- last) / 1e9
        last = now
    }

    var stages: [(stage: String, seconds: Double)] { Stage.allCases.map { ($0.name, seconds[$0.rawValue]) } }
}
