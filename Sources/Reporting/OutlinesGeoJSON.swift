import Detection
import ImageIO
import Radiography

/// The deposits' outlines as a GeoJSON FeatureCollection (RFC 7946; `--outlines`): one Feature
/// per deposit, in id order, a Polygon along its pixels' edges (`DepositOutline`: pixel
/// coordinates, origin at the top-left corner of the film, x = column; the outer ring
/// counter-clockwise by the numbers and closed, holes after it clockwise), so its area is
/// `area_px` exactly.
///
/// `properties`: the deposit's `id`, and for QuPath 0.4 or later (File › Import objects from
/// file) `objectType` `detection`, a `name`, a `classification` (`name` and a 3-number `color`)
/// and `measurements`: every other numeric column of the deposits CSV (`area_px`, `score`,
/// `centroid_x_mm`, `perimeter_mm`, …; unknown values left out) as a list of `{"name", "value"}`,
/// the form QuPath 0.3 wrote and later versions still read, and the one napari-geojson reads
/// (its 0.1.6 reader fails on QuPath 0.4's object form). No key twice: napari-geojson gathers
/// the measurements and the other properties into one table of columns. No Feature `id`: QuPath
/// takes that for a UUID.
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
        properties.int("id", deposit.id)
        properties.string("objectType", "detection")
        properties.string("name", "deposit \(deposit.id)")
        properties.raw("classification", "{\"name\":\(JSONObjectText.quoted(className)),\"color\":[255,0,255]}")
        var measurements: [String] = []
        for column in ReportSchema.depositFields.flatMap(\.csv) where column.name != "id" {
            if let value = column.number(deposit) {
                measurements.append("{\"name\":\(JSONObjectText.quoted(column.name)),\"value\":\(value)}")
            }
        }
        properties.raw("measurements", "[" + measurements.joined(separator: ",") + "]")
        return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" + rings.joined(separator: ",")
            + "]},\"properties\":" + properties.result + "}"
    }

    /// Writes the document atomically at `path`.
    public static func write(_ film: AnalysedFilm, to path: String) throws {
        try AtomicFile.write(document(film), to: path)
    }
}
