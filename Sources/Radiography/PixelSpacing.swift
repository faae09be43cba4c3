/// Physical distance between pixel centres in millimetres.
///
/// DICOM order: `row` is the distance between adjacent rows (the vertical spacing), `column`
/// the distance between adjacent columns (horizontal). Viewers have shipped bugs by swapping
/// them; keep this order everywhere, including the `[row, column]` pair in reports.
public struct PixelSpacing: Sendable, Equatable {
    public var row: Double
    public var column: Double

    public init(row: Double, column: Double) {
        self.row = row
        self.column = column
    }

    /// Same spacing both ways.
    public init(isotropic mm: Double) {
        self.init(row: mm, column: mm)
    }

    /// Area of one pixel in mm².
    public var pixelArea: Double { row * column }

    /// The mean of both directions, for converting isotropic lengths (mm) to pixels.
    public var mean: Double { (row + column) / 2 }

    /// True when both values are finite and positive; a film with 0 or negative spacing
    /// has no usable spacing at all. Says nothing about whether a film could have it: see
    /// `isInPlausibleRange`.
    public var isPlausible: Bool { row.isFinite && column.isFinite && row > 0 && column > 0 }

    /// Pixel spacings a projection radiograph can have, in mm: detectors and digitised films run
    /// from ~0.025 mm (mammography, high-resolution digitisers) to ~1 mm (a film scanned at
    /// 25 dpi); 0.01–5 mm leaves a margin on both sides. Outside it a value is a writer's error
    /// (a unit slip, a placeholder such as 1e-9), and taking it at its word would make every
    /// mm-sized filter millions of pixels wide.
    public static let plausibleRangeMM: ClosedRange<Double> = 0.01...5

    /// Both values inside `plausibleRangeMM` (so also finite and positive).
    public var isInPlausibleRange: Bool {
        Self.plausibleRangeMM.contains(row) && Self.plausibleRangeMM.contains(column)
    }

    /// `row\column` as a header writes it (one value when both are equal).
    public var description: String {
        row == column ? Self.format(row) : "\(Self.format(row))\\\(Self.format(column))"
    }

    /// Whole numbers without ".0" (5, not 5.0); everything else as Swift prints it (1e-09, 0.1).
    static func format(_ v: Double) -> String {
        v.isFinite && v == v.rounded() && abs(v) < 1e15 ? "\(Int(v))" : "\(v)"
    }

    /// The first candidate in `plausibleRangeMM`, in the caller's order of preference, with a
    /// warning for each one before it that was present but implausible. When candidates were
    /// present and none is plausible, the spacing is nil and the source `.ignoredImplausible`,
    /// so that a report says the file's value was seen and refused rather than absent.
    public static func choose(_ candidates: [(name: String, spacing: PixelSpacing, source: SpacingSource)]) -> SpacingChoice {
        var warnings: [String] = []
        for candidate in candidates {
            if candidate.spacing.isInPlausibleRange {
                return SpacingChoice(spacing: candidate.spacing, source: candidate.source, warnings: warnings)
            }
            warnings.append("\(candidate.name) \(candidate.spacing.description) mm is outside the plausible \(format(plausibleRangeMM.lowerBound))–\(format(plausibleRangeMM.upperBound)) mm for a radiograph: ignored")
        }
        if warnings.isEmpty { return SpacingChoice(spacing: nil, source: .unknown, warnings: []) }
        warnings[warnings.count - 1] += "; areas in pixels only"
        return SpacingChoice(spacing: nil, source: .ignoredImplausible, warnings: warnings)
    }
}

/// What `PixelSpacing.choose` decided for one film.
public struct SpacingChoice: Sendable, Equatable {
    public var spacing: PixelSpacing?
    public var source: SpacingSource
    /// One line per implausible value ignored, without the file name.
    public var warnings: [String]

    public init(spacing: PixelSpacing?, source: SpacingSource, warnings: [String]) {
        self.spacing = spacing
        self.source = source
        self.warnings = warnings
    }
}

/// Where a film's pixel spacing came from, reported with every result.
public enum SpacingSource: String, Sendable, Codable, CaseIterable {
    /// DICOM Pixel Spacing (0028,0030).
    case pixelSpacing = "pixel_spacing"
    /// DICOM Imager Pixel Spacing (0018,1164): at the detector plane, not corrected for
    /// magnification.
    case imagerPixelSpacing = "imager_pixel_spacing"
    /// PNG `pHYs` chunk in pixels per metre.
    case pngPhysicalUnits = "png_phys"
    /// `--pixel-spacing` on the command line, which overrides the file.
    case user
    /// None known: areas are reported in pixels only.
    case unknown
    /// The file states a spacing outside `PixelSpacing.plausibleRangeMM`; it was ignored and
    /// areas are reported in pixels only (a warning names the value).
    case ignoredImplausible = "ignored_implausible"
}
