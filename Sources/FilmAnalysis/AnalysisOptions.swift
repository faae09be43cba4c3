import Classification
import Detection
import Radiography

/// How to read and analyse a film: the detector's and the distribution classifier's settings,
/// the decoder's limits, a pixel spacing to impose and the frame of a multi-frame film. The
/// defaults are what `detect` uses without options.
public struct AnalysisOptions: Sendable {
    public var detection = DetectionParameters()
    public var distribution = DistributionClassifier()
    /// Bounds on what a file may make the decoder allocate (`analyze(contentsOf:)` only).
    public var limits = DecodeLimits.standard
    /// Replaces whatever spacing the film says (`spacing_source` becomes `user`).
    public var spacingOverride: PixelSpacing?
    /// 1-based frame of a multi-frame DICOM (`analyze(contentsOf:)` only; PNG and JPEG have one).
    public var frame = 1

    public init() {}
}
