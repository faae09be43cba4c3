import ArgumentParser
import FilmAnalysis
import Foundation
import ImageIO
import Radiography
import Reporting

extension ReportFormat: ExpressibleByArgument {}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse films (the default command: `detect film.png` is `detect analyze film.png`)."
    )

    @Argument(help: "Films (DICOM, PNG, JPEG) or folders holding them (read one level deep).")
    var inputs: [String]

    @Option(help: "Output format: text, json (one object per film; an array for several), jsonl or csv.")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(help: "Write an overlay PNG of the film with the deposits outlined (one film only).")
    var overlay: String?

    @Option(help: "Write one overlay PNG per film into this folder.")
    var overlayDir: String?

    @Option(help: "Pixel spacing in mm, overriding the file: one value, or row,column.")
    var pixelSpacing: String?

    @Option(help: "Frame of a multi-frame DICOM film to analyse (1-based).")
    var frame: Int = 1

    @Option(help: "Largest film accepted, in pixels.")
    var maxPixels: Int = DecodeLimits.standard.maxPixels

    @Option(help: "Largest file read, in bytes.")
    var maxFileBytes: Int = DecodeLimits.standard.maxFileBytes

    @Flag(help: "Print the time each stage took, per film, on standard error (and in JSON).")
    var timings = false

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    func validate() throws {
        if overlay != nil && overlayDir != nil {
            throw ValidationError("give --overlay or --overlay-dir, not both")
        }
        if let pixelSpacing, Self.parseSpacing(pixelSpacing) == nil {
            throw ValidationError("--pixel-spacing takes a positive number of mm, or row,column (got '\(pixelSpacing)')")
        }
        if frame < 1 { throw ValidationError("--frame counts from 1") }
        if maxPixels < 1 || maxFileBytes < 1 { throw ValidationError("limits must be positive") }
    }

    func run() throws {
        let films = try FilmInputs.expand(inputs)
        if overlay != nil && films.count != 1 {
            throw ValidationError("--overlay writes one film's overlay; for \(films.count) films use --overlay-dir DIR")
        }
        var analyzer = FilmAnalyzer()
        analyzer.limits = DecodeLimits(maxPixels: maxPixels, maxFileBytes: maxFileBytes)
        analyzer.frame = frame
        analyzer.spacingOverride = pixelSpacing.flatMap(Self.parseSpacing)
        let overlayPaths = OverlayPaths(films: films, single: overlay, folder: overlayDir)

        var reports: [FilmReport] = []
        var failures = 0
        let errorsGoToReport = format == .text && output == nil
        for film in films {
            var clock = StageClock()
            let outcome = analyzer.analyze(path: film)
            var report = outcome.report
            if let path = overlayPaths[film], let radiograph = outcome.radiograph, let labels = outcome.labels {
                do {
                    clock = StageClock()
                    try OverlayRenderer.write(radiograph: radiograph, report: report, labels: labels, to: path)
                    clock.lap("overlay")
                    report.timings += clock.laps
                } catch {
                    failures += 1
                    FileHandleStandardError.write("detect: \(path): overlay not written: \(error)\n")
                }
            }
            if report.status == .error {
                failures += 1
                if !errorsGoToReport { FileHandleStandardError.write("detect: \(film): \(report.error ?? "failed")\n") }
            }
            if timings {
                let stages = report.timings.map { "\($0.stage) \(String(format: "%.1f", $0.seconds * 1000)) ms" }
                FileHandleStandardError.write("timings: \(film): " + stages.joined(separator: ", ") + "\n")
            } else {
                report.timings = []
            }
            reports.append(report)
        }

        let rendered = ReportWriter.render(reports, as: format)
        if let output {
            do {
                try AtomicFile.write(rendered, to: output)
            } catch {
                FileHandleStandardError.write("detect: \(output): report not written: \(error)\n")
                throw ExitCode(1)
            }
            if !quiet {
                FileHandleStandardError.write("detect: \(reports.count - failures) of \(reports.count) films ok; report in \(output)\n")
            }
        } else {
            FileHandleStandardOutput.write(rendered)
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// "0.1" → 0.1 × 0.1 mm; "0.1,0.12" → row 0.1, column 0.12.
    static func parseSpacing(_ text: String) -> PixelSpacing? {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let spacing: PixelSpacing
        switch parts.count {
        case 1: guard let v = parts[0] else { return nil }; spacing = PixelSpacing(isotropic: v)
        case 2: guard let r = parts[0], let c = parts[1] else { return nil }; spacing = PixelSpacing(row: r, column: c)
        default: return nil
        }
        return spacing.isPlausible ? spacing : nil
    }
}

/// Where each film's overlay goes: the one `--overlay` path, or a name in `--overlay-dir` made
/// from the film's name, with a number added where two films would share a name.
struct OverlayPaths {
    private var paths: [String: String] = [:]

    init(films: [String], single: String?, folder: String?) {
        if let single, let film = films.first {
            paths[film] = single
        } else if let folder {
            var used = Set<String>()
            for film in films {
                let stem = (film as NSString).lastPathComponent
                var name = stem + ".overlay.png", n = 2
                while used.contains(name) {
                    name = "\(stem).\(n).overlay.png"
                    n += 1
                }
                used.insert(name)
                paths[film] = (folder as NSString).appendingPathComponent(name)
            }
        }
    }

    subscript(film: String) -> String? { paths[film] }
}
