import ArgumentParser
import Classification
import Detection
import FilmAnalysis
import Foundation
import ImageIO
import Radiography
import Reporting

extension ReportFormat: ExpressibleByArgument {}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse films (the default command: `detect film.png` is `detect analyze film.png`).",
        discussion: """
            Folders are walked recursively; films are recognised by content. With --output FILE and \
            --format jsonl each film's line is appended as soon as it (and every film before it) is \
            done, so a killed run keeps what it finished and --resume goes on from there.
            """)

    @Argument(help: "Films (DICOM, PNG, JPEG) or folders holding them.")
    var inputs: [String] = []

    @OptionGroup var selection: InputSelection

    @Option(help: "Output format: text, json (one object per film; an array for several), jsonl or csv (default: from the --output extension .jsonl/.json/.csv, else text).")
    var format: ReportFormat?

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output (jsonl and csv: line by line as films finish; json and text: atomically at the end).")
    var output: String?

    @Option(name: .customLong("csv"), help: "Also write one CSV row per film to this file.")
    var csv: String?

    @Option(name: .customLong("deposits-csv"), help: "Also write one CSV row per deposit to this file.")
    var depositsCSV: String?

    @OptionGroup var filmFileOptions: FilmFileOptions

    @Option(help: "Pixel spacing in mm, overriding the file: one value, or row,column.")
    var pixelSpacing: String?

    @Option(help: "Report only deposits whose classifier score (0–1) is at least this (default: the model's operating point).")
    var minScore: Double?

    @Option(help: "Deposit classifier model file (JSON, as training/train.py writes it) instead of the built-in one.")
    var model: String?

    @Option(help: "Frame of a multi-frame DICOM film to analyse (1-based).")
    var frame: Int = 1

    @OptionGroup var limitOptions: LimitOptions

    @Option(name: .shortAndLong, help: "Films analysed at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Abandon a film whose decoding and analysis take longer than this many seconds (0.001 to 1000000), kill its worker and report it as failed.")
    var timeout: Double?

    @Option(help: "Where films are analysed: process (each job a worker process, so a crash or hang costs one film, not the batch) or thread (in this process). Default: process for several films, thread for one.")
    var isolation: Isolation?

    @Option(help: "Clinical facts (JSON or CSV) for the clinical subtype ranking, matched to films by file path, file name or DICOM Patient ID.")
    var clinical: String?

    @Flag(help: "Keep the films already in the --output JSON Lines file (same path, size and modification time) and append the others.")
    var resume = false

    @Flag(help: "With --resume, analyse again the films whose earlier line is an error.")
    var retryFailed = false

    @Option(help: "Analyse only shard K of N (K from 0): the films whose relative path hashes (FNV-1a 64) to K mod N.")
    var shard: String?

    @Option(help: "Number of shards, with the index taken from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID.")
    var shards: Int?

    @Flag(help: "Print the time each stage took, per film, on standard error (and in JSON).")
    var timings = false

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "List the files skipped and left out of the walk, and why.")
    var verbose = false

    /// The format asked for, or the one the output file's extension names.
    var resolvedFormat: ReportFormat {
        if let format { return format }
        switch output.map({ ($0 as NSString).pathExtension.lowercased() }) {
        case "jsonl"?, "ndjson"?: return .jsonl
        case "json"?: return .json
        case "csv"?: return .csv
        default: return .text
        }
    }

    func validate() throws {
        if let pixelSpacing, Self.parseSpacing(pixelSpacing) == nil {
            throw ValidationError(Self.spacingProblem("--pixel-spacing", pixelSpacing))
        }
        if frame < 1 { throw ValidationError("--frame counts from 1") }
        if let minScore, !(0...1).contains(minScore) { throw ValidationError("--min-score takes a number from 0 to 1 (got \(minScore))") }
        if inputs.isEmpty && selection.fromList == nil { throw ValidationError("give films or folders to analyse (or --from-list FILE)") }
        if let jobs, !Self.jobsRange.contains(jobs) {
            throw ValidationError("--jobs takes a whole number from \(Self.jobsRange.lowerBound) to \(Self.jobsRange.upperBound) (got \(jobs))")
        }
        if let timeout, !Self.timeoutRange.contains(timeout) {
            throw ValidationError("--timeout takes a number of seconds from 0.001 to 1000000 (got \(timeout))")
        }
        if resume && (output == nil || resolvedFormat != .jsonl) {
            throw ValidationError("--resume continues a JSON Lines file: give --output FILE.jsonl (or --format jsonl)")
        }
        if retryFailed && !resume { throw ValidationError("--retry-failed goes with --resume") }
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
        if let shard, let shards, !shard.hasSuffix("/\(shards)") {
            throw ValidationError("--shard \(shard) and --shards \(shards) disagree on the number of shards")
        }
    }

    func run() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let format = resolvedFormat

        // 1. Which films: walk, then shard, then drop those already done.
        let walk = selection.walker(avoiding: filmFileOptions.folders).walk(try selection.paths(inputs))
        for (path, reason) in walk.unreadable { FileHandleStandardError.write("detect: \(path): \(reason)\n") }
        if verbose {
            for (path, reason) in walk.skipped { FileHandleStandardError.write("detect: skipped \(path): \(reason)\n") }
            for (path, reason) in walk.leftOut { FileHandleStandardError.write("detect: left out \(path): \(reason)\n") }
        }
        guard !walk.films.isEmpty else {
            let others = walk.skipped.isEmpty ? "" : " (\(walk.skipped.count) other files skipped; --verbose lists them)"
            throw FileProblem("no DICOM, PNG or JPEG films found\(others)")
        }
        let filmFiles = try filmFileOptions.files(films: walk.films)

        var films = walk.films
        let resolved: (Shard, Shard.Origin)?
        do {
            resolved = try Shard.resolve(option: shard, shards: shards, environment: ProcessInfo.processInfo.environment)
        } catch let error as BatchUsageError {
            throw ValidationError(error.message)
        }
        if let (shard, origin) = resolved {
            films = films.filter { shard.contains(relativePath: $0.relativePath) }
            if !quiet {
                FileHandleStandardError.write("detect: shard \(shard) (from \(origin.rawValue)): \(films.count) of \(walk.films.count) films\n")
            }
        }

        var earlier: [String: Bool] = [:]
        if resume, let output {
            earlier = try resumeOutputs(output, films: films)
        }
        let todo = films.filter { earlier[$0.path] == nil }

        // 2. Where results go. JSONL and CSV stream; JSON and text are whole documents. Every
        // output file's folder is made when missing, as --overlay and --overlay-dir always did.
        let streamed = format == .jsonl || format == .csv
        for path in [output, csv, depositsCSV].compactMap({ $0 }) { try Self.makeFolder(holding: path) }
        func open(_ path: String) throws -> AppendOnlyFile {
            do {
                return try AppendOnlyFile(path: path, truncate: !resume)
            } catch {
                throw FileProblem("\(path): \(CommandLineHints.text(error))")
            }
        }
        func start(_ file: AppendOnlyFile?, _ header: String, _ path: String?) throws {
            do {
                try file?.append(header + "\n")
            } catch {
                throw FileProblem("\(path ?? "standard output"): \(CommandLineHints.text(error))")
            }
        }
        var mainFile: AppendOnlyFile?
        if streamed {
            mainFile = try output.map(open) ?? AppendOnlyFile(standardOutput: ())
            if format == .csv { try start(mainFile, ReportWriter.csvHeader(), output) }
        }
        let csvFile = try csv.map(open)
        let depositsFile = try depositsCSV.map(open)
        if !resume {
            try start(csvFile, ReportWriter.csvHeader(), csv)
            try start(depositsFile, ReportWriter.depositsCSVHeader(), depositsCSV)
        }

        var records: ClinicalRecords?
        if let clinical {
            do {
                records = try ClinicalRecords.load(path: clinical)
            } catch {
                throw FileProblem("\(clinical): \(CommandLineHints.text(error))")
            }
        }

        // 3. Analyse, in parallel, and write each film as its turn comes.
        var analyzer = FilmAnalyzer()
        analyzer.hint = CommandLineHints.hint(for:)
        analyzer.options.limits = limitOptions.limits
        analyzer.options.frame = frame
        analyzer.options.spacingOverride = pixelSpacing.flatMap(Self.parseSpacing)
        analyzer.options.detection.minScore = minScore
        if let model {
            do {
                analyzer.options.detection.classifier = try DepositClassifier(json: Data(try FilmLoader.readBytes(path: model, limits: .standard)))
            } catch {
                throw FileProblem("--model \(model): \(CommandLineHints.text(error))")
            }
        }
        let keepTimings = timings
        let runner = BatchRunner<FilmResult>(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, timeout: timeout)
        // Only what this run writes is rendered: its format, CSV rows for --csv, deposit rows for
        // --deposits-csv.
        let formats: Set<ReportFormat> = csv == nil ? [format] : [format, .csv]
        let job = FilmJob(analyzer: analyzer, records: records, keepsTimings: keepTimings, formats: formats,
                          depositsCSV: depositsCSV != nil)
        // Worker processes (as many as jobs) unless one film, or asked otherwise.
        let pool: WorkerPool? = (isolation ?? (todo.count > 1 ? .process : .thread)) == .process
            ? WorkerPool(executable: WorkerPool.currentExecutable, arguments: [WorkerCommand.configuration.commandName!],
                         setup: WorkerSetup(analyzer: analyzer, modelPath: model, clinicalPath: clinical, keepsTimings: keepTimings,
                                            formats: formats, depositsCSV: depositsCSV != nil))
            : nil
        pool?.prestart(min(runner.jobs, todo.count))
        let work: @Sendable (Int) -> FilmResult = { index in
            let film = todo[index]
            let identity = FilmIdentity.of(path: film.path)
            let files = filmFiles[film.path] ?? FilmJob.FilmFiles()
            let outcome = pool?.analyze(index: index, request: WorkerRequest(path: film.path, files: files))
                ?? job.run(path: film.path, files: files, shouldWriteFiles: { !runner.isAbandoned(index) })
            return FilmResult(outcome: outcome, identity: identity)
        }
        let timeoutText = timeout.map { String(format: "%g", $0) } ?? ""
        let abandoned: (Int) -> FilmResult = { index in
            let film = todo[index]
            pool?.terminate(index: index)
            let killed = pool == nil ? "" : "; its worker was killed"
            return FilmResult(
                outcome: .failure(file: film.path, error: FilmError(.limit, "abandoned after \(timeoutText) s (--timeout): decoding or analysis did not finish\(killed)"),
                                  formats: formats),
                identity: FilmIdentity.of(path: film.path))
        }

        let progress = ProgressLine(total: todo.count, quiet: quiet)
        let interruption = Interruption(total: todo.count, hint: Interruption.hint(
            output: output, streamed: streamed, resumable: output != nil && format == .jsonl, resuming: resume))
        interruption.install { [mainFile, csvFile, depositsFile] in
            pool?.terminateAll()
            for file in [mainFile, csvFile, depositsFile] { file?.sync() }
        }
        var reports: [RenderedReport] = []
        var ok = 0, failed = 0, outputFailures = 0
        var lastSync = DispatchTime.now().uptimeNanoseconds
        runner.run(count: todo.count, work: work, abandoned: abandoned, deliver: { index, result in
            let report = result.outcome.report
            do {
                // The JSONL line last: it is what --resume trusts, so the side files never lack
                // the rows of a film it counts as done.
                try interruption.record(ok: report.isOK) {
                    try depositsFile?.append(report.depositsCSVRows)
                    try csvFile?.append(report.piece(.csv) + "\n")
                    if format == .jsonl {
                        try mainFile?.append(ResultLine.json(object: report.piece(.jsonl), identity: result.identity))
                    } else if format == .csv {
                        try mainFile?.append(report.piece(.csv) + "\n")
                    }
                }
            } catch {
                progress.note("detect: cannot write the results: \(error); stopping (what was written is complete; --resume continues)\n")
                Foundation.exit(1)
            }
            // A text report on standard output leaves failed films to the line on standard error
            // (the terminal would show them twice); a report file keeps them.
            if !streamed && (report.isOK || format != .text || output != nil) { reports.append(report) }
            if report.isOK { ok += 1 } else { failed += 1 }
            // Standard error in every format, so `detect film.dcm > report.txt` still shows it.
            if !report.isOK {
                progress.note("detect: \(report.file): \(report.error ?? "failed")\n")
            }
            if !report.warnings.isEmpty && !quiet {
                progress.note("detect: \(report.file): warning: \(report.warnings.joined(separator: "; "))\n")
            }
            if !quiet {
                for note in result.outcome.notes { progress.note("detect: \(note)\n") }
            }
            for outputError in result.outcome.outputErrors {
                outputFailures += 1
                progress.note("detect: \(outputError)\n")
            }
            if keepTimings {
                let stages = report.timings.map { "\($0.stage) \(String(format: "%.1f", $0.seconds * 1000)) ms" }
                progress.note("timings: \(report.file): " + stages.joined(separator: ", ") + "\n")
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if now - lastSync > 5_000_000_000 {
                mainFile?.sync(); csvFile?.sync(); depositsFile?.sync()
                lastSync = now
            }
            _ = index
        }, tick: progress.enabled ? { progress.draw(done: ok + failed, failed: failed) } : nil)
        progress.clear()
        pool?.finish()
        for file in [mainFile, csvFile, depositsFile] { file?.sync() }

        // 4. Whole documents, then the summary.
        if !streamed {
            let rendered = RenderedReport.document(reports, as: format)
            if let output {
                do {
                    try AtomicFile.write(rendered, to: output)
                } catch {
                    FileHandleStandardError.write("detect: \(output): report not written: \(error)\n")
                    throw ExitCode(1)
                }
            } else {
                FileHandleStandardOutput.write(rendered)
            }
        }
        let earlierFailed = earlier.values.filter { !$0 }.count
        let totalFailed = failed + earlierFailed + outputFailures
        if !quiet && (output != nil || films.count > 1 || !walk.skipped.isEmpty) {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            var line = "detect: \(ok + earlier.count - earlierFailed) ok, \(failed + earlierFailed) failed, \(walk.skipped.count) skipped"
            if !earlier.isEmpty { line += " (\(earlier.count) done before, kept)" }
            line += "; \(todo.count) films in \(String(format: "%.1f", seconds)) s (\(String(format: "%.1f", seconds > 0 ? Double(todo.count) / seconds : 0)) films/s)"
            if outputFailures > 0 { line += "; \(outputFailures) overlays, label masks, outlines or films' DICOM results not written" }
            if !walk.unreadable.isEmpty { line += "; \(walk.unreadable.count) inputs could not be read" }
            if let output { line += "; results in \(output)" }
            FileHandleStandardError.write(line + "\n")
        }
        if totalFailed > 0 || !walk.unreadable.isEmpty { throw ExitCode(1) }
    }

    /// Prepares the outputs of a resumed run and returns the films already done (path → ok).
    private func resumeOutputs(_ output: String, films: [BatchInput]) throws -> [String: Bool] {
        do {
            let ledger = try ResumeLedger.read(path: output)
            let identities = Dictionary(films.map { ($0.path, FilmIdentity.of(path: $0.path)) }, uniquingKeysWith: { a, _ in a })
            let plan = ledger.plan(for: identities, retryFailed: retryFailed)
            try ResumeLedger.apply(plan, to: output)
            if !quiet {
                for note in plan.removed { FileHandleStandardError.write("detect: \(output): removed \(note)\n") }
                FileHandleStandardError.write("detect: resuming: \(plan.done.count) of \(films.count) films already done\n")
            }
            let done = Set(plan.done.keys)
            if let csv { try CSVRecords.resume(path: csv, header: ReportWriter.csvHeader(), keeping: done) }
            if let depositsCSV { try CSVRecords.resume(path: depositsCSV, header: ReportWriter.depositsCSVHeader(), keeping: done) }
            return plan.done
        } catch let error as BatchUsageError {
            throw ValidationError(error.message)
        } catch let error as FilmError {
            throw FileProblem("cannot resume: \(error.message)")
        }
    }

    /// Makes the folder an output file goes into, when missing (`AtomicFile.makeFolder`).
    static func makeFolder(holding path: String) throws {
        do {
            try AtomicFile.makeFolder(holding: path)
        } catch {
            throw FileProblem("\(path): \(error)")
        }
    }

    /// Films analysed at once: each is a worker process in a batch, so a typo such as
    /// `--jobs 1000000` must not fork a million processes.
    static let jobsRange = 1...256
    /// `--timeout` seconds: from 1 ms to about 11.5 days (beyond, a deadline in nanoseconds
    /// would overflow, and 1e300 s is "never", which is what leaving the option out means).
    static let timeoutRange: ClosedRange<Double> = 0.001...1_000_000

    /// The one line a bad `--pixel-spacing` / `--default-spacing` gets.
    static func spacingProblem(_ option: String, _ text: String) -> String {
        let range = PixelSpacing.plausibleRangeMM
        return "\(option) takes mm from \(String(format: "%g", range.lowerBound)) to \(String(format: "%g", range.upperBound)) (projection radiographs), one value or row,column (got '\(text)')"
    }

    /// "0.1" → 0.1 × 0.1 mm; "0.1,0.12" → row 0.1, column 0.12. Nil unless both values are in
    /// `PixelSpacing.plausibleRangeMM`.
    static func parseSpacing(_ text: String) -> PixelSpacing? {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let spacing: PixelSpacing
        switch parts.count {
        case 1: guard let v = parts[0] else { return nil }; spacing = PixelSpacing(isotropic: v)
        case 2: guard let r = parts[0], let c = parts[1] else { return nil }; spacing = PixelSpacing(row: r, column: c)
        default: return nil
        }
        return spacing.isInPlausibleRange ? spacing : nil
    }
}

/// One film's result as the batch hands it to the writers.
struct FilmResult: Sendable {
    var outcome: FilmJob.Outcome
    /// Size and mtime taken before the film was read, so a file replaced during the run is
    /// analysed again by a resume.
    var identity: FilmIdentity?
}

/// `--isolation`: where a batch's films are analysed.
enum Isolation: String, ExpressibleByArgument, CaseIterable {
    case process, thread
}
