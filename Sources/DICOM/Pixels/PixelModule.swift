import Radiography

/// The Image Pixel module attributes (PS3.3 C.7.6.3) plus the few others that decide how the
/// samples become a Radiograph, read and checked before any pixel is touched.
///
/// Colour films (RGB, YBR_FULL, YBR_FULL_422: scanned or secondary-capture radiographs) are read as their
/// luminance. Refused for films: other colour models (palette, …), signed colour, Bits
/// Allocated other than 8 or 16, float pixel data. Read for stored values (`detect convert`),
/// which need only the layout: any photometric interpretation and Bits Allocated 1 and 32 too. Lenient where old writers are sloppy and
/// the answer is unambiguous: Samples per Pixel, Photometric Interpretation, Bits Stored,
/// High Bit, Pixel Representation and Planar Configuration default to 1, MONOCHROME2, Bits
/// Allocated, Bits Stored − 1, 0 and 0.
struct PixelModule: Sendable {
    enum Photometric: Sendable { case monochrome1, monochrome2, rgb, ybrFull, ybrFull422, palette, other }
    /// What the module is read for: a film needs a luminance, stored values need only a layout.
    enum Purpose: Sendable { case radiograph, storedValues }

    let rows: Int
    let columns: Int
    let bitsAllocated: Int
    /// Replaced by a JPEG 2000 / JPEG-LS codestream's precision (`adopting(bitsStored:)`).
    private(set) var bitsStored: Int
    private(set) var highBit: Int
    let isSigned: Bool
    let photometric: Photometric
    /// As written (padding removed), or the default the reader assumed.
    let photometricName: String
    /// 1 for grayscale, 3 for colour.
    let samplesPerPixel: Int
    /// Colour only: samples stored as three planes (RRR…GGG…BBB) rather than interleaved.
    let isPlanar: Bool
    let numberOfFrames: Int
    /// Rescale Slope/Intercept when the file has either (the other then defaults to 1 or 0).
    let rescale: LinearRescale?
    /// First Window Center/Width pair, in modality units, when both are present and usable.
    let window: DisplayWindow?
    let pixelSpacing: PixelSpacing?
    let imagerPixelSpacing: PixelSpacing?

    var bytesPerSample: Int { bitsAllocated / 8 }
    var bytesPerPixel: Int { samplesPerPixel * bytesPerSample }

