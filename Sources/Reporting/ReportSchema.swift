import Classification
import Radiography

/// The report's fields, declared once and in order: each with its published name, unit and
/// meaning, its JSON value and its CSV columns. The JSON and JSONL objects, the per-film and
/// per-deposit CSV rows, the rows of a film that failed and the README's field tables are all
/// made from these lists, so adding a field is one entry here.
///
/// The names are a published contract (scripts read them): rename nothing.
public enum ReportSchema {
    /// One field of a film's report.
    public struct Field: Sendable {
        public let name: String
        public let unit: String
        public let meaning: String
        /// The JSON value (already JSON text) for a film that was analysed.
        let json: @Sendable (AnalysedFilm) -> String
        /// The JSON value for a film that failed (its path, its error): `null` unless the field
        /// says otherwise.
        let failedJSON: @Sendable (String, FilmError) -> String
        /// The CSV columns this field becomes (none: JSON only), each with its cell for an
        /// analysed film; a failed film's cells are empty unless `failedCSV` gives them.
        let csv: [Column]
        let failedCSV: (@Sendable (String, FilmError) -> [String])?

        public struct Column: Sendable {
            public let name: String
            let cell: @Sendable (AnalysedFilm) -> String
        }

        init(_ name: String, unit: String, _ meaning: String, json: @escaping @Sendable (AnalysedFilm) -> String,
             failedJSON: @escaping @Sendable (String, FilmError) -> String = { _, _ in "null" },
             csv: [Column] = [], failedCSV: (@Sendable (String, FilmError) -> [String])? = nil) {
            self.name = name
            self.unit = unit
            self.meaning = meaning
            self.json = json
            self.failedJSON = failedJSON
            self.csv = csv
            self.failedCSV = failedCSV
        }

        /// A field whose one CSV column has its name and the JSON value's text (quotes off).
        init(_ name: String, unit: String, _ meaning: String, scalar: @escaping @Sendable (AnalysedFilm) -> String?,
             quoted: Bool = false, failed: (@Sendable (String, FilmError) -> String?)? = nil) {
            @Sendable func literal(_ value: String?) -> String {
                guard let value else { return "null" }
                return quoted ? JSONObjectText.quoted(value) : value
            }
            let json: @Sendable (AnalysedFilm) -> String = { film in literal(scalar(film)) }
            let failedJSON: @Sendable (String, FilmError) -> String = { file, error in
                guard let failed else { return "null" }
                return literal(failed(file, error))
            }
            let cell: @Sendable (AnalysedFilm) -> String = { film in scalar(film) ?? "" }
            var failedCSV: (@Sendable (String, FilmError) -> [String])? = nil
            if let failed {
                failedCSV = { file, error in [failed(file, error) ?? ""] }
            }
            self.init(name, unit: unit, meaning, json: json, failedJSON: failedJSON,
                      csv: [Column(name: name, cell: cell)], failedCSV: failedCSV)
        }
    }

    /// One field of a deposit (a JSON deposit object, a row of the deposits CSV).
    public struct DepositField: Sendable {
        public let name: String
        public let unit: String
        public let meaning: String
        let json: @Sendable (DepositReport) -> String
        /// The deposits CSV columns; by default one, named as the key, the JSON value with
        /// null as an empty cell. Every one holds a number.
        let csv: [Column]
        /// The column of the terminal's deposit table, for the fields it shows (`textTable`).
        let text: TextColumn?

        public struct Column: Sendable {
            public let name: String
            /// The number as JSON writes it; nil when unknown (no spacing, no score).
            let number: @Sendable (DepositReport) -> String?

            /// The CSV cell: the number, or empty.
            func cell(_ deposit: DepositReport) -> String { number(deposit) ?? "" }
        }

        struct TextColumn: Sendable {
            let title: String
            /// Numbers right-aligned, coordinate groups left-aligned.
            let rightAligned: Bool
            /// Shown only when the film's spacing is known.
            let needsSpacing: Bool
            let cell: @Sendable (DepositReport) -> String
        }

        init(_ name: String, unit: String, _ meaning: String, json: @escaping @Sendable (DepositReport) -> String,
             csv: [Column]? = nil, text: TextColumn? = nil) {
            self.name = name
            self.unit = unit
            self.meaning = meaning
            self.json = json
            self.text = text
            self.csv = csv ?? [Column(name: name, number: { deposit in
                let value = json(deposit)
                return value == "null" ? nil : value
            })]
        }
    }

