/// Which DICOM attribute carries a phantom's pixel spacing, so the sample set exercises both
/// ways real projection films record it (and films with none).
public enum DICOMSpacingTag: String, Sendable, CaseIterable, Codable {
    /// Imager Pixel Spacing (0018,1164): at the detector plane, the usual attribute on DX/CR.
    case imagerPixelSpacing = "imager"
    /// Pixel Spacing (0028,0030).
    case pixelSpacing = "pixel"
    /// Both attributes, with the same value (magnification 1).
    case both
    /// Neither: the reader must report the spacing as unknown.
    case none
}
