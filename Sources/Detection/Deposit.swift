/// One radio-opaque deposit found on a film, measured in pixels and sample units.
///
/// Physical units (mm, mm²) are derived by the report from the film's spacing, so that a film
/// without spacing still has every measure in pixels.
public struct Deposit: Sendable, Equatable {
    /// 1-based; ids follow the raster order of each deposit's first pixel, so they are stable
    /// for a given film and parameters whatever the thread count.
    public var id: Int
    /// Pixels in the deposit (8-connected component of the detection mask).
    public var areaPx: Int
    public var bbox: PixelBox
    /// Centroid in pixel coordinates: x = column, y = row, origin at the centre of the
    /// top-left pixel.
    public var centroidX: Double
    public var centroidY: Double
    /// Mean and largest sample value over the deposit's pixels.
    public var mean: Double
    public var peak: Int
    /// Mean of (sample − local soft-tissue background) over the deposit, in sample units.
    public var contrast: Double
    /// How clearly it stands out: the largest significance over its pixels, each pixel's local
    /// contrast over max(local noise σ, the contrast measure's clutter σ) (`Candidates.scan`).
    public var peakSNR: Double
    /// The deposit classifier's confidence (0–1) that this is a deposit and not anatomy; nil when
    /// the detector ran without a classifier.
    public var score: Double?
    /// Its shape, for the ImageJ-style measures (perimeter, Feret, fitted ellipse); nil for a
    /// deposit made by hand rather than by the detector.
    public var shape: DepositShape?

    public init(id: Int, areaPx: Int, bbox: PixelBox, centroidX: Double, centroidY: Double,
                mean: Double, peak: Int, contrast: Double, peakSNR: Double, score: Double? = nil,
                shape: DepositShape? = nil) {
        self.score = score
        self.shape = shape
        self.id = id
        self.areaPx = areaPx
        self.bbox = bbox
        self.centroidX = centroidX
        self.centroidY = centroidY
        self.mean = mean
        self.peak = peak
        self.contrast = contrast
        self.peakSNR = peakSNR
    }
}

/// An axis-aligned box of whole pixels: `x`, `y` of the top-left pixel, `width`, `height`.
public struct PixelBox: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Per-pixel deposit ids: 0 outside deposits, `k` inside the deposit whose `id` is `k`.
public struct LabelImage: Sendable {
    public var width: Int
    public var height: Int
    public var labels: [Int32]
    public init(width: Int, height: Int, labels: [Int32]) {
        precondition(labels.count == width * height)
        self.width = width
        self.height = height
        self.labels = labels
    }
}

/// The imaged body (soft tissue and bone, not air, collimation or markers) on a coarse grid:
/// cell (cx, cy) covers pixels `[cx*cellSize, (cx+1)*cellSize) × [cy*cellSize, (cy+1)*cellSize)`.
public struct BodyMap: Sendable {
    public var cellSize: Int
    public var columns: Int
    public var rows: Int
    /// 1 where the cell is body, 0 elsewhere.
    public var cells: [UInt8]
    /// 1 where the cell is bone (a subset of body), 0 elsewhere.
    public var bone: [UInt8]
    public init(cellSize: Int, columns: Int, rows: Int, cells: [UInt8], bone: [UInt8]) {
        self.cellSize = cellSize
        self.columns = columns
        self.rows = rows
        self.cells = cells
        self.bone = bone
    }
    public func isBody(x: Double, y: Double) -> Bool {
        let cx = Int(x) / cellSize, cy = Int(y) / cellSize
        guard cx >= 0, cy >= 0, cx < columns, cy < rows else { return false }
        return cells[cy * columns + cx] != 0
    }
    /// Body area in film pixels (cells times the pixels each covers).
    public var bodyAreaPx: Int { cells.reduce(0) { $0 + Int($1) } * cellSize * cellSize }
}

/// Everything the detector found on one film.
public struct DetectionResult: Sendable {
    public var deposits: [Deposit]
    /// Each deposit's `CandidateFeatures` vector, when `DetectionParameters.keepsFeatures` asked for them.
    public var features: [[Double]]
    public var labels: LabelImage
    public var body: BodyMap
    /// Robust noise σ of the smoothed film, in sample units.
    public var noiseSigma: Double
    /// The pixel spacing (mm) the detector's scales used, and every mm figure made from this
    /// result must use: the film's mean spacing when plausible, else the assumed one
    /// (`DetectionParameters.spacingMM(for:)`). It travels with the deposits so that the
    /// distribution classifier cannot be handed a different one.
    public var spacingMM: Double
    /// Whether `spacingMM` is the assumed one (the film states no plausible spacing): its mm
    /// figures are then estimates, and what reports them says so.
    public var spacingIsAssumed: Bool
    /// Wall-clock seconds per detector stage, in pipeline order: background, threshold, label,
    /// measure (see `DepositDetector.Stage` for what each covers). Timing only: never part of a result's
    /// meaning, and the only thing that differs between two runs on the same film.
    public var stageSeconds: [(stage: String, seconds: Double)]
    public init(deposits: [Deposit], features: [[Double]] = [], labels: LabelImage, body: BodyMap, noiseSigma: Double,
                spacingMM: Double, spacingIsAssumed: Bool = false, stageSeconds: [(stage: String, seconds: Double)] = []) {
        self.deposits = deposits
        self.features = features
        self.labels = labels
        self.body = body
        self.noiseSigma = noiseSigma
        self.spacingMM = spacingMM
        self.spacingIsAssumed = spacingIsAssumed
        self.stageSeconds = stageSeconds
    }
}
