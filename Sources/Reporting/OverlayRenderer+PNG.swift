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
        let rgb = render(radiograph: radiograph, report: report, labels: labels)
        let spacing = radiograph.spacing.flatMap { $0.isPlausible ? $0 : nil }
        let png = try PNGEncoder.encode(rgb: rgb, width: radiograph.width, height: radiograph.height,
                                        spacing: spacing)
        try AtomicFile.write(png, to: path)
    }
}
