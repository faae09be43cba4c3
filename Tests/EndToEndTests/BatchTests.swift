import Foundation
import XCTest

/// Batch jobs over folders, as issue 4 asks: a messy folder, `--jobs` not changing results,
/// kill -9 then `--resume` giving every film exactly once, shards merged equal to one run.
final class BatchTests: FolderTestCase {
    var films: URL { folder.appendingPathComponent("films") }

    /// films/a/film1..4.png, films/b/film5..6.dcm, films/b/deeper/film7.png, plus (if asked)
    /// a truncated PNG, a garbage file with a DICOM preamble, a text file and a link loop.
    func makeMessyFolder(withBadFiles: Bool) throws -> (good: [String], bad: [String]) {
        let a = films.appendingPathComponent("a"), b = films.appendingPathComponent("b")
        let deeper = b.appendingPathComponent("deeper")
        try BatchProcess.phantoms(4, firstSeed: 1, into: a)
        try BatchProcess.phantoms(2, firstSeed: 5, into: b, format: "dicom")
        try BatchProcess.phantoms(1, firstSeed: 7, into: deeper)
        var good = (1...4).map { "films/a/film\($0).png" } + (5...6).map { "films/b/film\($0).dcm" } + ["films/b/deeper/film7.png"]
        var bad: [String] = []
        if withBadFiles {
            let png = try Data(contentsOf: a.appendingPathComponent("film1.png"))
            try png.prefix(png.count / 2).write(to: films.appendingPathComponent("truncated.png"))
            var garbage = Data(count: 128) + Data("DICM".utf8)
            garbage += Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
            try garbage.write(to: b.appendingPathComponent("garbage"))  // DICOM by content, no extension
            try Data("Request form, not a film.\n".utf8).write(to: films.appendingPathComponent("notes.txt"))
            try FileManager.default.createSymbolicLink(atPath: deeper.appendingPathComponent("loop").path, withDestinationPath: "../..")
            bad = ["films/b/garbage", "films/truncated.png"]
        }
        good.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return (good, bad)
    }

    func testMessyFolderGivesOneLinePerFilmAndGoesOn() throws {
        let (good, bad) = try makeMessyFolder(withBadFiles: true)
        let result = try BatchProcess.run(["films", "--output", "out.jsonl", "--verbose", "--jobs", "2"], in: folder)
        XCTAssertEqual(result.status, 1, "a failed film makes exit code 1: \(result.stderr)")
        let lines = try BatchProcess.lines(folder.appendingPathComponent("out.jsonl"))
        let files = lines.map { $0.object["file"] as? String ?? "" }
        XCTAssertEqual(Set(files), Set(good + bad), "the link loop must not add or repeat films; the text file is not one")
        XCTAssertEqual(files.count, Set(files).count, "each film once")
        for line in lines {
            let file = line.object["file"] as? String ?? ""
            XCTAssertEqual(line.object["status"] as? String, bad.contains(file) ? "error" : "ok", file)
            XCTAssertNotNil(line.object["file_size"] as? Int, file)
            XCTAssertNotNil(line.object["file_mtime"] as? String, file)
        }
        for file in bad {
            XCTAssertTrue(result.stderr.contains("detect: \(file): "), "each failure named on stderr: \(result.stderr)")
        }
        XCTAssertTrue(result.stderr.contains("skipped films/notes.txt"), result.stderr)
        XCTAssertTrue(result.stderr.contains("films/b/deeper/loop: folder already walked"), result.stderr)
        XCTAssertTrue(result.stderr.contains("detect: 7 ok, 2 failed, 1 skipped"), result.stderr)
        XCTAssertFalse(result.stderr.contains("\r"), "no progress line when stderr is not a terminal")

        // --no-recursive keeps to the top folder; --exclude leaves a folder out; --include narrows.
        let top = try BatchProcess.run(["films", "--no-recursive", "--format", "jsonl"], in: folder)
        XCTAssertEqual(Set(top.stdout.split(separator: "\n").compactMap { Self.file(of: $0) }), ["films/truncated.png"])
        let excluded = try BatchProcess.run(["films", "--exclude", "b", "--exclude", "*.txt", "--format", "jsonl", "-q"], in: folder)
        XCTAssertEqual(Set(excluded.stdout.split(separator: "\n").compactMap { Self.file(of: $0) }),
                       Set(good.filter { $0.hasPrefix("films/a/") } + ["films/truncated.png"]))
        let included = try BatchProcess.run(["films", "--include", "deeper/*", "--format", "jsonl", "-q"], in: folder)
        XCTAssertEqual(included.status, 0, included.stderr)
        XCTAssertEqual(included.stdout.split(separator: "\n").compactMap { Self.file(of: $0) }, ["films/b/deeper/film7.png"])
    }

