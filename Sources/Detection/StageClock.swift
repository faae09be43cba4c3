import Dispatch

/// Wall-clock seconds per stage, for `--timings` and the benchmarks: the detector's stages
/// (`DepositDetector.Stage`) and the pipeline's around them (decode, classify, overlay).
/// Timing only: never part of a result's meaning.
public struct StageClock: Sendable {
    private var last = DispatchTime.now().uptimeNanoseconds
    /// Each stage once, in the order declared, then first charged.
    public private(set) var laps: [(stage: String, seconds: Double)]

    /// `stages` start at 0 s in this order, so a stage that was charged nothing still shows.
    public init(stages: [String] = []) {
        laps = stages.map { ($0, 0) }
    }

    /// Charges the time since the previous lap (or since `init` or `record`) to `stage`: added
    /// to it when it is already there (a stage entered twice), else a new lap at the end.
    public mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = Double(now &- last) / 1e9
        if let index = laps.firstIndex(where: { $0.stage == stage }) {
            laps[index].seconds += seconds
        } else {
            laps.append((stage, seconds))
        }
        last = now
    }

    /// Appends stages timed elsewhere (the detector's) and restarts the lap from now, so the
    /// next lap does not count them again.
    public mutating func record(_ stages: [(stage: String, seconds: Double)]) {
        laps.append(contentsOf: stages)
        last = DispatchTime.now().uptimeNanoseconds
    }
}
