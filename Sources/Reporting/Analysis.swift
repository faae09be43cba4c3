import Classification
import Detection
import Radiography

/// One film analysed: the film as decoded, what the detector found on it and the distribution
/// label with its figures. What `analyze` returns to a Swift caller, and what a `FilmReport` of
/// an analysed film holds for the writers.
public struct Analysis: Sendable {
    /// The film as decoded (with any spacing the caller imposed): its size, spacing and source,
    /// format and the decoder's warnings. The overlay reads its pixels.
    public var film: Radiograph
    public var detection: DetectionResult
    public var distribution: DistributionAssessment
    /// The deposit classifier that accepted the deposits ("name version"), nil without one.
    public var classifierModel: String?
    /// Wall-clock seconds per stage, in pipeline order (`decode` when the film was read from a
    /// file, the detector's stages, `classify`). Timing only: never part of the result's meaning.
    public var timings: [(stage: String, seconds: Double)]
    /// The pixel spacing (mm) that the distribution's mm figures (span, clusters, metrics) were
    /// computed at when the film states none: the detector's assumed spacing, reported so that
    /// no mm figure passes for a measurement. Nil when the film's own (or the user's) was used.
    public var assumedSpacingMM: Double?

    public init(film: Radiograph, detection: DetectionResult, distribution: DistributionAssessment,
                classifierModel: String? = nil, timings: [(stage: String, seconds: Double)] = [],
                assumedSpacingMM: Double? = nil) {
        self.film = film
        self.detection = detection
        self.distribution = distribution
        self.classifierModel = classifierModel
        self.timings = timings
        self.assumedSpacingMM = assumedSpacingMM
    }

    /// The accepted deposits, numbered 1…n in raster order of their first pixel.
    public var deposits: [Deposit] { detection.deposits }
    /// What the decoder read leniently or ignored as implausible, one line each.
    public var warnings: [String] { film.warnings }
}
