import DICOM
import ImageIO
import Foundation
import Radiography
import Reporting

/// Where one film's results go as DICOM objects (`--dicom-seg`, `--dicom-sr`, `--dicom-sc`).
public struct DICOMOutputPaths: Sendable, Codable, Equatable {
    /// The Segmentation: the deposits' pixels as one binary segment.
    public var segmentation: String?
    /// The TID 1500 measurement report (Comprehensive SR).
    public var report: String?
    /// The overlay as a Secondary Capture.
    public var secondaryCapture: String?

    public init(segmentation: String? = nil, report: String? = nil, secondaryCapture: String? = nil) {
        self.segmentation = segmentation
        self.report = report
        self.secondaryCapture = secondaryCapture
    }

    public var isEmpty: Bool { segmentation == nil && report == nil && secondaryCapture == nil }
}

/// An analysed DICOM film's results as DICOM objects in new series of the film's study, so that
/// a viewer or PACS shows them with the film: a Segmentation of the deposits' pixels, a TID 1500
/// measurement report with the same numbers as the JSON report, and the overlay as a Secondary
/// Capture.
public enum DICOMResults {
    /// The software named in every object (equipment, algorithm, device observer).
    public static let software = DerivingSoftware(name: "detect", version: DetectRelease.version)

    /// The one segment: SNOMED CT's morphologic abnormality "calcification" (CID 7151).
    public static let segment = SegmentationEncoder.Segment(
        label: "calcification", category: category, type: calcification,
        description: "calcium deposits found by detect, all in one segment")
    static let category = CodedConcept("49755003", "SCT", "Morphologically abnormal structure")
    static let calcification = CodedConcept("18115005", "SCT", "Calcification")
    /// Procedure Reported: SNOMED CT's "Radiographic imaging procedure".
    static let procedure = CodedConcept("363680008", "SCT", "Radiographic imaging procedure")
    /// detect's own concepts, for which no standard code fits.
    public static let privateScheme = MeasurementReportEncoder.PrivateScheme(designator: "99DETECT", name: "detect report concepts")
    static let depositCount = CodedConcept("DEPOSITCOUNT", "99DETECT", "Number of deposits")
    static let depositScore = CodedConcept("DEPOSITSCORE", "99DETECT", "Deposit classifier score")
    static let distribution = CodedConcept("DISTRIBUTION", "99DETECT", "Calcinosis distribution")
    static let distributionScore = CodedConcept("DISTSCORE", "99DETECT", "Calcinosis distribution score")
    static let areaConcept = CodedConcept("42798000", "SCT", "Area")
    static let total = CodedConcept("255619001", "SCT", "Total")
    static let squareMillimetre = CodedConcept("mm2", "UCUM", "square millimeter")
    static let pixels = CodedConcept("{pixels}", "UCUM", "pixels")
    static let noUnits = CodedConcept("1", "UCUM", "no units")
    static let count = CodedConcept("{count}", "UCUM", "count")

