import DICOM
import Foundation
import ImageIO
import Radiography

/// Writes a phantom film and its truth to files, each atomically (a failed write leaves no
/// partial file).
///
/// - `NAME.png`: 16-bit gray, the 12-bit values unchanged, spacing in `pHYs`.
/// - `NAME.jpg`: 8-bit gray, windowed (0.5th–99.5th percentile of the unsaturated values),
///   quality 92. Lossy and rescaled: its values are not the truth's film units.
/// - `NAME.dcm`: DX, 12 bits stored in 16, MONOCHROME2 as is or MONOCHROME1 as 4095 − v, the
///   chosen transfer syntax and spacing attribute, the same window as VOI LUT.
/// - `truth/NAME.truth.json` (sorted keys, snake_case) and `truth/NAME.mask.png` (16-bit label mask with
///   `pHYs`): always.
public enum PhantomWriter {
    public static let jpegQuality = 92

    /// Writes the asked formats plus truth and mask into `directory` (created if missing) and
    /// returns the paths written, in that order. Errors name the file that failed.
    public static func write(_ film: PhantomFilm, to directory: String, name: String,
                             formats: [ImageFormat], dicom: DICOMFilm.Photometric = .monochrome2,
                             dicomSyntax: DICOMFilm.Syntax = .explicitLittle,
                             dicomSpacingTag: DICOMSpacingTag = .imagerPixelSpacing) throws -> [String] {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw FilmError(.malformed, "phantom name \"\(name)\" is not a plain file name")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FilmError(.io, "\(directory): cannot create the folder")
        }
        let radiograph = film.radiograph
        let width = radiograph.width, height = radiograph.height
        let base = (directory as NSString).appendingPathComponent(name)
        let window = FilmWindow(radiograph.pixels, ceiling: radiograph.maximumValue)
        var written: [String] = []

        func save(_ path: String, _ bytes: () throws -> [UInt8]) throws {
            do {
                try AtomicFile.write(try bytes(), to: path)
            } catch let error as FilmError {
                throw error.prefixed("\(path): ")
            } catch {
                throw FilmError(.io, "\(path): \(error)")
            }
            written.append(path)
        }

        for format in formats {
            switch format {
            case .png:
                try save(base + ".png") {
                    try PNGEncoder.encode(gray: radiograph.pixels, width: width, height: height, bitDepth: 16,
                                          spacing: radiograph.spacing)
                }
            case .jpeg:
                try save(base + ".jpg") {
                    try JPEGEncoder.encode(gray: window.eightBit(radiograph.pixels), width: width, height: height,
                                           quality: jpegQuality)
                }
            case .dicom:
                try save(base + ".dcm") {
                    let maximum = UInt16(radiograph.maximumValue)
                    let inverted = dicom == .monochrome1
                    let stored = inverted ? radiograph.pixels.map { maximum - min($0, maximum) } : radiograph.pixels
                    let spacing = radiograph.spacing
                    let center = inverted ? Double(maximum) - window.center : window.center
                    let film = DICOMFilm(
                        width: width, height: height, storedValues: stored, bitsStored: radiograph.bitsStored,
                        photometric: dicom, syntax: dicomSyntax, modality: "DX",
                        pixelSpacing: dicomSpacingTag == .pixelSpacing || dicomSpacingTag == .both ? spacing : nil,
                        imagerPixelSpacing: dicomSpacingTag == .imagerPixelSpacing || dicomSpacingTag == .both ? spacing : nil,
                        windowCenter: center, windowWidth: window.width, patientID: "PHANTOM-\(name)")
                    return DICOMEncoder.encode(film)
                }
            }
        }
        // Truth beside the films would be read as films by a folder run: it gets its own folder.
        let truthFolder = (directory as NSString).appendingPathComponent("truth")
        do {
            try FileManager.default.createDirectory(atPath: truthFolder, withIntermediateDirectories: true)
        } catch {
            throw FilmError(.io, "\(truthFolder): cannot create the folder")
        }
        let truthBase = (truthFolder as NSString).appendingPathComponent(name)
        try save(truthBase + ".mask.png") {
            try PNGEncoder.encode(gray: film.labelMask, width: width, height: height, bitDepth: 16, spacing: radiograph.spacing)
        }
        try save(truthBase + ".truth.json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            return Array(try encoder.encode(film.truth)) + [0x0A]
        }
        return written
    }
}
