import Detection
import ImageIO
import Radiography

/// The deposits' outlines as a GeoJSON FeatureCollection (RFC 7946; `--outlines`): one Feature
/// per deposit, in id order, a Polygon along its pixels' edges (`DepositOutline`: pixel
/// coordinates, origin at the top-left corner of the film, x = column; the outer ring
/// counter-clockwise by the numbers and closed, holes after it clockwise), so its area is
/// `area_px` exactly.
///
/// `properties` holds the deposit's report fields under their JSON names (`id`, `score`,
/// `perimeter_mm`, …) and, for QuPath 0.4 or later (File › Import objects from file), `objectType`
/// `detection`, a `name`, a `classification` (`name` and a 3-number `color`) and `measurements`
/// as one object: the numeric CSV columns of the deposit (`area_px`, `centroid_x`,
/// `feret_max_mm`, …; unknown values left out). No Feature `id`: QuPath takes that for a UUID.
public enum OutlinesGeoJSON {
    /// The class QuPath shows the deposits under, in the overlay's magenta.
    static let className = "Calcification"

    /// The whole document, one feature a line.
    public static func document(_ film: AnalysedFilm) -> String {
        let labels = film.analysis.detection.labels
        var features: [String] = []
        labels.labels.withUnsafeBufferPointer { pixels in
            for (deposit, report) in zip(film.analysis.deposits, film.deposits) {
                let outline = DepositOutline(labels: pixels, width: labels.width, id: Int32(deposit.id), box: deposit.bbox)
                features.append(feature(outline, report))
            }
        }
        return "{\"type\":\"FeatureCollection\",\"features\":[\n" + features.joined(separator: ",\n") + "\n]}\n"
    }

    static func feature(_ outline: DepositOutline, _ deposit: DepositReport) -> String {
        let rings = outline.rings.map { ring in "[" + ring.map { "[\($0.x),\($0.y)]" }.joined(separator: ",") + "]" }
        var properties = JSONObjectText()
        for field in ReportSchema.depositFields { properties.raw(field.name, field.json(deposit)) }
        properties.string("objectType", "detection")
        properties.string("name", "deposit \(deposit.id)")
        properties.raw("classification", "{\"name\":\(JSONObjectText.quoted(className)),\"color\":[255,0,255]}")
        var measurements = JSONObjectText()
        for column in ReportSchema.depositFields.flatMap(\.csv) {
            let cell = column.cell(deposit)
            if let value = Double(cell), value.isFinite { measurements.raw(column.name, cell) }
        }
        properties.raw("measurements", measurements.result)
        return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" + rings.joined(separator: ",")
            + "]},\"properties\":" + properties.result + "}"
    }

    /// Writes the document atomically at `path`.
    public static func write(_ film: AnalysedFilm, to path: String) throws {
        try AtomicFile.write(document(film), to: path)
    }
}
