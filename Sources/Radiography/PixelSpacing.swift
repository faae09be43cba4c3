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
    /// has no usable spacing at all.
    public var isPlausible: Bool { row.isFinite && column.isFinite && row > 0 && column > 0 }
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
}
