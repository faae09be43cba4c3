import Classification
import Detection
import Foundation
import ImageIO
import Radiography
import Reporting

/// One film of a batch from path to rendered report (and overlay, label mask, outlines, DICOM
/// results), the same whether it runs on a thread of `detect` or in a worker process
/// (`WorkerPool`): the batch then writes the same bytes either way.
public struct FilmJob: Sendable {
    public var analyzer: FilmAnalyzer
    public var records: ClinicalRecords?
    public var keepsTimings: Bool
    /// The formats the batch writes: only these are rendered.
    public var formats: Set<ReportFormat>
    /// The batch writes one CSV row per deposit (`--deposits-csv`): only then are they rendered.
    public var depositsCSV: Bool

    public init(analyzer: FilmAnalyzer, records: ClinicalRecords?, keepsTimings: Bool, formats: Set<ReportFormat>, depositsCSV: Bool) {
        self.analyzer = analyzer
        self.records = records
        self.keepsTimings = keepsTimings
        self.formats = formats
        self.depositsCSV = depositsCSV
    }

    /// What one film produced, as the batch writes it.
    public struct Outcome: Sendable, Codable, Equatable {
        public var report: RenderedReport
        /// The files beside the report (overlay, label mask, outlines, DICOM results) that could
        /// not be written, one line each (the film's result still counts).
        public var outputErrors: [String]
        /// Lines for standard error that are neither errors nor warnings (no clinical match).
        public var notes: [String]

        public init(report: RenderedReport, outputErrors: [String] = [], notes: [String] = []) {
            self.report = report
            self.outputErrors = outputErrors
            self.notes = notes
        }

        /// A film that produced no report of its own (a worker that died, a timeout), in `formats`.
        public static func failure(file: String, error: FilmError, formats: Set<ReportFormat>) -> Outcome {
            Outcome(report: RenderedReport(.failure(file: file, error: error), formats: formats, depositsCSV: false))
        }
    }

    /// Where one film's files beside the report go (nil: not asked for).
    public struct FilmFiles: Sendable, Codable, Equatable {
        /// The overlay PNG.
        public var overlay: String?
        /// The label mask, `.png` or `.npy` (`LabelMaskFile`).
        public var labels: String?
        /// The outlines, GeoJSON (`OutlinesGeoJSON`).
        public var outlines: String?
        /// The DICOM Segmentation, SR and Secondary Capture (`DICOMResults`; DICOM films only).
        public var dicom: DICOMOutputPaths

        public init(overlay: String? = nil, labels: String? = nil, outlines: String? = nil,
                    dicom: DICOMOutputPaths = DICOMOutputPaths()) {
            self.overlay = overlay
            self.labels = labels
            self.outlines = outlines
            self.dicom = dicom
        }
    }

    /// Never throws: a film that cannot be read or analysed is an error report.
    /// `shouldWriteFiles` is asked just before the files beside the report are written (an
    /// abandoned film's thread must not write them).
    public func run(path: String, files: FilmFiles = FilmFiles(), shouldWriteFiles: () -> Bool = { true }) -> Outcome {
        let analysed = analyzer.analyze(path: path, keepingDICOMSource: !files.dicom.isEmpty)
        var report = analysed.report
        var notes: [String] = []
        var outputErrors: [String] = []
        // Before the overlay, so its legend shows the top subtype.
        if let records, report.isOK, !report.attachClinical(records, patientID: report.analysis?.film.patientID) {
            notes.append("\(path): no clinical record matches its path, file name or patient ID")
        }
        // The film's figures (every deposit's shape measures), taken once for the files beside
        // the report and for every format.
        var figures = report.analysedOrError
        if case .success(let film) = figures, shouldWriteFiles() {
            var clock = StageClock()
            func write(_ target: String?, _ what: String, _ body: (String) throws -> Void) {
                guard let target else { return }
                do {
                    try AtomicFile.makeFolder(holding: target)
                    try body(target)
                    clock.lap(what)
                } catch {
                    outputErrors.append("\(target): \(what) not written: \(error)")
                }
            }
            let labels = film.analysis.detection.labels
            // Rendered once for the overlay PNG and the Secondary Capture.
            var rendered: [UInt8]?
            func overlay() -> [UInt8] {
                if let rendered { return rendered }
                let rgb = OverlayRenderer.render(radiograph: film.analysis.film, report: film, labels: labels)
                rendered = rgb
                return rgb
            }
            write(files.overlay, "overlay") { try OverlayRenderer.write(overlay(), of: film.analysis.film, to: $0) }
            write(files.labels, "labels") { try LabelMaskFile.write(labels, spacing: film.spacing, to: $0) }
            write(files.outlines, "outlines") { try OutlinesGeoJSON.write(film, to: $0) }
            // The DICOM objects together (they share the film's header, kept from its load); the line
            // names the film, and the error the object file when one could not be written.
            if !files.dicom.isEmpty {
                do {
                    try DICOMResults.write(film, source: analysed.dicomSource, frame: analyzer.options.frame, overlay: overlay, to: files.dicom)
                    clock.lap("dicom")
                } catch {
                    outputErrors.append("\(path): DICOM results not written: \(error)")
                }
            }
            report.timings += clock.laps
        }
        if !keepsTimings { report.timings = [] }
        figures = figures.map { film in
            var film = film
            film.analysis.timings = report.timings
            return film
        }
        return Outcome(report: RenderedReport(report, analysed: figures, formats: formats, depositsCSV: depositsCSV),
                       outputErrors: outputErrors, notes: notes)
    }
}