    func testJobsDoNotChangeTheResults() throws {
        _ = try makeMessyFolder(withBadFiles: true)
        var outputs: [[String]] = []
        for jobs in ["1", "4"] {
            let result = try BatchProcess.run(["films", "--output", "j\(jobs).jsonl", "--csv", "j\(jobs).csv",
                                               "--deposits-csv", "d\(jobs).csv", "--jobs", jobs, "-q"], in: folder)
            XCTAssertEqual(result.status, 1, result.stderr)
            outputs.append(try ["j\(jobs).jsonl", "j\(jobs).csv", "d\(jobs).csv"].map {
                try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
            })
        }
        // Results come out in walk order whatever the parallelism, so the files are identical.
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[0][0].split(separator: "\n").count, 9)
        XCTAssertEqual(outputs[0][1].split(separator: "\n").count, 10, "header and one row per film")
    }

    func testKilledRunResumesWithEveryFilmExactlyOnce() throws {
        // Ten phantoms, each copied to three names: thirty films, quickly made.
        try BatchProcess.phantoms(10, width: 384, height: 480, into: films)
        for n in 1...10 {
            for copy in [n + 10, n + 20] {
                try FileManager.default.copyItem(at: films.appendingPathComponent("film\(n).png"),
                                                 to: films.appendingPathComponent("film\(copy).png"))
            }
        }
        let reference = try BatchProcess.run(["films", "--output", "reference.jsonl", "--deposits-csv", "reference-deposits.csv", "-q"], in: folder)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let out = folder.appendingPathComponent("out.jsonl")

        // Killed twice: a first run after 6 lines, then a resumed run after 8 more.
        for (round, target) in [6, 14].enumerated() {
            let resume = round > 0 ? ["--resume"] : []
            let process = try BatchProcess.start(["films", "--output", "out.jsonl", "--deposits-csv", "deposits.csv", "--jobs", "2"] + resume, in: folder)
            var killed = false
            let deadline = Date(timeIntervalSinceNow: 60)
            while process.isRunning && Date() < deadline {
                let count = (try? Data(contentsOf: out))?.filter { $0 == 0x0A }.count ?? 0
                if count >= target {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
                usleep(500)
            }
            process.waitUntilExit()
            XCTAssertTrue(killed && process.terminationReason == .uncaughtSignal, "run \(round) ended before it could be killed part way")
        }
        let before = try BatchProcess.lines(out).count
        XCTAssertLessThan(before, 30, "killed part way")
        XCTAssertEqual(Set(try BatchProcess.lines(out).compactMap { $0.object["file"] as? String }).count, before, "no film twice, even mid-way")
        // A write torn by the kill: half a line at the end.
        let handle = try FileHandle(forWritingTo: out)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"file\":\"films/film2".utf8))
        try handle.close()

        let resumed = try BatchProcess.run(["films", "--output", "out.jsonl", "--deposits-csv", "deposits.csv", "--resume", "--jobs", "2"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("removed an unfinished last line"), resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("detect: resuming: \(before) of 30 films already done"), resumed.stderr)

        let lines = try BatchProcess.lines(out).map(\.text)
        let files = lines.compactMap { Self.file(of: Substring($0)) }
        XCTAssertEqual(files.count, 30)
        XCTAssertEqual(Set(files).count, 30, "every film exactly once")
        let expected = try BatchProcess.lines(folder.appendingPathComponent("reference.jsonl")).map(\.text)
        XCTAssertEqual(Set(lines), Set(expected), "the same results as one uninterrupted run")
        let deposits = try String(contentsOf: folder.appendingPathComponent("deposits.csv"), encoding: .utf8)
        let expectedDeposits = try String(contentsOf: folder.appendingPathComponent("reference-deposits.csv"), encoding: .utf8)
        XCTAssertEqual(deposits.split(separator: "\n").sorted(), expectedDeposits.split(separator: "\n").sorted(),
                       "no deposit row lost or repeated")

        // Nothing left to do: a second resume adds nothing; a changed film is analysed again.
        let again = try BatchProcess.run(["films", "--output", "out.jsonl", "--resume"], in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try BatchProcess.lines(out).count, 30)
        let touched = films.appendingPathComponent("film3.png")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: touched.path)
        let changed = try BatchProcess.run(["films", "--output", "out.jsonl", "--resume"], in: folder)
        XCTAssertEqual(changed.status, 0, changed.stderr)
        let after = try BatchProcess.lines(out)
        XCTAssertEqual(after.count, 30)
        XCTAssertEqual(after.filter { $0.object["file"] as? String == "films/film3.png" }.first?.object["file_mtime"] as? String,
                       "2001-09-09T01:46:40.000000000Z")
    }

    /// Rows written to the CSV side files just before a kill, whose film's JSON line never was,
    /// are dropped on resume and written again once: with names that need CSV quoting (comma,
    /// quote, newline), so records are told apart by quotes, not by lines.
    func testResumeTrimsTheCSVFilesToTheFilmsKept() throws {
        try BatchProcess.phantoms(3, into: films)
        let names = ["a,comma.png", "b\"quote.png", "c\nnewline.png"]
        for (n, name) in names.enumerated() {
            try FileManager.default.moveItem(at: films.appendingPathComponent("film\(n + 1).png"), to: films.appendingPathComponent(name))
        }
        let full = try BatchProcess.run(["films", "-o", "full.jsonl", "--csv", "full.csv", "--deposits-csv", "full-deposits.csv", "-q"], in: folder)
        XCTAssertEqual(full.status, 0, full.stderr)
        let jsonl = try String(contentsOf: folder.appendingPathComponent("full.jsonl"), encoding: .utf8)
        XCTAssertEqual(jsonl.split(separator: "\n").count, 3)
        // As if killed after the second film's CSV rows but before its JSON line.
        try String(jsonl.split(separator: "\n")[0] + "\n").write(to: folder.appendingPathComponent("out.jsonl"), atomically: true, encoding: .utf8)
        let csv = try String(contentsOf: folder.appendingPathComponent("full.csv"), encoding: .utf8)
        let deposits = try String(contentsOf: folder.appendingPathComponent("full-deposits.csv"), encoding: .utf8)
        try csv.write(to: folder.appendingPathComponent("out.csv"), atomically: true, encoding: .utf8)
        try deposits.write(to: folder.appendingPathComponent("out-deposits.csv"), atomically: true, encoding: .utf8)

        let resumed = try BatchProcess.run(["films", "-o", "out.jsonl", "--csv", "out.csv", "--deposits-csv", "out-deposits.csv", "--resume"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming: 1 of 3 films already done"), resumed.stderr)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("out.jsonl"), encoding: .utf8), jsonl)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8), csv)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("out-deposits.csv"), encoding: .utf8), deposits)
        XCTAssertTrue(csv.contains("\"films/a,comma.png\"") && csv.contains("\"films/b\"\"quote.png\"") && csv.contains("\"films/c\nnewline.png\""),
                      "the names are quoted in the CSV: \(csv)")
    }

    func testShardsMergedEqualOneRun() throws {
        let (good, bad) = try makeMessyFolder(withBadFiles: true)
        let whole = try BatchProcess.run(["films", "--output", "whole.jsonl", "-q"], in: folder)
        XCTAssertEqual(whole.status, 1)

        // Shard 0 by option, 1 and 2 as Slurm array tasks 1 and 2 of --array=0-3, 3 as a
        // Kubernetes Indexed Job's completion index.
        let runs: [([String], [String: String])] = [
            (["--shard", "0/4"], [:]),
            ([], ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"]),
            ([], ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]),
            (["--shards", "4"], ["JOB_COMPLETION_INDEX": "3"]),
        ]
        var parts: [String] = []
        for (k, (options, environment)) in runs.enumerated() {
            let part = "part\(k).jsonl"
            let result = try BatchProcess.run(["films", "--output", part] + options, environment: environment, in: folder)
            XCTAssertTrue(result.stderr.contains("detect: shard \(k)/4"), result.stderr)
            let files = try BatchProcess.lines(folder.appendingPathComponent(part)).compactMap { $0.object["file"] as? String }
            // Which films shard k holds, by FNV-1a 64 of the path inside the folder given.
            let predicted = (good + bad).filter { Int(Self.fnv1a64(String($0.dropFirst("films/".count))) % 4) == k }
            XCTAssertEqual(Set(files), Set(predicted), "shard \(k)")
            parts.append(part)
        }
        let merged = try BatchProcess.run(["merge", "merged.jsonl"] + parts + ["--expect", "films"], in: folder)
        XCTAssertEqual(merged.status, 1, "two films failed: \(merged.stderr)")
        XCTAssertTrue(merged.stderr.contains("9 films from 4 parts"), merged.stderr)
        XCTAssertTrue(merged.stderr.contains("2 failed, 0 missing, 0 duplicated"), merged.stderr)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("merged.jsonl"), encoding: .utf8),
                       try String(contentsOf: folder.appendingPathComponent("whole.jsonl"), encoding: .utf8),
                       "the merged shards are byte for byte the unsharded run")

        // A shard lost and another run twice: both reported.
        let broken = try BatchProcess.run(["merge", "broken.jsonl", parts[0], parts[1], parts[1], parts[3], "--expect", "films"], in: folder)
        XCTAssertEqual(broken.status, 1)
        let lost = try BatchProcess.lines(folder.appendingPathComponent(parts[2])).compactMap { $0.object["file"] as? String }
        let twice = try BatchProcess.lines(folder.appendingPathComponent(parts[1])).compactMap { $0.object["file"] as? String }
        XCTAssertTrue(broken.stderr.contains("\(lost.count) films missing"), broken.stderr)
        XCTAssertTrue(broken.stderr.contains("\(twice.count) films duplicated"), broken.stderr)
        for file in lost + twice { XCTAssertTrue(broken.stderr.contains("  \(file)"), file) }
    }

    func testHangingFilmIsAbandonedAfterTheTimeout() throws {
        // The small film (about 0.02 s) runs first, alone; the large one takes about 1 s in a
        // debug build and 0.5 s in a release build here, five times the timeout or more.
        try BatchProcess.phantoms(1, firstSeed: 1, into: films, prefix: "a-small")
        try BatchProcess.phantoms(1, firstSeed: 2, width: 2000, height: 2500, into: films, prefix: "b-large")
        let start = Date()
        let result = try BatchProcess.run(["films", "--format", "jsonl", "--timeout", "0.1", "--jobs", "1"], in: folder)
        XCTAssertEqual(result.status, 1, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.compactMap { Self.file(of: $0) }, ["films/a-small1.png", "films/b-large2.png"])
        XCTAssertTrue(lines[0].contains("\"status\":\"ok\""), String(lines[0]))
        XCTAssertTrue(lines[1].contains("\"status\":\"error\"") && lines[1].contains("abandoned after 0.1 s"), String(lines[1]))
        XCTAssertTrue(result.stderr.contains("detect: films/b-large2.png: abandoned after 0.1 s"), result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }

    func testOverlaysMirrorTheTreeAndNeverShareAName() throws {
        try BatchProcess.phantoms(1, into: folder.appendingPathComponent("one/knee"))
        try BatchProcess.phantoms(1, into: folder.appendingPathComponent("two/knee"))
        let result = try BatchProcess.run(["one", "two", "--overlay-dir", "overlays", "--format", "jsonl", "-q"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let overlays = folder.appendingPathComponent("overlays/knee")
        let names = try FileManager.default.contentsOfDirectory(atPath: overlays.path).sorted()
        XCTAssertEqual(names, ["film1.png.2.overlay.png", "film1.png.overlay.png"])
        // A second run does not take the overlays for films, even when they sit inside the input.
        let inside = try BatchProcess.run(["one", "--overlay-dir", "one/overlays", "--format", "jsonl", "-q"], in: folder)
        let again = try BatchProcess.run(["one", "--overlay-dir", "one/overlays", "--format", "jsonl", "-q"], in: folder)
        XCTAssertEqual(inside.stdout, again.stdout)
        XCTAssertEqual(again.stdout.split(separator: "\n").count, 1)
    }

    /// `--labels-dir` and `--outlines-dir` name their files as `--overlay-dir` does, and the walk
    /// keeps out of them (a 16-bit PNG mask would otherwise be taken for a film).
    func testLabelMasksAndOutlinesMirrorTheTree() throws {
        try BatchProcess.phantoms(2, into: folder.appendingPathComponent("one/knee"))
        let arguments = ["one", "--labels-dir", "one/shapes", "--outlines-dir", "one/shapes", "--format", "jsonl", "-q"]
        let first = try BatchProcess.run(arguments, in: folder)
        XCTAssertEqual(first.status, 0, first.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("one/shapes/knee").path).sorted()
        XCTAssertEqual(names, ["film1.png.labels.png", "film1.png.outlines.geojson", "film2.png.labels.png", "film2.png.outlines.geojson"])
        let again = try BatchProcess.run(arguments, in: folder)
        XCTAssertEqual(again.stdout, first.stdout)
        XCTAssertEqual(again.stdout.split(separator: "\n").count, 2)
    }

    /// Label masks and DICOM results in one batch: a PNG film gets its mask but no DICOM objects,
    /// named on standard error, counted in the summary and exit 1 (as an overlay not written).
    func testLabelMasksBesideDICOMResults() throws {
        try BatchProcess.phantoms(1, into: folder.appendingPathComponent("mixed"), format: "dicom")
        try BatchProcess.phantoms(1, firstSeed: 2, into: folder.appendingPathComponent("mixed"))
        let result = try BatchProcess.run(["mixed", "--labels-dir", "out", "--dicom-dir", "out", "--format", "jsonl", "-o", "r.jsonl"], in: folder)
        XCTAssertEqual(result.status, 1, result.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        XCTAssertEqual(names, ["film1.dcm.labels.png", "film1.dcm.sc.dcm", "film1.dcm.seg.dcm", "film1.dcm.sr.dcm", "film2.png.labels.png"])
        XCTAssertTrue(result.stderr.contains("film2.png: DICOM results not written: the film is PNG, not DICOM"), result.stderr)
        XCTAssertTrue(result.stderr.contains("2 ok, 0 failed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("; 1 overlays, label masks, outlines or films' DICOM results not written"), result.stderr)
    }

    func testFilesFromAList() throws {
        try BatchProcess.phantoms(3, into: films)
        try "films/film3.png\n\n  films/film1.png  \n".write(to: folder.appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        let result = try BatchProcess.run(["--from-list", "list.txt", "--format", "jsonl", "-q"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").compactMap { Self.file(of: $0) }, ["films/film3.png", "films/film1.png"])
        let piped = try BatchProcess.run(["--from-list", "-", "--format", "jsonl", "-q"], input: "films/film2.png\nfilms\n", in: folder)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout.split(separator: "\n").compactMap { Self.file(of: $0) },
                       ["films/film2.png", "films/film1.png", "films/film3.png"], "a film named twice is analysed once")
        let usage = try BatchProcess.run(["films", "--shard", "4/4"], in: folder)
        XCTAssertEqual(usage.status, 2, usage.stderr)
        let resumeStdout = try BatchProcess.run(["films", "--resume"], in: folder)
        XCTAssertEqual(resumeStdout.status, 2, resumeStdout.stderr)
    }

    static func file(of line: Substring) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["file"] as? String
    }

    /// FNV-1a 64, written apart from the one in FilmAnalysis and checked against the reference
    /// vectors of the FNV authors before it is trusted to predict shards.
    static func fnv1a64(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }

    func testReferenceHashVectors() {
        XCTAssertEqual(Self.fnv1a64(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(Self.fnv1a64("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(Self.fnv1a64("foobar"), 0x8594_4171_f739_67e8)
    }
}