    private typealias D = Decimals

    /// Decimals per kind of quantity, shared by JSON, CSV and text.
    public enum Decimals {
        public static let areaMM2 = 4
        public static let centroid = 2
        public static let intensity = 2
        public static let score = 3
        public static let noise = 3
        public static let metric = 4
        public static let seconds = 4
        public static let lengthMM = 4
        public static let angle = 2
    }

    static func fixed(_ value: Double?, _ decimals: Int) -> String? {
        value.flatMap { NumberText.fixed($0, decimals: decimals) }
    }

    /// The per-film fields, in the order of the JSON keys.
    public static let filmFields: [Field] = identityFields + measuresFields + distributionFields + extrasFields

    private static let identityFields: [Field] = [
        Field("file", unit: "string", "the path as given", scalar: { $0.file }, quoted: true, failed: { file, _ in file }),
        Field("status", unit: "`ok` / `error`", "whether the film was analysed", scalar: { _ in "ok" }, quoted: true,
              failed: { _, _ in "error" }),
        Field("error", unit: "string or null", "what went wrong (`null` when ok)", scalar: { _ in nil }, quoted: true,
              failed: { _, error in error.description }),
        Field("format", unit: "`dicom` / `png` / `jpeg`", "the film's encoding, by content (never by name)",
              scalar: { $0.format.rawValue }, quoted: true),
        Field("width", unit: "px", "film width", scalar: { String($0.width) }),
        Field("height", unit: "px", "film height", scalar: { String($0.height) }),
        Field("pixel_spacing_mm", unit: "`[row, column]` mm, or null",
              "DICOM order: row (vertical) spacing first; as read, not rounded; CSV: `pixel_spacing_row_mm`, `pixel_spacing_col_mm`",
              json: { report in
                  report.spacing.map { "[" + (NumberText.shortest($0.row) ?? "null") + "," + (NumberText.shortest($0.column) ?? "null") + "]" } ?? "null"
              },
              csv: [Field.Column(name: "pixel_spacing_row_mm", cell: { $0.spacing.flatMap { NumberText.shortest($0.row) } ?? "" }),
                    Field.Column(name: "pixel_spacing_col_mm", cell: { $0.spacing.flatMap { NumberText.shortest($0.column) } ?? "" })]),
        Field("spacing_source", unit: "name",
              "`pixel_spacing` (DICOM 0028,0030), `imager_pixel_spacing` (0018,1164, detector plane), `png_phys` (PNG pHYs), `user` (given by the caller), `unknown`, `ignored_implausible` (the file's spacing is outside 0.01–5 mm or unreadable: ignored, with a warning; areas in pixels)",
              scalar: { $0.spacingSource.rawValue }, quoted: true),
        Field("assumed_spacing_mm", unit: "mm (4 decimals), or null",
              "the pixel spacing the distribution's mm figures (`span_mm`, clusters' `extent_mm` and `area_mm2`) were taken at when the film states none (the detector's default); null when the film's own or the user's spacing was used; JSON only",
              json: { fixed($0.assumedSpacingMM, D.metric) ?? "null" }),
        Field("deposit_count", unit: "count", "deposits found", scalar: { String($0.depositCount) }),
    ]

    private static let measuresFields: [Field] = [
        Field("total_area_px", unit: "px", "summed deposit area", scalar: { String($0.totalAreaPx) }),
        Field("total_area_mm2", unit: "mm² (4 decimals)", "summed deposit area; null when the spacing is unknown",
              scalar: { fixed($0.totalAreaMM2, D.areaMM2) }),
        Field("largest_area_px", unit: "px", "the largest deposit; null without deposits",
              scalar: { $0.largestAreaPx.map(String.init) }),
        Field("largest_area_mm2", unit: "mm² (4 decimals)", "the largest deposit", scalar: { fixed($0.largestAreaMM2, D.areaMM2) }),
        Field("body_area_px", unit: "px", "imaged body (soft tissue and bone)", scalar: { String($0.bodyAreaPx) }),
        Field("body_area_mm2", unit: "mm² (4 decimals)", "imaged body", scalar: { fixed($0.bodyAreaMM2, D.areaMM2) }),
        Field("noise_sigma", unit: "sample units (3 decimals)", "robust noise σ of the 3×3-smoothed film",
              scalar: { fixed($0.noiseSigma, D.noise) }),
        Field("classifier_model", unit: "string", "the deposit classifier that accepted the deposits (`deposit-classifier DATE`)",
              json: { $0.classifierModel.map(JSONObjectText.quoted) ?? "null" }),
    ]

