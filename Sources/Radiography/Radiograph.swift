/// One film as every decoder delivers it and every later stage sees it.
///
/// Samples are row-major `UInt16` where a **larger value means more attenuation** (bone and
/// calcium bright, air dark): MONOCHROME1 films are already inverted, a negative modality slope
/// already flipped. Nothing downstream knows whether the pixels came from DICOM, PNG or JPEG.
///
/// The size, the samples and their bit depth are fixed when the value is made (`init` checks
/// that `pixels.count == width * height` and `bitsStored` is 1…16): the detector's unsafe kernels
/// index `pixels` by `width` and `height` without bounds checks and trust that promise. The
/// descriptive fields (spacing, window, warnings) stay settable.
public struct Radiograph: Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` samples, row-major, top row first. Values use the low `bitsStored` bits.
    public let pixels: [UInt16]
    /// Significant bits of `pixels` (1…16): the largest possible value is `(1 << bitsStored) - 1`.
    public let bitsStored: Int
    /// Physical size of a pixel, when the file or the user says it.
    public var spacing: PixelSpacing?
    public var spacingSource: SpacingSource
    public var format: ImageFormat
    /// Maps a sample to modality units (`slope * sample + intercept`), when the file defines
    /// them (DICOM Rescale Slope/Intercept, after any inversion). Identity otherwise.
    public var modalityRescale: LinearRescale
    /// The file's own display window in sample units, if it carries one.
    public var displayWindow: DisplayWindow?
    /// DICOM Patient ID (0010,0020), used to match clinical facts to films; nil for PNG/JPEG.
    public var patientID: String?
    /// Header values the decoder found implausible and ignored (a spacing of 1e-9 mm, a
    /// rescale slope of 1e300), one line each without the file name: the film is still analysed,
    /// and `detect` prints each line on standard error.
    public var warnings: [String] = []

    public init(
        width: Int, height: Int, pixels: [UInt16], bitsStored: Int,
        spacing: PixelSpacing? = nil, spacingSource: SpacingSource = .unknown,
        format: ImageFormat, modalityRescale: LinearRescale = .identity,
        displayWindow: DisplayWindow? = nil, patientID: String? = nil
    ) {
        precondition(width > 0 && height > 0 && pixels.count == width * height,
                     "Radiograph: \(pixels.count) samples for \(width)×\(height)")
        precondition((1...16).contains(bitsStored), "Radiograph: bitsStored \(bitsStored)")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.bitsStored = bitsStored
        self.spacing = spacing
        self.spacingSource = spacing == nil && spacingSource != .ignoredImplausible ? .unknown : spacingSource
        self.format = format
        self.modalityRescale = modalityRescale
        self.displayWindow = displayWindow
        self.patientID = patientID
    }

    /// The largest value a sample can take.
    public var maximumValue: Int { (1 << bitsStored) - 1 }

    /// Replaces the spacing, e.g. with the one the user gave on the command line.
    public func withSpacing(_ spacing: PixelSpacing, source: SpacingSource) -> Radiograph {
        var copy = self
        copy.spacing = spacing
        copy.spacingSource = source
        return copy
    }
}

/// The encoding a film arrived in, chosen from its magic bytes.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case dicom
    case png
    case jpeg
}

/// `value = slope * sample + intercept`.
public struct LinearRescale: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }
    public static let identity = LinearRescale(slope: 1, intercept: 0)
    public func apply(_ sample: Double) -> Double { slope * sample + intercept }
}

/// A display window (centre and width) in sample units, as DICOM defines it for linear VOI.
public struct DisplayWindow: Sendable, Equatable {
    public var center: Double
    public var width: Double
    public init(center: Double, width: Double) {
        self.center = center
        self.width = width
    }
}
