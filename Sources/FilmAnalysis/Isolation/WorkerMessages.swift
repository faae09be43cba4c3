import Classification
import Detection
import Foundation
import Radiography
import Reporting

/// What every worker needs to analyse films as the batch asks: sent once, as the first message,
/// so that the model and the clinical facts are loaded once per worker, not per film.
public struct WorkerSetup: Sendable, Codable, Equatable {
    public var maxPixels: Int
    public var maxFileBytes: Int
    public var maxSequenceDepth: Int
    public var maxElements: Int
    public var frame: Int
    /// `--pixel-spacing`, row and column (mm).
    public var spacingOverride: [Double]?
    public var minScore: Double?
    /// `--model`: a classifier file instead of the built-in model.
    public var modelPath: String?
    /// `--clinical`: facts matched to films.
    public var clinicalPath: String?
    public var keepsTimings: Bool
    /// The formats the batch writes.
    public var formats: Set<ReportFormat>
    /// The batch writes one CSV row per deposit (`--deposits-csv`).
    public var depositsCSV: Bool

    public init(analyzer: FilmAnalyzer, modelPath: String?, clinicalPath: String?, keepsTimings: Bool, formats: Set<ReportFormat>,
                depositsCSV: Bool) {
        maxPixels = analyzer.options.limits.maxPixels
        maxFileBytes = analyzer.options.limits.maxFileBytes
        maxSequenceDepth = analyzer.options.limits.maxSequenceDepth
        maxElements = analyzer.options.limits.maxElements
        frame = analyzer.options.frame
        spacingOverride = analyzer.options.spacingOverride.map { [$0.row, $0.column] }
        minScore = analyzer.options.detection.minScore
        self.modelPath = modelPath
        self.clinicalPath = clinicalPath
        self.keepsTimings = keepsTimings
        self.formats = formats
        self.depositsCSV = depositsCSV
    }

    /// The job the worker runs for each film; throws when the model or the facts cannot be
    /// loaded (the parent loaded them first, so only a file changed since then fails here).
    public func job() throws -> FilmJob {
        var analyzer = FilmAnalyzer()
        analyzer.options.limits = DecodeLimits(maxPixels: maxPixels, maxFileBytes: maxFileBytes,
                                       maxSequenceDepth: maxSequenceDepth, maxElements: maxElements)
        analyzer.options.frame = frame
        if let s = spacingOverride, s.count == 2 { analyzer.options.spacingOverride = PixelSpacing(row: s[0], column: s[1]) }
        analyzer.options.detection.minScore = minScore
        if let modelPath {
            analyzer.options.detection.classifier = try DepositClassifier(json: Data(try FilmLoader.readBytes(path: modelPath, limits: .standard)))
        }
        let records = try clinicalPath.map { try ClinicalRecords.load(path: $0) }
        return FilmJob(analyzer: analyzer, records: records, keepsTimings: keepsTimings, formats: formats,
                       depositsCSV: depositsCSV)
    }
}

/// One film for a worker.
public struct WorkerRequest: Sendable, Codable, Equatable {
    public var path: String
    public var files: FilmJob.FilmFiles

    public init(path: String, files: FilmJob.FilmFiles) {
        self.path = path
        self.files = files
    }
}

/// JSON in both directions (the messages are small next to a film's analysis).
enum WorkerCoding {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        // Encoding these plain structs cannot fail; an empty message reads as a broken pipe.
        (try? [UInt8](JSONEncoder().encode(value))) ?? []
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> T? {
        try? JSONDecoder().decode(type, from: Data(bytes))
    }
}
