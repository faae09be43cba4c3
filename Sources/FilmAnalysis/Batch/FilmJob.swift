import Classification
import Detection
import Foundation
import Radiography
import Reporting

/// One film of a batch from path to rendered report (and overlay), the same whether it runs on
/// a thread of `detect` or in a worker process (`WorkerPool`): the batch then writes the same
/// bytes either way.
public struct FilmJob: Sendable {
    public var analyzer: FilmAnalyzer
    public var records: ClinicalRecords?
    public var keepsTimings: Bool
    /// The formats the batch writes: only these are rendered.
    public var formats: Set<ReportFormat>

    public init(analyzer: FilmAnalyzer, records: ClinicalRecords?, keepsTimings: Bool, formats: Set<ReportFormat>) {
        self.analyzer = analyzer
        self.records = records
        self.keepsTimings = keepsTimings
        self.formats = formats
    }

    /// What one film produced, as the batch writes it.
    public struct Outcome: Sendable, Codable, Equatable {
        public var report: RenderedReport
        /// The overlay could not be written (the film's result still counts).
        public var overlayError: String?
        /// Lines for standard error that are neither errors nor warnings (no clinical match).
        public var notes: [String]

        public init(report: RenderedReport, overlayError: String? = nil, notes: [String] = []) {
            self.report = report
            self.overlayError = overlayError
            self.notes = notes
        }

        /// A film that produced no report of its own (a worker that died, a timeout), in `formats`.
        public static func failure(file: String, error: FilmError, formats: Set<ReportFormat>) -> Outcome {
            Outcome(report: RenderedReport(.failure(file: file, error: error), formats: formats))
        }
    }

    /// Never throws: a film that cannot be read or analysed is an error report.
    /// `shouldWriteOverlay` is asked just before the overlay is written (an abandoned film's
    /// thread must not write one).
    public func run(path: String, overlay: String?, shouldWriteOverlay: () -> Bool = { true }) -> Outcome {
        var report = analyzer.analyze(path: path)
        var notes: [String] = []
        var overlayError: String?
        // Before the overlay, so its legend shows the top subtype.
        if let records, report.isOK, !report.attachClinical(records, patientID: report.analysis?.film.patientID) {
            notes.append("\(path): no clinical record matches its path, file name or patient ID")
        }
        if let overlay, let film = report.analysed, shouldWriteOverlay() {
            var clock = StageClock()
            do {
                let folder = (overlay as NSString).deletingLastPathComponent
                if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                try OverlayRenderer.write(radiograph: film.analysis.film, report: film, labels: film.analysis.detection.labels, to: overlay)
                clock.lap("overlay")
                report.timings += clock.laps
            } catch {
                overlayError = "\(overlay): overlay not written: \(error)"
            }
        }
        if !keepsTimings { report.timings = [] }
        return Outcome(report: RenderedReport(report, formats: formats), overlayError: overlayError, notes: notes)
    }
}
