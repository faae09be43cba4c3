import Foundation
import XCTest

/// What a new user meets on a first run (issue 15): errors on standard error in every format,
/// output folders made the same way for every output, file problems as one line (never the usage
/// text), an assumed spacing said out loud, and Ctrl-C saying how to go on.
final class FirstRunTests: FolderTestCase {
    var sample: String { DetectProcess.packageRoot.appendingPathComponent("sample-images/forearm_none.png").path }

    func testAFilmThatFailsIsNamedOnStandardErrorInEveryFormat() throws {
        let missing = folder.appendingPathComponent("missing.dcm").path
        for format in ["text", "json", "jsonl", "csv"] {
            let result = try DetectProcess.run([missing, "--format", format])
            XCTAssertEqual(result.status, 1, format)
            XCTAssertTrue(result.stderr.contains("\(missing): no such file"), "\(format): \(result.stderr)")
        }
        // The text report on standard output does not repeat it (the terminal would show it twice).
        let text = try DetectProcess.run([missing])
        XCTAssertFalse(text.stdout.contains("no such file"), text.stdout)
        // A text report written to a file keeps the failed film, as the other formats do.
        let report = folder.appendingPathComponent("report.txt").path
        let written = try DetectProcess.run([missing, "--output", report])
        XCTAssertEqual(written.status, 1)
        XCTAssertTrue(try String(contentsOfFile: report, encoding: .utf8).contains("\(missing): error: no such file"))
        XCTAssertTrue(written.stderr.contains("\(missing): no such file"), written.stderr)
    }

    func testEveryOutputMakesItsMissingFolder() throws {
        let base = folder.appendingPathComponent("new")
        let paths = ["a/results.jsonl", "b/films.csv", "c/deposits.csv", "d/e/overlay.png"].map { base.appendingPathComponent($0).path }
        let result = try DetectProcess.run([sample, "--output", paths[0], "--csv", paths[1], "--deposits-csv", paths[2], "--overlay", paths[3]])
        XCTAssertEqual(result.status, 0, result.stderr)
        for path in paths {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
        }
        // Whole documents too (json and text are written at the end).
        for name in ["f/report.json", "g/report.txt"] {
            let path = base.appendingPathComponent(name).path
            let run = try DetectProcess.run([sample, "--output", path])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), path)
        }
    }

    /// The other commands' outputs too: convert, merge and features.
    func testConvertMergeAndFeaturesMakeTheirMissingFolder() throws {
        let dicom = DetectProcess.packageRoot.appendingPathComponent("sample-images/forearm_none.dcm").path
        let npy = folder.appendingPathComponent("x/y/film.npy").path
        XCTAssertEqual(try DetectProcess.run(["convert", dicom, npy]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: npy))
        let part = folder.appendingPathComponent("part.jsonl").path
        XCTAssertEqual(try DetectProcess.run([sample, "--output", part]).status, 0)
        let merged = folder.appendingPathComponent("m/merged.jsonl").path
        let merge = try DetectProcess.run(["merge", merged, part])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: merged))
        let features = folder.appendingPathComponent("f/features.csv").path
        let run = try DetectProcess.run(["features", sample, "-o", features])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: features))
    }

    func testAnOutputThatCannotBeMadeIsOneLineWithoutTheUsageText() throws {
        let plainFile = folder.appendingPathComponent("plain")
        try Data("x".utf8).write(to: plainFile)
        let inside = plainFile.appendingPathComponent("results.jsonl").path  // a folder that is a file
        for option in ["--output", "--csv", "--deposits-csv"] {
            let result = try DetectProcess.run([sample, option, inside])
            XCTAssertEqual(result.status, 2, "\(option): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(option): \(result.stderr)")
            XCTAssertTrue(lines.first?.contains(inside) ?? false, result.stderr)
            XCTAssertFalse(result.stderr.contains("Usage"), result.stderr)
        }
        let model = try DetectProcess.run([sample, "--model", folder.appendingPathComponent("no-model.json").path])
        XCTAssertEqual(model.status, 2)
        XCTAssertFalse(model.stderr.contains("Usage"), model.stderr)
    }

    /// A JPEG states no spacing: areas stay in pixels and the distribution's mm figures say at
    /// what spacing they were taken.
    func testAnAssumedSpacingIsReported() throws {
        let jpeg = DetectProcess.packageRoot.appendingPathComponent("sample-images/forearm_circumscripta.jpg").path
        let result = try DetectProcess.run([jpeg, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["spacing_source"] as? String, "unknown")
        XCTAssertEqual((json["assumed_spacing_mm"] as? NSNumber)?.doubleValue, 0.15)
        XCTAssertTrue(json["total_area_mm2"] is NSNull)
        XCTAssertGreaterThan(json["deposit_count"] as? Int ?? 0, 0, "the film has deposits, so the reason has mm figures")
        XCTAssertTrue((json["distribution_reason"] as? String ?? "").contains("assumed pixel spacing of 0.15 mm"),
                      String(describing: json["distribution_reason"]))
        let text = try DetectProcess.run([jpeg])
        XCTAssertTrue(text.stdout.contains("at an assumed 0.15 mm"), text.stdout)
        // A film with its own spacing has none assumed.
        let known = try DetectProcess.run([sample, "--format", "json"])
        let knownJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(known.stdout.utf8)) as? [String: Any])
        XCTAssertTrue(knownJSON["assumed_spacing_mm"] is NSNull)
    }

    /// Ctrl-C part way: one line with what was done and `--resume`, exit 130, complete lines only,
    /// and the resumed run adds exactly the rest.
    func testCtrlCSaysWhatWasDoneAndHowToResume() throws {
        let films = folder.appendingPathComponent("films")
        try BatchProcess.phantoms(12, width: 384, height: 480, into: films)
        let out = folder.appendingPathComponent("out.jsonl")
        let process = BatchProcess.configured(["films", "--output", "out.jsonl", "--jobs", "1"], environment: [:], in: folder)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var interrupted = false
        let deadline = Date(timeIntervalSinceNow: 120)
        while process.isRunning && Date() < deadline {
            if ((try? Data(contentsOf: out))?.filter { $0 == 0x0A }.count ?? 0) >= 3 {
                kill(process.processIdentifier, SIGINT)
                interrupted = true
                break
            }
            usleep(1000)
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertTrue(interrupted, "the batch ended before it could be interrupted")
        XCTAssertEqual(process.terminationReason, .exit, stderr)
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        let done = try BatchProcess.lines(out)
        XCTAssertLessThan(done.count, 12)
        XCTAssertTrue(done.allSatisfy { $0.object["status"] as? String == "ok" }, "no film reported failed by the interruption")
        XCTAssertTrue(stderr.contains("interrupted (Ctrl-C) after \(done.count) of 12 films"), stderr)
        XCTAssertTrue(stderr.contains("run the same command with --resume"), stderr)

        let resumed = try BatchProcess.run(["films", "--output", "out.jsonl", "--jobs", "1", "--resume"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let files = try BatchProcess.lines(out).compactMap { $0.object["file"] as? String }
        XCTAssertEqual(files.count, 12)
        XCTAssertEqual(Set(files).count, 12, "every film once")
    }
}