    /// `codec` decides whether JPEG 2000's YBR_ICT and YBR_RCT are valid (they are nowhere else).
    init(_ ds: DataSet, limits: DecodeLimits, purpose: Purpose = .radiograph, codec: TransferSyntax.PixelCodec = .native) throws {
        guard let rows = try ds.unsigned16(.rows) else { throw Self.missing(.rows) }
        guard let columns = try ds.unsigned16(.columns) else { throw Self.missing(.columns) }
        do {
            try limits.checkDimensions(width: Int(columns), height: Int(rows))
        } catch let error as FilmError {
            throw error.prefixed("DICOM: ")
        }
        self.rows = Int(rows)
        self.columns = Int(columns)

        samplesPerPixel = Int(try ds.unsigned16(.samplesPerPixel) ?? 1)
        let name = ds.text(.photometricInterpretation) ?? (samplesPerPixel == 3 ? "RGB" : "MONOCHROME2")
        photometricName = name
        switch (samplesPerPixel, name) {
        case (1, "MONOCHROME1"): photometric = .monochrome1
        case (1, "MONOCHROME2"): photometric = .monochrome2
        case (3, "RGB"): photometric = .rgb
        case (3, "YBR_FULL"): photometric = .ybrFull
        case (3, "YBR_FULL_422"): photometric = .ybrFull422
        // JPEG 2000's colour transforms: OpenJPEG undoes them, so the decoded samples are RGB
        // (pydicom 3 reads them as RGB too).
        case (3, "YBR_ICT") where codec == .jpeg2000 || codec == .htj2k,
             (3, "YBR_RCT") where codec == .jpeg2000 || codec == .htj2k:
            photometric = .rgb
        case (1, "PALETTE COLOR") where purpose == .storedValues: photometric = .palette
        case (1, _) where purpose == .storedValues, (3, _) where purpose == .storedValues: photometric = .other
        case (1, _), (3, _):
            throw FilmError(.unsupported, "DICOM: Photometric Interpretation \(name) with \(samplesPerPixel) sample\(samplesPerPixel == 1 ? "" : "s") per pixel is not supported: read are MONOCHROME1, MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422")
        default:
            throw FilmError(.unsupported, "DICOM: Samples per Pixel is \(samplesPerPixel); only 1 (grayscale) and 3 (colour) are read")
        }
        switch try ds.unsigned16(.planarConfiguration) ?? 0 {
        case 0: isPlanar = false
        case 1: isPlanar = samplesPerPixel == 3
        case let other: throw FilmError(.malformed, "DICOM: Planar Configuration \(other) is neither 0 (interleaved) nor 1 (planes)")
        }

        guard let allocated = try ds.unsigned16(.bitsAllocated) else { throw Self.missing(.bitsAllocated) }
        if purpose == .storedValues {
            guard [1, 8, 16, 32].contains(allocated) else {
                throw FilmError(.unsupported, "DICOM: Bits Allocated \(allocated) is not supported: 1, 8, 16 and 32 are read")
            }
            guard allocated != 1 || samplesPerPixel == 1 else {
                throw FilmError(.unsupported, "DICOM: 1-bit colour pixel data is not supported")
            }
        } else if allocated != 8 && allocated != 16 {
            throw FilmError(.unsupported, "DICOM: Bits Allocated \(allocated) is not supported: only 8 and 16 are read for a film")
        }
        bitsAllocated = Int(allocated)
        bitsStored = Int(try ds.unsigned16(.bitsStored) ?? allocated)
        guard (1...bitsAllocated).contains(bitsStored) else {
            throw FilmError(.malformed, "DICOM: Bits Stored \(bitsStored) does not fit in Bits Allocated \(bitsAllocated)")
        }
        highBit = Int(try ds.unsigned16(.highBit) ?? UInt16(bitsStored - 1))
        guard highBit >= bitsStored - 1, highBit < bitsAllocated else {
            throw FilmError(.malformed, "DICOM: High Bit \(highBit) is impossible with Bits Stored \(bitsStored) and Bits Allocated \(bitsAllocated)")
        }
        switch try ds.unsigned16(.pixelRepresentation) ?? 0 {
        case 0: isSigned = false
        case 1: isSigned = true
        case let other: throw FilmError(.malformed, "DICOM: Pixel Representation \(other) is neither 0 (unsigned) nor 1 (signed)")
        }
        guard !(isSigned && samplesPerPixel == 3) || purpose == .storedValues else {
            throw FilmError(.unsupported, "DICOM: signed colour pixel data is not supported")
        }

        let frames = try ds.integer(.numberOfFrames) ?? 1
        guard frames >= 1 else {
            throw FilmError(.malformed, "DICOM: Number of Frames is \(frames)")
        }
        numberOfFrames = frames

        var warnings: [String] = []
        // Unreadable (not a number, or beyond ±1.8e308) reads as NaN: present, and implausible.
        let slope = Self.firstDecimal(ds, .rescaleSlope), intercept = Self.firstDecimal(ds, .rescaleIntercept)
        if slope != nil || intercept != nil {
            let s = slope ?? 1, i = intercept ?? 0
            guard s != 0 else {
                throw FilmError(.malformed, "DICOM: Rescale Slope is 0, which maps every pixel to the same value")
            }
            if Self.plausibleSlopeMagnitude.contains(abs(s)), abs(i) <= Self.plausibleInterceptMagnitude {
                rescale = LinearRescale(slope: s, intercept: i)
            } else {
                warnings.append("Rescale Slope \(s) / Intercept \(i) is outside the plausible |slope| 1e-6–1e6, |intercept| ≤ 1e9: ignored (no rescale, no inversion from its sign)")
                rescale = nil
            }
        } else {
            rescale = nil
        }

        // A window is a display hint: an unreadable or absurd one is dropped rather than failing the film.
        if let c = (try? ds.decimals(.windowCenter))??.first, let w = (try? ds.decimals(.windowWidth))??.first, w > 0 {
            if abs(c) <= Self.plausibleWindowMagnitude, w <= Self.plausibleWindowMagnitude {
                window = DisplayWindow(center: c, width: w)
            } else {
                warnings.append("Window Center \(c) / Width \(w) is outside the plausible ±1e9: ignored")
                window = nil
            }
        } else {
            window = nil
        }
        pixelSpacing = Self.spacing(ds, .pixelSpacing)
        imagerPixelSpacing = Self.spacing(ds, .imagerPixelSpacing)
        self.warnings = warnings
    }

