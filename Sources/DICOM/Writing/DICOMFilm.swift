import Radiography

/// A minimal single-frame grayscale film, as the phantom generator and the tests write it.
///
/// Values are kept exactly as they go into the file: `storedValues` are *not* inverted for
/// MONOCHROME1 and are written verbatim in 16 bits (bits above `bitsStored` included, which
/// lets tests plant garbage there). Pixel Representation is always 0 (unsigned).
public struct DICOMFilm: Sendable {
    public enum Photometric: String, Sendable { case monochrome1 = "MONOCHROME1", monochrome2 = "MONOCHROME2" }
    public enum Syntax: Sendable { case explicitLittle, implicitLittle }

    public var width: Int, height: Int
    /// Row-major, `width × height` values as stored in the file (NOT inverted).
    public var storedValues: [UInt16]
    /// 1…16; Bits Allocated is always 16 and High Bit is `bitsStored − 1`.
    public var bitsStored: Int
    public var photometric: Photometric
    public var syntax: Syntax
    /// "DX", "CR" or "MG"; decides the SOP Class.
    public var modality: String
    /// Pixel Spacing (0028,0030) in mm, row spacing first.
    public var pixelSpacing: PixelSpacing?
    /// Imager Pixel Spacing (0018,1164) in mm, row spacing first.
    public var imagerPixelSpacing: PixelSpacing?
    public var rescaleSlope: Double?, rescaleIntercept: Double?
    public var windowCenter: Double?, windowWidth: Double?
    /// Written as Patient ID and Patient Name and also seeds the film's UIDs, together with the
    /// pixels. Keep it to 64 ASCII characters without backslashes (LO/PN with the default
    /// character set).
    public var patientID: String

    public init(
        width: Int, height: Int, storedValues: [UInt16], bitsStored: Int = 16,
        photometric: Photometric = .monochrome2, syntax: Syntax = .explicitLittle,
        modality: String = "DX", pixelSpacing: PixelSpacing? = nil, imagerPixelSpacing: PixelSpacing? = nil,
        rescaleSlope: Double? = nil, rescaleIntercept: Double? = nil,
        windowCenter: Double? = nil, windowWidth: Double? = nil, patientID: String = "PHANTOM"
    ) {
        self.width = width
        self.height = height
        self.storedValues = storedValues
        self.bitsStored = bitsStored
        self.photometric = photometric
        self.syntax = syntax
        self.modality = modality
        self.pixelSpacing = pixelSpacing
        self.imagerPixelSpacing = imagerPixelSpacing
        self.rescaleSlope = rescaleSlope
        self.rescaleIntercept = rescaleIntercept
        self.windowCenter = windowCenter
        self.windowWidth = windowWidth
        self.patientID = patientID
    }
}
