import Classification
import Detection
import Radiography

/// The result for one film, as every writer and the overlay see it: nothing here refers to
/// pixels except the deposit label image, which only the overlay reads.
public struct FilmReport: Sendable {
    public enum Status: String, Sendable, Codable {
        case ok
        case error
    }

    public var file: String
    public var status: Status
    /// The problem, for `status == .error`.
    public var error: String?
    public var format: ImageFormat?
    public var width: Int?
    public var height: Int?
    public var spacing: PixelSpacing?
    public var spacingSource: SpacingSource?
    /// The pixel spacing (mm) that the distribution's mm figures (span, clusters, metrics) were
    /// computed at when the film states none: the detector's assumed spacing, reported so that
    /// no mm figure passes for a measurement. Nil when the film's own (or the user's) was used.
    public var assumedSpacingMM: Double?
    public var deposits: [DepositReport]
    public var distribution: DistributionAssessment?
    /// Imaged body (soft tissue and bone) in pixels.
    public var bodyAreaPx: Int?
    /// Robust noise σ of the smoothed film in sample units.
    public var noiseSigma: Double?
    /// Seconds per stage, in pipeline order, when timings were asked for.
    public var timings: [(stage: String, seconds: Double)]
    /// Ranked clinical subtypes, when clinical facts were given and one record matched the film
    /// (see `attachClinical`); nil otherwise.
    public var clinical: ClinicalAssessment?
    /// The deposit classifier that accepted the deposits (name and version), nil without one.
    public var classifierModel: String?
    /// Header values the decoder ignored as implausible (`Radiograph.warnings`): printed on
    /// standard error by `detect`, not part of the JSON, JSONL or CSV.
    public var warnings: [String] = []

    public init(file: String, status: Status, error: String? = nil, format: ImageFormat? = nil,
                width: Int? = nil, height: Int? = nil, spacing: PixelSpacing? = nil,
                spacingSource: SpacingSource? = nil, deposits: [DepositReport] = [],
                distribution: DistributionAssessment? = nil, bodyAreaPx: Int? = nil,
                noiseSigma: Double? = nil, timings: [(stage: String, seconds: Double)] = [],
                clinical: ClinicalAssessment? = nil) {
        self.file = file
        self.status = status
        self.error = error
        self.format = format
        self.width = width
        self.height = height
        self.spacing = spacing
        self.spacingSource = spacingSource
        self.deposits = deposits
        self.distribution = distribution
        self.bodyAreaPx = bodyAreaPx
        self.noiseSigma = noiseSigma
        self.timings = timings
        self.clinical = clinical
    }

    /// A film that could not be read or analysed.
    public static func failure(file: String, error: String) -> FilmReport {
        FilmReport(file: file, status: .error, error: error)
    }

    /// A film that was analysed.
    public init(file: String, radiograph: Radiograph, detection: DetectionResult,
                distribution: DistributionAssessment) {
        let spacing = radiograph.spacing
        self.init(
            file: file, status: .ok, format: radiograph.format,
            width: radiograph.width, height: radiograph.height,
            spacing: spacing, spacingSource: radiograph.spacingSource,
            deposits: detection.deposits.map { DepositReport($0, spacing: spacing) },
            distribution: distribution, bodyAreaPx: detection.body.bodyAreaPx,
            noiseSigma: detection.noiseSigma)
    }

    public var depositCount: Int { deposits.count }
    public var totalAreaPx: Int { deposits.reduce(0) { $0 + $1.areaPx } }
    /// nil when the spacing is unknown: an area in pixels is not an area in mm².
    public var totalAreaMM2: Double? { spacing.map { Double(totalAreaPx) * $0.pixelArea } }
    public var largestAreaPx: Int? { deposits.map(\.areaPx).max() }
    public var largestAreaMM2: Double? {
        guard let spacing, let largest = largestAreaPx else { return nil }
        return Double(largest) * spacing.pixelArea
    }
    public var bodyAreaMM2: Double? {
        guard let spacing, let body = bodyAreaPx else { return nil }
        return Double(body) * spacing.pixelArea
    }
}

/// One deposit as reported: pixel measures always, mm² when the spacing is known.
public struct DepositReport: Sendable, Equatable {
    public var id: Int
    public var areaPx: Int
    public var areaMM2: Double?
    /// [x, y] in pixels: x = column, origin at the centre of the top-left pixel.
    public var centroidX: Double
    public var centroidY: Double
    public var bbox: PixelBox
    public var mean: Double
    public var peak: Int
    public var contrast: Double
    public var peakSNR: Double
    /// The deposit classifier's confidence, 0–1 (nil when detect ran without a classifier).
    public var score: Double?

    public init(_ deposit: Deposit, spacing: PixelSpacing?) {
        id = deposit.id
        areaPx = deposit.areaPx
        areaMM2 = spacing.map { Double(deposit.areaPx) * $0.pixelArea }
        centroidX = deposit.centroidX
        centroidY = deposit.centroidY
        bbox = deposit.bbox
        mean = deposit.mean
        peak = deposit.peak
        contrast = deposit.contrast
        peakSNR = deposit.peakSNR
        score = deposit.score
    }
}