    private static let distributionFields: [Field] = [
        Field("distribution", unit: "`none` / `circumscripta` / `universalis`", "the distribution label",
              scalar: { $0.distribution.label.rawValue }, quoted: true),
        Field("distribution_score", unit: "0–1 (3 decimals)", "0 (one spot) … 1 (spread over the whole imaged body); 0.5 is the boundary",
              scalar: { fixed($0.distribution.score, D.score) }),
        Field("distribution_reason", unit: "string", "the sentence with the figures that decided the label",
              scalar: { $0.distribution.reason }, quoted: true),
        Field("distribution_metrics", unit: "object name → number (4 decimals)",
              "those figures, in the classifier's order (`span_mm`, `hull_fraction`, `cluster_count`, …), each with its unit in its name: `_mm` mm, `_mm2` mm², `_fraction` and `_share` 0–1, `_count` a count, `universalis_strength` a ratio",
              json: { report in
                  var object = JSONObjectText()
                  for metric in report.distribution.metrics { object.number(metric.name, metric.value, decimals: D.metric) }
                  return object.result
              }),
        Field("distribution_clusters", unit: "list or null",
              "per cluster of deposits: `deposit_ids`, `area_mm2`, `extent_mm`, `centre` `[x, y]` px",
              json: { report in
                  guard let clusters = report.distribution.spread?.clusters else { return "null" }
                  return "[" + clusters.map(ReportWriter.clusterObject).joined(separator: ",") + "]"
              }),
        Field("clinical_match", unit: "`file path` / `file name` / `patient ID`, or null",
              "how the clinical record was found (with clinical facts)", json: { $0.clinical.map { JSONObjectText.quoted($0.matchedBy) } ?? "null" }),
    ]

    private static let extrasFields: [Field] = [
        Field("clinical_subtypes", unit: "list or null",
              "ranked subtypes (with clinical facts): `subtype`, `rank` (ties share), `score`, `rules`, `missing`; CSV: `clinical_subtype`, the rank-1 subtype (`a/b` on a tie)",
              json: { report in
                  report.clinical.map { "[" + $0.findings.map(ReportWriter.subtypeObject).joined(separator: ",") + "]" } ?? "null"
              },
              csv: [Field.Column(name: "clinical_subtype", cell: { $0.clinical?.top ?? "" })]),
        Field("timings_s", unit: "object stage → seconds (4 decimals), or null", "seconds per stage, when timings were asked for",
              json: { report in
                  guard !report.timings.isEmpty else { return "null" }
                  var object = JSONObjectText()
                  for timing in report.timings { object.number(timing.stage, timing.seconds, decimals: D.seconds) }
                  return object.result
              }),
        Field("warnings", unit: "list of strings",
              "what the decoder read leniently or ignored (a stray delimiter skipped, an implausible spacing or rescale ignored), one string each; `[]` when none; also printed on standard error",
              json: { ReportWriter.warningsArray($0.warnings) }, failedJSON: { _, _ in "[]" }),
        Field("deposits", unit: "list", "the deposits, with the fields below; `[]` for a film that failed",
              json: { "[" + $0.deposits.map(ReportWriter.depositObject).joined(separator: ",") + "]" }, failedJSON: { _, _ in "[]" }),
    ]

    /// The fields of each deposit, in the order of the JSON keys (the deposits CSV puts the
    /// film's `file` first).
    public static let depositFields: [DepositField] = depositPlaceFields + depositMeasureFields + depositShapeFields

