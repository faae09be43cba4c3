import Detection
import ImageIO
import Radiography

extension OverlayRenderer {
    /// Renders the overlay and writes it as an 8-bit RGB PNG at `path`, atomically: a failed
    /// write leaves no partial file and keeps any previous one. The film's spacing, when known,
    /// goes into the PNG's `pHYs` chunk so the overlay measures like the film in other viewers.
    ///
    /// Throws `FilmError` (without the path; the caller prefixes it) when encoding or writing fails.
    public static func write(radiograph: Radiograph, report: AnalysedFilm, labels: LabelImage,
                             to path: String) throws {
        try write(render(radiograph: radiograph, report: report, labels: labels), of: radiograph, to: path)
    }

    /// `write` with the overlay already rendered (`render`), for a caller that also puts it
    /// elsewhere (a DICOM Secondary Capture).
    public static func write(_ rgb: [UInt8], of radiograph: Radiograph, to path: String) throws {
        let spacing = radiograph.spacing.flatMap { $0.isPlausible ? $0 : nil }
        let png = try PNGEncoder.encode(rgb: rgb, width: radiograph.width, height: radiograph.height,
                                        spacing: spacing)
        try AtomicFile.write(png, to: path)
    }
}
