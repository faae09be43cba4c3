import Classification
import Detection
import Dispatch
import Radiography
import Reporting

/// One film end to end: read → decode → detect → classify → report (and overlay).
public struct FilmAnalyzer: Sendable {
    public var detection = DetectionParameters()
    public var distribution = DistributionClassifier()
    public var limits = DecodeLimits.standard
    /// `--pixel-spacing`: replaces whatever the file says.
    public var spacingOverride: PixelSpacing?
    public var frame = 1

    public init() {}

    /// Everything one film produced; the radiograph and labels are kept for the overlay.
    public struct Outcome: Sendable {
        public var report: FilmReport
        public var radiograph: Radiograph?
        public var labels: LabelImage?
    }

    /// Never throws: a film that cannot be read or analysed becomes an error report, so a batch
    /// goes on past it.
    public func analyze(path: String) -> Outcome {
        var clock = StageClock()
        let film: Radiograph
        do {
            var decoded = try FilmLoader.load(path: path, frame: frame, limits: limits)
            if let spacingOverride { decoded = decoded.withSpacing(spacingOverride, source: .user) }
            film = decoded
        } catch {
            return Outcome(report: .failure(file: path, error: "\(error)"), radiograph: nil, labels: nil)
        }
        clock.lap("decode")
        let found = DepositDetector.detect(film, parameters: detection)
        // The detector's own stages (background, threshold, label, measure) replace one "detect" lap.
        clock.record(found.stageSeconds)
        let spacingMM = detection.spacingMM(for: film)
        let assessment = distribution.assess(found, spacingMM: spacingMM)
        clock.lap("classify")
        var report = FilmReport(file: path, radiograph: film, detection: found, distribution: assessment)
        if film.spacing == nil {
            // Areas stay in pixels, but the distribution's figures are distances: say at what
            // spacing they were taken, wherever the reason is shown (JSON, CSV, text, overlay).
            report.assumedSpacingMM = spacingMM
            if report.distribution != nil, !found.deposits.isEmpty {
                report.distribution?.reason += " (mm at an assumed pixel spacing of \(String(format: "%g", spacingMM)) mm: the film states none)"
            }
        }
        report.timings = clock.laps
        report.warnings = film.warnings
        report.classifierModel = detection.classifier.map { "\($0.name) \($0.version)" }
        return Outcome(report: report, radiograph: film, labels: found.labels)
    }
}

/// Wall-clock seconds per stage.
public struct StageClock: Sendable {
    private var last = DispatchTime.now().uptimeNanoseconds
    public private(set) var laps: [(stage: String, seconds: Double)] = []
    public init() {}
    public mutating func lap(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((stage, Double(now - last) / 1e9))
        last = now
    }
    /// Appends stages timed elsewhere (the detector's) and restarts the lap from now, so the
    /// next lap does not count them again.
    public mutating func record(_ stages: [(stage: String, seconds: Double)]) {
        laps.append(contentsOf: stages)
        last = DispatchTime.now().uptimeNanoseconds
    }
}