    private static let depositPlaceFields: [DepositField] = [
        DepositField("id", unit: "1…n", "in raster order of the deposit's first pixel, as on the overlay", json: { String($0.id) },
                     text: .init(title: "id", rightAligned: true, needsSpacing: false, cell: { String($0.id) })),
        DepositField("area_px", unit: "px", "area", json: { String($0.areaPx) },
                     text: .init(title: "area px", rightAligned: true, needsSpacing: false, cell: { String($0.areaPx) })),
        DepositField("area_mm2", unit: "mm² (4 decimals)", "`area_px` × row spacing × column spacing; null when the spacing is unknown",
                     json: { fixed($0.areaMM2, D.areaMM2) ?? "null" },
                     text: .init(title: "area mm²", rightAligned: true, needsSpacing: true, cell: { fixed($0.areaMM2, 3) ?? "n/a" })),
        DepositField("centroid", unit: "`[x, y]` px (2 decimals)", "x = column, origin at the centre of the top-left pixel",
                     json: { JSONObjectText.array([$0.centroidX, $0.centroidY], decimals: D.centroid) },
                     csv: [.init(name: "centroid_x", number: { fixed($0.centroidX, D.centroid) }),
                           .init(name: "centroid_y", number: { fixed($0.centroidY, D.centroid) })],
                     text: .init(title: "centroid x, y", rightAligned: false, needsSpacing: false,
                                 cell: { (fixed($0.centroidX, 1) ?? "n/a") + ", " + (fixed($0.centroidY, 1) ?? "n/a") })),
        DepositField("bbox", unit: "`[x, y, width, height]` px", "bounding box: its top-left pixel, width and height",
                     json: { "[\($0.bbox.x),\($0.bbox.y),\($0.bbox.width),\($0.bbox.height)]" },
                     csv: [.init(name: "bbox_x", number: { String($0.bbox.x) }), .init(name: "bbox_y", number: { String($0.bbox.y) }),
                           .init(name: "bbox_width", number: { String($0.bbox.width) }), .init(name: "bbox_height", number: { String($0.bbox.height) })],
                     text: .init(title: "bbox x, y, w×h", rightAligned: false, needsSpacing: false,
                                 cell: { "\($0.bbox.x), \($0.bbox.y), \($0.bbox.width)×\($0.bbox.height)" })),
    ]

    private static let depositMeasureFields: [DepositField] = [
        DepositField("mean", unit: "sample units (2 decimals)", "mean sample value (larger = more attenuation)",
                     json: { fixed($0.mean, D.intensity) ?? "null" }),
        DepositField("peak", unit: "sample units", "largest sample value", json: { String($0.peak) }),
        DepositField("contrast", unit: "sample units (2 decimals)", "mean excess over the local soft-tissue background",
                     json: { fixed($0.contrast, D.intensity) ?? "null" },
                     text: .init(title: "contrast", rightAligned: true, needsSpacing: false, cell: { fixed($0.contrast, 1) ?? "n/a" })),
        DepositField("peak_snr", unit: "ratio, no unit (2 decimals)", "peak local contrast over the local noise σ",
                     json: { fixed($0.peakSNR, D.intensity) ?? "null" },
                     text: .init(title: "peak SNR", rightAligned: true, needsSpacing: false, cell: { fixed($0.peakSNR, 1) ?? "n/a" })),
        DepositField("score", unit: "0–1 (3 decimals)",
                     "the deposit classifier's confidence that this is a deposit and not anatomy (deposits are reported from the model's operating point up, or from `--min-score`)",
                     json: { fixed($0.score, D.score) ?? "null" },
                     text: .init(title: "score", rightAligned: true, needsSpacing: false, cell: { fixed($0.score, 2) ?? "n/a" })),
    ]

