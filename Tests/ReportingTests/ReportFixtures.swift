import Classification
import Detection
import Foundation
import Radiography
import Reporting

/// Film reports with known contents, and an independent JSON/CSV reader (Python's standard
/// library) to read back what the writers produced.
enum ReportFixtures {
    static let spacing = PixelSpacing(row: 0.1, column: 0.15)

    static func deposit(id: Int, area: Int, x: Double, y: Double, box: PixelBox,
                        mean: Double = 1234.5678, peak: Int = 2000, contrast: Double = 321.456,
                        snr: Double = 12.345, score: Double? = 0.9876, shape: DepositShape? = nil) -> Deposit {
        Deposit(id: id, areaPx: area, bbox: box, centroidX: x, centroidY: y,
                mean: mean, peak: peak, contrast: contrast, peakSNR: snr, score: score, shape: shape)
    }

    /// Deposit 1's shape, a 12 × 10 rectangle, and deposit 2's, an L of 3 pixels; deposit 3 has none.
    static let rectangle = DepositShape(mask: [Bool](repeating: true, count: 120), width: 12, height: 10)
    static let corner = DepositShape(mask: [true, true, false, true], width: 2, height: 2)

    static let deposits = [
        deposit(id: 1, area: 120, x: 40.126, y: 30.5, box: PixelBox(x: 34, y: 24, width: 13, height: 13), shape: rectangle),
        deposit(id: 2, area: 3, x: 100, y: 80.333333, box: PixelBox(x: 99, y: 80, width: 2, height: 2),
                mean: 900, peak: 950, contrast: 55.5, snr: 4.25, score: 0.5, shape: corner),
        deposit(id: 3, area: 40, x: 200.5, y: 150.25, box: PixelBox(x: 196, y: 146, width: 10, height: 9)),
    ]

    static let assessment = DistributionAssessment(
        label: .circumscripta, score: 0.123456,
        metrics: [(name: "hull_fraction", value: 0.0412345), (name: "clusters", value: 2),
                  (name: "spread_mm", value: 17.25)],
        reason: "all 3 deposits lie within 18 mm of each other (≤ 30 mm)")

    /// A 400×300 DICOM film analysed: these deposits, a body of 50 000 px (500 cells of
    /// 10 × 10), noise σ 7.654321, `assessment`.
    static func analysis(spacing: PixelSpacing? = ReportFixtures.spacing, deposits: [Deposit] = ReportFixtures.deposits,
                         timings: [(stage: String, seconds: Double)] = [("decode", 0.0123456), ("detect", 0.5)]) -> Analysis {
        let columns = 40, rows = 30
        let film = Radiograph(width: 400, height: 300, pixels: [UInt16](repeating: 0, count: 400 * 300), bitsStored: 12,
                              spacing: spacing, spacingSource: spacing == nil ? .unknown : .pixelSpacing, format: .dicom)
        let body = BodyMap(cellSize: 10, columns: columns, rows: rows, cells: (0..<(columns * rows)).map { $0 < 500 ? 1 : 0 },
                           bone: [UInt8](repeating: 0, count: columns * rows))
        let detection = DetectionResult(deposits: deposits, labels: LabelImage(width: 1, height: 1, labels: [0]), body: body,
                                        noiseSigma: 7.654321, spacingMM: spacing?.mean ?? 0.15)
        return Analysis(film: film, detection: detection, distribution: assessment,
                        classifierModel: "deposit-classifier test", timings: timings)
    }

    static func report(file: String = "hand.dcm", spacing: PixelSpacing? = ReportFixtures.spacing,
                       deposits: [Deposit] = ReportFixtures.deposits,
                       timings: [(stage: String, seconds: Double)] = [("decode", 0.0123456), ("detect", 0.5)]) -> FilmReport {
        FilmReport(file: file, analysis: analysis(spacing: spacing, deposits: deposits, timings: timings))
    }

    static let oddName = "we\"ird\\name\nline\ttab\u{01}\u{1F} é 😀 ,comma.dcm"

    /// Runs `script` with python3, feeding `input` on stdin; nil when python3 is not installed.
    static func python(_ script: String, input: String) throws -> String? {
        let candidates = ["/usr/bin/python3", "/usr/local/bin/python3"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "python3", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: String(decoding: errors, as: UTF8.self)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