    /// Writes the objects `paths` asks for, each atomically. `source`: what the film's load kept
    /// for them (`FilmAnalyzer.analyze(path:keepingDICOMSource:)`), nil for a film that is not
    /// DICOM; `overlay`: the overlay's RGB (`OverlayRenderer.render`), asked for only when the
    /// Secondary Capture is. Throws `FilmError` (`.unsupported` when the film is not DICOM, the
    /// reason it cannot be referenced, or why a file could not be written), naming the output
    /// file; the outputs written before the failure stay.
    public static func write(_ film: AnalysedFilm, source: Result<DICOMSourceImage, any Error>?, frame: Int,
                             overlay: () -> [UInt8], to paths: DICOMOutputPaths) throws {
        guard film.format == .dicom, let kept = source else {
            throw FilmError(.unsupported, "the film is \(film.format.rawValue.uppercased()), not DICOM: the objects go into the film's study and reference its series and instance")
        }
        let source = try kept.get()
        func save(_ bytes: @autoclosure () -> [UInt8], to path: String?) throws {
            guard let path else { return }
            do {
                try AtomicFile.makeFolder(holding: path)
                try AtomicFile.write(bytes(), to: path)
            } catch let error as FilmError {
                throw FilmError(error.kind, "\(path): \(error.message)")
            } catch {
                throw FilmError(.io, "\(path): \(error.localizedDescription)")
            }
        }
        try save(SegmentationEncoder.encode(mask: mask(film), source: source, frame: frame, spacing: film.spacing,
                                            segment: segment, software: software), to: paths.segmentation)
        try save(MeasurementReportEncoder.encode(groups: groups(film), procedure: procedure, source: source, frame: frame,
                                                 privateScheme: privateScheme, software: software), to: paths.report)
        try save(SecondaryCaptureEncoder.encode(
            rgb: overlay(), width: film.width, height: film.height, source: source, frame: frame, spacing: film.spacing,
            description: "\(software.name) overlay: deposits outlined, with ids and legend", software: software),
                 to: paths.secondaryCapture)
    }

    /// 1 on the reported deposits' pixels, 0 elsewhere, film-sized.
    static func mask(_ film: AnalysedFilm) -> [UInt8] {
        let labels = film.analysis.detection.labels
        var reported = [Bool](repeating: false, count: (film.deposits.map(\.id).max() ?? 0) + 1)
        for deposit in film.deposits where deposit.id > 0 { reported[deposit.id] = true }
        return labels.labels.map { $0 > 0 && Int($0) < reported.count && reported[Int($0)] ? 1 : 0 }
    }

    /// One TID 1501 group per deposit (its area and score), then one for the film (count, total
    /// area, distribution label and score). The numbers are the JSON report's text, so a reader
    /// of either gets the same values; areas are in mm² when the spacing is known, else in pixels.
    static func groups(_ film: AnalysedFilm) -> [MeasurementReportEncoder.Group] {
        typealias M = MeasurementReportEncoder.Measurement
        let decimals = ReportSchema.Decimals.self
        func area(_ mm2: Double?, _ px: Int, derivation: CodedConcept? = nil) -> M {
            if let mm2, let text = NumberText.fixed(mm2, decimals: decimals.areaMM2) {
                return M(areaConcept, value: text, unit: squareMillimetre, derivation: derivation)
            }
            return M(areaConcept, value: String(px), unit: pixels, derivation: derivation)
        }
        var groups = film.deposits.map { deposit in
            var measurements = [area(deposit.areaMM2, deposit.areaPx)]
            if let score = deposit.score, let text = NumberText.fixed(score, decimals: decimals.score) {
                measurements.append(M(depositScore, value: text, unit: noUnits))
            }
            return MeasurementReportEncoder.Group(
                trackingIdentifier: "deposit \(deposit.id)", trackingUID: MeasurementReportEncoder.newUID(),
                findingCategory: category, finding: calcification, measurements: measurements)
        }
        var filmMeasurements = [M(depositCount, value: String(film.depositCount), unit: count),
                                area(film.totalAreaMM2, film.totalAreaPx, derivation: total)]
        if let score = NumberText.fixed(film.distribution.score, decimals: decimals.score) {
            filmMeasurements.append(M(distributionScore, value: score, unit: noUnits))
        }
        let label = film.distribution.label.rawValue
        groups.append(MeasurementReportEncoder.Group(
            trackingIdentifier: "all deposits", trackingUID: MeasurementReportEncoder.newUID(),
            findingCategory: category, finding: calcification, measurements: filmMeasurements,
            evaluations: [(distribution, CodedConcept(label.uppercased(), "99DETECT", label))]))
        return groups
    }
}

/// detect's name and version, in `detect --version` and in the DICOM objects it writes.
public enum DetectRelease {
    public static let version = "0.1.0"
}