    /// ImageJ's Analyze Particles measures (scikit-image's `regionprops` definitions where it has
    /// one; `DepositShape` computes them), in mm as `area_mm2` is: null when the spacing is unknown.
    private static let depositShapeFields: [DepositField] = [
        DepositField("centroid_mm", unit: "`[x, y]` mm (4 decimals), or null",
                     "the centroid from the film's top-left corner (the outer corner of its top-left pixel, ImageJ's origin): (`centroid` + ½) × column, row spacing; null when the spacing is unknown",
                     json: { report in
                         guard let x = report.centroidXMM, let y = report.centroidYMM else { return "null" }
                         return JSONObjectText.array([x, y], decimals: D.lengthMM)
                     },
                     csv: [.init(name: "centroid_x_mm", number: { fixed($0.centroidXMM, D.lengthMM) }),
                           .init(name: "centroid_y_mm", number: { fixed($0.centroidYMM, D.lengthMM) })]),
        DepositField("perimeter_mm", unit: "mm (4 decimals), or null",
                     "scikit-image's `perimeter` (4-neighbourhood): the border pixels (a 4-neighbour outside), each weighted by its border neighbours (1 in a straight run, √2 at a diagonal step, (1 + √2)/2 at a corner), so about the length of the polygon through the border pixels' centres, shorter than ImageJ's outline of the pixel squares; × √(row × column spacing); null when the spacing is unknown",
                     json: { fixed($0.measuresMM?.perimeter, D.lengthMM) ?? "null" }),
        DepositField("circularity", unit: "0–1 (4 decimals), or null",
                     "4π × area / perimeter² (ImageJ's Circ.), clamped to 1 as ImageJ does (digitised discs measured 0.91–0.99, an ellipse 2.5 times as long as wide below 0.85); from pixels when the spacing is unknown; null when the perimeter is 0 (a deposit of one or two pixels)",
                     json: { fixed($0.circularity, D.metric) ?? "null" }),
        DepositField("feret_max_mm", unit: "mm (4 decimals), or null",
                     "Feret's largest diameter: the greatest distance between two midpoints of the pixel edges around the deposit's convex hull image (scikit-image's `feret_diameter_max`; ImageJ's Feret takes pixel corners, up to a pixel more); null when the spacing is unknown",
                     json: { fixed($0.measuresMM?.feretMax, D.lengthMM) ?? "null" }),
        DepositField("feret_min_mm", unit: "mm (4 decimals), or null",
                     "Feret's smallest diameter: the narrowest caliper width over the same convex hull (ImageJ's MinFeret, on those points); null when the spacing is unknown",
                     json: { fixed($0.measuresMM?.feretMin, D.lengthMM) ?? "null" }),
        DepositField("major_axis_mm", unit: "mm (4 decimals), or null",
                     "the major axis of the ellipse with the deposit's second central moments: 4√λ₁ of the covariance of its pixel centres (scikit-image's `axis_major_length`; ImageJ's Major also scales the ellipse to the area); null when the spacing is unknown",
                     json: { fixed($0.measuresMM?.majorAxis, D.lengthMM) ?? "null" }),
        DepositField("minor_axis_mm", unit: "mm (4 decimals), or null", "the minor axis, 4√λ₂ (scikit-image's `axis_minor_length`); null when the spacing is unknown",
                     json: { fixed($0.measuresMM?.minorAxis, D.lengthMM) ?? "null" }),
        DepositField("angle_deg", unit: "degrees 0–180 (2 decimals), or null",
                     "the major axis's direction, counter-clockwise on screen from the x axis (ImageJ's Angle; scikit-image's `orientation` in degrees + 90, modulo 180); 0 when the moments have no direction (a disc); from square pixels when the spacing is unknown",
                     json: { fixed($0.angleDegrees, D.angle) ?? "null" }),
        DepositField("equivalent_diameter_mm", unit: "mm (4 decimals), or null",
                     "the diameter of the disc of the same area, √(4 `area_mm2` / π) (scikit-image's `equivalent_diameter_area`); null when the spacing is unknown",
                     json: { fixed($0.measuresMM?.equivalentDiameter, D.lengthMM) ?? "null" }),
    ]

    /// The deposit fields the terminal's table shows, in its order (area in mm² first, where a
    /// person looks; mean and peak are left to JSON and CSV).
    static let textTable = ["id", "area_mm2", "area_px", "centroid", "bbox", "contrast", "peak_snr", "score"]

    /// The README's tables of film and deposit fields, generated from the lists above
    /// (`ReportSchemaTests` checks the README against it).
    public static var markdownTables: String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["| key | unit | meaning | CSV |", "|---|---|---|---|"]
        for field in filmFields {
            let csv = field.csv.isEmpty ? "—" : field.csv.map { "`\($0.name)`" }.joined(separator: ", ")
            lines.append("| `\(field.name)` | \(cell(field.unit)) | \(cell(field.meaning)) | \(csv) |")
        }
        lines += ["", "Each deposit (`deposits` in JSON, a row of `--deposits-csv` after the film's `file`):", "",
                  "| key | unit | meaning | CSV | terminal |", "|---|---|---|---|---|"]
        for field in depositFields {
            let csv = field.csv.map { "`\($0.name)`" }.joined(separator: ", ")
            let text = field.text.map { "\($0.title)" } ?? "—"
            lines.append("| `\(field.name)` | \(cell(field.unit)) | \(cell(field.meaning)) | \(csv) | \(cell(text)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
