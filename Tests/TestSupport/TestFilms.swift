import DICOM
import ImageIO
import Radiography

/// Small valid films written by the project's own encoders, with samples that all differ (a
/// ramp), so that a wrong decode shows.
public enum TestFilms {
    public static func ramp(width: Int, height: Int, maximum: Int) -> [UInt16] {
        (0..<(width * height)).map { UInt16(($0 * 37 + 11) % (maximum + 1)) }
    }

    public static func dicom(width: Int = 8, height: Int = 6, syntax: DICOMFilm.Syntax = .explicitLittle,
                             photometric: DICOMFilm.Photometric = .monochrome2) -> [UInt8] {
        DICOMEncoder.encode(DICOMFilm(width: width, height: height, storedValues: ramp(width: width, height: height, maximum: 4095), bitsStored: 12,
                                      photometric: photometric, syntax: syntax, pixelSpacing: PixelSpacing(isotropic: 0.1)))
    }

    public static func png(width: Int = 8, height: Int = 6, bitDepth: Int = 8) throws -> [UInt8] {
        try PNGEncoder.encode(gray: ramp(width: width, height: height, maximum: (1 << bitDepth) - 1),
                              width: width, height: height, bitDepth: bitDepth, spacing: PixelSpacing(isotropic: 0.2))
    }

    public static func jpeg(width: Int = 16, height: Int = 16) throws -> [UInt8] {
        try JPEGEncoder.encode(gray: ramp(width: width, height: height, maximum: 255).map { UInt8($0) },
                               width: width, height: height, quality: 90)
    }
}
