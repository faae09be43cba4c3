import Classification
import Detection
import Radiography

/// The result for one film: analysed, or failed with the reason. Every writer and the overlay
/// read it; nothing here refers to pixels except the analysis's film and label image, which
/// only the overlay reads.
public struct FilmReport: Sendable {
    public enum Outcome: Sendable {
        case ok(Analysis)
        case failed(FilmError)
    }

    public var file: String
    public var outcome: Outcome
    /// Ranked clinical subtypes, when clinical facts were given and one record matched the film
    /// (see `attachClinical`); nil otherwise, and always for a film that failed.
    public var clinical: ClinicalAssessment?

    /// A film that was analysed.
    public init(file: String, analysis: Analysis) {
        self.file = file
        outcome = .ok(analysis)
    }

    /// A film that could not be read or analysed.
    public static func failure(file: String, error: FilmError) -> FilmReport {
        FilmReport(file: file, outcome: .failed(error))
    }

    private init(file: String, outcome: Outcome) {
        self.file = file
        self.outcome = outcome
    }

    public var isOK: Bool { analysis != nil }

    public var analysis: Analysis? {
        if case .ok(let analysis) = outcome { return analysis }
        return nil
    }

    public var error: FilmError? {
        if case .failed(let error) = outcome { return error }
        return nil
    }

    /// The analysed film's figures as the writers read them; nil for a film that failed.
    public var analysed: AnalysedFilm? { try? analysedOrError.get() }

    /// `analysed`, or the error of a film that failed. Each call builds the figures again (every
    /// deposit's shape measures, a Feret diameter among them): a caller writing several formats
    /// takes it once.
    public var analysedOrError: Result<AnalysedFilm, FilmError> {
        switch outcome {
        case .ok(let analysis): .success(AnalysedFilm(file: file, analysis: analysis, clinical: clinical))
        case .failed(let error): .failure(error)
        }
    }

    /// Seconds per stage (empty for a film that failed).
    public var timings: [(stage: String, seconds: Double)] {
        get { analysis?.timings ?? [] }
        set {
            guard case .ok(var analysis) = outcome else { return }
            analysis.timings = newValue
            outcome = .ok(analysis)
        }
    }
}

/// An analysed film's report figures, each non-optional where an analysis always has it: what
/// the JSON, CSV and text writers, the error-free rows of `ReportSchema` and the overlay read.
public struct AnalysedFilm: Sendable {
    public var file: String
    public var analysis: Analysis
    public var clinical: ClinicalAssessment?
    /// The deposits as reported (mm² when the spacing is known).
    public var deposits: [DepositReport]

    public init(file: String, analysis: Analysis, clinical: ClinicalAssessment? = nil) {
        self.file = file
        self.analysis = analysis
        self.clinical = clinical
        deposits = analysis.deposits.map { DepositReport($0, spacing: analysis.film.spacing) }
    }

    public var format: ImageFormat { analysis.film.format }
    public var width: Int { analysis.film.width }
    public var height: Int { analysis.film.height }
    public var spacing: PixelSpacing? { analysis.film.spacing }
    public var spacingSource: SpacingSource { analysis.film.spacingSource }
    /// The spacing (mm) the distribution's mm figures were taken at when the film states none.
    public var assumedSpacingMM: Double? { analysis.assumedSpacingMM }
    public var distribution: DistributionAssessment { analysis.distribution }
    /// Imaged body (soft tissue and bone) in pixels.
    public var bodyAreaPx: Int { analysis.detection.body.bodyAreaPx }
    /// Robust noise σ of the smoothed film in sample units.
    public var noiseSigma: Double { analysis.detection.noiseSigma }
    public var classifierModel: String? { analysis.classifierModel }
    public var timings: [(stage: String, seconds: Double)] { analysis.timings }
    public var warnings: [String] { analysis.warnings }

    public var depositCount: Int { deposits.count }
    public var totalAreaPx: Int { deposits.reduce(0) { $0 + $1.areaPx } }
    /// nil when the spacing is unknown: an area in pixels is not an area in mm².
    public var totalAreaMM2: Double? { spacing.map { Double(totalAreaPx) * $0.pixelArea } }
    public var largestAreaPx: Int? { deposits.map(\.areaPx).max() }
    public var largestAreaMM2: Double? {
        guard let spacing, let largest = largestAreaPx else { return nil }
        return Double(largest) * spacing.pixelArea
    }
    public var bodyAreaMM2: Double? { spacing.map { Double(bodyAreaPx) * $0.pixelArea } }
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
    /// The ImageJ-style measures in mm; nil when the spacing is unknown (as `areaMM2`) or the
    /// deposit has no shape (made by hand).
    public var measuresMM: ShapeMeasures?
    /// The centroid in mm from the film's top-left corner (the outer corner of its top-left
    /// pixel, where ImageJ puts 0): (centroid + ½) × spacing; nil when the spacing is unknown.
    public var centroidXMM: Double?
    public var centroidYMM: Double?
    /// Circularity and angle have no unit: from the mm measures when the spacing is known,
    /// else from pixels taken as square.
    public var circularity: Double?
    public var angleDegrees: Double?

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
        if let spacing {
            centroidXMM = (deposit.centroidX + 0.5) * spacing.column
            centroidYMM = (deposit.centroidY + 0.5) * spacing.row
        }
        measuresMM = spacing.flatMap { spacing in deposit.shape?.measures(rowSpacing: spacing.row, columnSpacing: spacing.column) }
        let unitless = measuresMM ?? deposit.shape?.measures(rowSpacing: 1, columnSpacing: 1)
        circularity = unitless?.circularity
        angleDegrees = unitless?.angleDegrees
    }
}