    /// The same module with Bits Stored `bits` and High Bit `bits − 1` (samples aligned at bit 0),
    /// for frames whose codestream states its own precision (see `CodestreamFrame`).
    func adopting(bitsStored bits: Int) -> PixelModule {
        var copy = self
        copy.bitsStored = bits
        copy.highBit = bits - 1
        return copy
    }

    /// Rescale Slope magnitudes taken at their word. Radiographs store 1 (or a detector gain near
    /// it); a slope beyond 1e6 or below 1e-6 makes modality values of 1e10 or steps of 1e-6 from
    /// 16-bit samples, which no modality produces: it is a writer's error, not a calibration.
    static let plausibleSlopeMagnitude: ClosedRange<Double> = 1e-6...1e6
    /// Largest Rescale Intercept magnitude taken at its word (CT uses −1024, PET 0).
    static let plausibleInterceptMagnitude = 1e9
    /// Largest Window Center / Width magnitude kept (in modality units).
    static let plausibleWindowMagnitude = 1e9

    /// Header values found implausible and ignored (rescale, window), one line each.
    let warnings: [String]

    /// The spacing to use, where it came from and the warnings for the implausible values
    /// ignored: Pixel Spacing when in `PixelSpacing.plausibleRangeMM`, else Imager Pixel Spacing
    /// (detector plane). Never mixed: if both are present and plausible, Pixel Spacing wins
    /// because a CR/DX writer that fills it has calibrated (or copied) it deliberately.
    var chosenSpacing: SpacingChoice {
        PixelSpacing.choose([pixelSpacing.map { ("Pixel Spacing", $0, .pixelSpacing) },
                             imagerPixelSpacing.map { ("Imager Pixel Spacing", $0, .imagerPixelSpacing) }].compactMap { $0 })
    }

    /// `row\column` in mm (row spacing first, PS3.3 10.7.1.3); one value means isotropic.
    /// As the file states it, plausible or not (`chosenSpacing` decides); an unreadable value
    /// is NaN, so that it is reported as ignored rather than silently absent.
    private static func spacing(_ ds: DataSet, _ tag: Tag) -> PixelSpacing? {
        guard ds[tag] != nil else { return nil }
        guard let values = (try? ds.decimals(tag)) ?? nil else { return PixelSpacing(isotropic: .nan) }
        guard let first = values.first else { return nil }
        return values.count >= 2 ? PixelSpacing(row: first, column: values[1]) : PixelSpacing(isotropic: first)
    }

    /// The first Decimal String value; NaN when present but unreadable, nil when absent or empty.
    private static func firstDecimal(_ ds: DataSet, _ tag: Tag) -> Double? {
        guard ds[tag] != nil else { return nil }
        guard let values = (try? ds.decimals(tag)) ?? nil else { return .nan }
        return values.first
    }

    private static func missing(_ tag: Tag) -> FilmError {
        FilmError(.malformed, "DICOM: \(ElementDictionary.label(tag)) is missing")
    }
}
