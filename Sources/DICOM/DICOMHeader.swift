import Radiography

/// The header attributes `detect info` prints, read without touching the pixels: as the file
/// states them (no defaults filled in), nil when absent.
///
/// Reads every transfer syntax whose data set it can parse — including those whose pixels it
/// refuses (JPEG 2000, JPEG-LS, …), so a user can see what a refused file is — and files without
/// Pixel Data. Malformed values of the attributes read (a Rows of 3 bytes, a Decimal String
/// that is not a number) are errors, as in `decode`.
public struct DICOMHeader: Sendable, Equatable {
    /// Transfer Syntax UID (0002,0010), or the syntax inferred for a file without meta group.
    public var transferSyntaxUID: String
    /// The syntax's name from PS3.6 ("Explicit VR Little Endian").
    public var transferSyntaxName: String
    /// True when the meta group names the syntax, false when it was inferred from the data set.
    public var transferSyntaxIsStated: Bool
    /// True when this reader decodes the pixels of this syntax.
    public var transferSyntaxIsReadable: Bool
    /// True when the data set is in implicit VR although the transfer syntax says explicit
    /// (a writer's error; the file is read as it is written).
    public var dataSetIsImplicitDespiteSyntax: Bool
    public var sopClassUID: String?
    public var modality: String?
    public var patientID: String?
    public var rows: Int?
    public var columns: Int?
    public var numberOfFrames: Int?
    public var samplesPerPixel: Int?
    public var photometricInterpretation: String?
    public var bitsAllocated: Int?
    public var bitsStored: Int?
    public var highBit: Int?
    public var pixelRepresentation: Int?
    public var planarConfiguration: Int?
    public var rescaleSlope: Double?
    public var rescaleIntercept: Double?
    /// Every value (DICOM allows several windows).
    public var windowCenter: [Double]?
    public var windowWidth: [Double]?
    /// `[row, column]` in mm, as stored (row spacing first).
    public var pixelSpacing: [Double]?
    public var imagerPixelSpacing: [Double]?
    public var hasPixelData: Bool

    /// Where the pixel spacing used for measurement comes from, as `DICOMDecoder.decode`
    /// chooses: Pixel Spacing when in `PixelSpacing.plausibleRangeMM`, else Imager Pixel
    /// Spacing; `.ignoredImplausible` when one is present but neither is plausible.
    public var spacingSource: SpacingSource {
        func spacing(_ v: [Double]?) -> PixelSpacing? {
            guard let v, let first = v.first else { return nil }
            let s = PixelSpacing(row: first, column: v.count >= 2 ? v[1] : first)
            return s.isPlausible ? s : nil
        }
        return PixelSpacing.choose([spacing(pixelSpacing).map { ("Pixel Spacing", $0, .pixelSpacing) },
                                    spacing(imagerPixelSpacing).map { ("Imager Pixel Spacing", $0, .imagerPixelSpacing) }]
            .compactMap { $0 }).source
    }

    public static func read(_ bytes: [UInt8], limits: DecodeLimits = .standard) throws -> DICOMHeader {
        let file = try ParsedFile(bytes, limits: limits)
        let ds = file.dataSet
        func int(_ tag: Tag) throws -> Int? { try ds.unsigned16(tag).map(Int.init) }
        return DICOMHeader(
            transferSyntaxUID: file.syntax.uid, transferSyntaxName: file.syntax.name,
            transferSyntaxIsStated: file.syntaxIsStated, transferSyntaxIsReadable: file.syntax.isReadable,
            dataSetIsImplicitDespiteSyntax: file.implicitDespiteSyntax,
            sopClassUID: ds.text(.sopClassUID), modality: ds.text(.modality), patientID: ds.text(.patientID),
            rows: try int(.rows), columns: try int(.columns), numberOfFrames: try ds.integer(.numberOfFrames),
            samplesPerPixel: try int(.samplesPerPixel), photometricInterpretation: ds.text(.photometricInterpretation),
            bitsAllocated: try int(.bitsAllocated), bitsStored: try int(.bitsStored), highBit: try int(.highBit),
            pixelRepresentation: try int(.pixelRepresentation), planarConfiguration: try int(.planarConfiguration),
            rescaleSlope: try ds.decimals(.rescaleSlope)?.first, rescaleIntercept: try ds.decimals(.rescaleIntercept)?.first,
            windowCenter: try ds.decimals(.windowCenter), windowWidth: try ds.decimals(.windowWidth),
            pixelSpacing: try ds.decimals(.pixelSpacing), imagerPixelSpacing: try ds.decimals(.imagerPixelSpacing),
            hasPixelData: ds[.pixelData] != nil)
    }
}
