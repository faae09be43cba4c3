import Foundation
import XCTest

/// Issue 12: one bad film costs one result, never the batch. A folder of good films and one film
/// per crash class (a lying Pixel Spacing, a huge Rescale Slope; a decoder crash, a Swift trap and
/// an out-of-memory kill simulated with the workers' test-only `DETECT_TEST_CRASH_ON`,
/// `DETECT_TEST_TRAP_ON`, `DETECT_TEST_KILL_ON`), in
/// several orders: every good film reported, exit code 1, one JSON Lines line per film; then
/// `--resume` keeps every film exactly once.
final class HostileFolderTests: FolderTestCase {
    /// The crash classes a worker simulates, by file name (the folder names never contain them).
    static let switches = ["DETECT_TEST_CRASH_ON": "decoder-crash", "DETECT_TEST_TRAP_ON": "kernel-trap",
                           "DETECT_TEST_KILL_ON": "out-of-memory"]

    /// Replaces (or inserts, in tag order) one element of an explicit VR little endian data set:
    /// written here, apart from the reader, so the test does not trust the code it tests.
    static func patch(_ bytes: [UInt8], group: UInt16, element: UInt16, vr: String, text: String) -> [UInt8] {
        var value = Array(text.utf8)
        if value.count % 2 == 1 { value.append(0x20) }
        let new: [UInt8] = [UInt8(group & 0xFF), UInt8(group >> 8), UInt8(element & 0xFF), UInt8(element >> 8)]
            + Array(vr.utf8) + [UInt8(value.count & 0xFF), UInt8(value.count >> 8)] + value
        let long: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]
        var at = 132
        var out = bytes
        while at + 8 <= bytes.count {
            let g = UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8, e = UInt16(bytes[at + 2]) | UInt16(bytes[at + 3]) << 8
            let elementVR = String(decoding: bytes[(at + 4)..<(at + 6)], as: UTF8.self)
            let (header, length) = long.contains(elementVR)
                ? (12, Int(bytes[at + 8]) | Int(bytes[at + 9]) << 8 | Int(bytes[at + 10]) << 16 | Int(bytes[at + 11]) << 24)
                : (8, Int(bytes[at + 6]) | Int(bytes[at + 7]) << 8)
            if (g, e) == (group, element) {
                out.replaceSubrange(at..<(at + header + length), with: new)
                return out
            }
            if (g, e) > (group, element) {
                out.insert(contentsOf: new, at: at)
                return out
            }
            at += header + length
        }
        return out + new
    }

    /// Good films (2 PNG, 2 DICOM) and the hostile ones, with names whose order `prefixes` sets.
    func makeFolder(_ name: String, prefixes: [String]) throws -> (good: [String], hostile: [String: String]) {
        let films = folder.appendingPathComponent(name)
        try BatchProcess.phantoms(2, firstSeed: 1, into: films, prefix: "\(prefixes[0])good")
        try BatchProcess.phantoms(2, firstSeed: 3, into: films, format: "dicom", prefix: "\(prefixes[1])good")
        let source = try [UInt8](Data(contentsOf: films.appendingPathComponent("\(prefixes[1])good3.dcm")))
        var spacing = Self.patch(source, group: 0x0028, element: 0x0030, vr: "DS", text: "1e-9\\1e-9")
        spacing = Self.patch(spacing, group: 0x0018, element: 0x1164, vr: "DS", text: "1e-9\\1e-9")
        let slope = Self.patch(Self.patch(source, group: 0x0028, element: 0x1052, vr: "DS", text: "0"),
                               group: 0x0028, element: 0x1053, vr: "DS", text: "1e300")
        let hostile = ["\(name)/\(prefixes[2])spacing.dcm": "ok", "\(name)/\(prefixes[3])slope.dcm": "ok",
                       "\(name)/\(prefixes[4])decoder-crash.png": "error", "\(name)/\(prefixes[5])kernel-trap.dcm": "error",
                       "\(name)/\(prefixes[6])out-of-memory.png": "error"]
        try Data(spacing).write(to: films.appendingPathComponent("\(prefixes[2])spacing.dcm"))
        try Data(slope).write(to: films.appendingPathComponent("\(prefixes[3])slope.dcm"))
        try Data(contentsOf: films.appendingPathComponent("\(prefixes[0])good1.png"))
            .write(to: films.appendingPathComponent("\(prefixes[4])decoder-crash.png"))
        try Data(source).write(to: films.appendingPathComponent("\(prefixes[5])kernel-trap.dcm"))
        try Data(contentsOf: films.appendingPathComponent("\(prefixes[0])good2.png"))
            .write(to: films.appendingPathComponent("\(prefixes[6])out-of-memory.png"))
        let good = ["\(prefixes[0])good1.png", "\(prefixes[0])good2.png", "\(prefixes[1])good3.dcm", "\(prefixes[1])good4.dcm"]
            .map { "\(name)/\($0)" }
        return (good, hostile)
    }

    func testEveryGoodFilmIsReportedWhateverTheOrder() throws {
        let orders = [["a", "b", "c", "d", "e", "f", "g"], ["g", "f", "e", "d", "c", "b", "a"], ["c", "g", "e", "a", "f", "d", "b"]]
        for (n, prefixes) in orders.enumerated() {
            let name = "order\(n)"
            let (good, hostile) = try makeFolder(name, prefixes: prefixes)
            let result = try BatchProcess.run([name, "--output", "\(name).jsonl", "--jobs", "2"],
                                              environment: Self.switches, in: folder)
            XCTAssertEqual(result.status, 1, "one film failed: \(result.stderr)")
            let lines = try BatchProcess.lines(folder.appendingPathComponent("\(name).jsonl"))
            let files = lines.map { $0.object["file"] as? String ?? "" }
            XCTAssertEqual(files.count, good.count + hostile.count, "one line per film: \(files)")
            XCTAssertEqual(Set(files), Set(good + hostile.keys), name)
            for line in lines {
                let file = line.object["file"] as? String ?? ""
                XCTAssertEqual(line.object["status"] as? String, hostile[file] ?? "ok", "\(file): \(line.text.prefix(300))")
            }
            let crash = try XCTUnwrap(lines.first { ($0.object["file"] as? String)?.hasSuffix("decoder-crash.png") == true })
            XCTAssertTrue((crash.object["error"] as? String ?? "").contains("worker killed by signal 11 (SIGSEGV)"), crash.text)
            let spacing = try XCTUnwrap(lines.first { ($0.object["file"] as? String)?.hasSuffix("spacing.dcm") == true })
            XCTAssertEqual(spacing.object["spacing_source"] as? String, "ignored_implausible")
            XCTAssertTrue(result.stderr.contains("\(prefixes[2])spacing.dcm: warning: DICOM: Pixel Spacing 1e-09 mm is outside the plausible 0.01–5 mm"),
                          result.stderr)
            XCTAssertTrue(result.stderr.contains("\(prefixes[3])slope.dcm: warning: DICOM: Rescale Slope 1e+300"), result.stderr)
            XCTAssertTrue(result.stderr.contains("decoder-crash.png: worker killed by signal 11 (SIGSEGV)"), result.stderr)
            XCTAssertTrue(result.stderr.contains("kernel-trap.dcm: worker killed by signal 4 (SIGILL"), result.stderr)
            XCTAssertTrue(result.stderr.contains("out-of-memory.png: worker killed by signal 9 (SIGKILL: out of memory, or killed)"), result.stderr)
            XCTAssertTrue(result.stderr.contains("Fatal error: DETECT_TEST_TRAP_ON matches"), "the runtime's message is kept: \(result.stderr)")
        }
    }

    /// The crashed film's error line counts as done: a resume analyses nothing again and the file
    /// still has one line per film; with --retry-failed only that film runs again (and, without
    /// the switch, succeeds).
    func testResumeAfterACrashIsExactlyOnce() throws {
        let (good, hostile) = try makeFolder("films", prefixes: ["a", "b", "c", "d", "e", "f", "g"])
        let crash = Self.switches
        let first = try BatchProcess.run(["films", "--output", "out.jsonl", "--jobs", "2"], environment: crash, in: folder)
        XCTAssertEqual(first.status, 1, first.stderr)
        let again = try BatchProcess.run(["films", "--output", "out.jsonl", "--resume", "--jobs", "2"], environment: crash, in: folder)
        XCTAssertEqual(again.status, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(good.count + hostile.count) of \(good.count + hostile.count) films already done"), again.stderr)
        XCTAssertEqual(try BatchProcess.lines(folder.appendingPathComponent("out.jsonl")).count, good.count + hostile.count)
        let retried = try BatchProcess.run(["films", "--output", "out.jsonl", "--resume", "--retry-failed", "--jobs", "2"], in: folder)
        XCTAssertEqual(retried.status, 0, retried.stderr)
        let lines = try BatchProcess.lines(folder.appendingPathComponent("out.jsonl"))
        XCTAssertEqual(lines.count, good.count + hostile.count)
        XCTAssertEqual(Set(lines.compactMap { $0.object["file"] as? String }).count, lines.count, "each film once")
        XCTAssertTrue(lines.allSatisfy { $0.object["status"] as? String == "ok" })
    }

    /// A worker that hangs is killed at the timeout; the films after it are analysed by a new one.
    func testTimeoutKillsTheWorkerAndTheBatchGoesOn() throws {
        let films = folder.appendingPathComponent("films")
        try BatchProcess.phantoms(1, firstSeed: 1, into: films, prefix: "a-stall")
        try BatchProcess.phantoms(3, firstSeed: 2, into: films, prefix: "b-good")
        let start = Date()
        let result = try BatchProcess.run(["films", "--format", "jsonl", "--timeout", "3", "--jobs", "1"],
                                          environment: ["DETECT_TEST_HANG_ON": "a-stall"], in: folder)
        XCTAssertEqual(result.status, 1, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[0].contains("abandoned after 3 s (--timeout)") && lines[0].contains("its worker was killed"), String(lines[0]))
        XCTAssertEqual(lines.dropFirst().filter { $0.contains("\"status\":\"ok\"") }.count, 3, result.stdout)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
    }

    /// Worker processes write the same bytes as analysis in this process, in every format.
    func testWorkersWriteWhatThreadsWrite() throws {
        _ = try makeFolder("films", prefixes: ["a", "b", "c", "d", "x", "y", "z"])
        for name in ["xdecoder-crash.png", "ykernel-trap.dcm", "zout-of-memory.png"] {
            try FileManager.default.removeItem(at: folder.appendingPathComponent("films/\(name)"))
        }
        for format in ["jsonl", "json", "csv", "text"] {
            let process = try BatchProcess.run(["films", "--format", format, "--jobs", "2", "-q", "--isolation", "process"], in: folder)
            let thread = try BatchProcess.run(["films", "--format", format, "--jobs", "2", "-q", "--isolation", "thread"], in: folder)
            XCTAssertEqual(process.status, 0, process.stderr)
            XCTAssertEqual(process.stdout, thread.stdout, format)
            XCTAssertFalse(process.stdout.isEmpty, format)
        }
    }

    /// Options that would have trapped or hung: one line, exit code 2.
    func testLyingOptionsAreUsageErrors() throws {
        try BatchProcess.phantoms(1, into: folder)
        for arguments in [["--pixel-spacing", "1e-6"], ["--pixel-spacing", "1e300"], ["--pixel-spacing", "nan"],
                          ["--pixel-spacing", "0.1,inf"], ["--pixel-spacing", "-0.1"], ["--timeout", "1e300"],
                          ["--timeout", "nan"], ["--timeout", "0"], ["--timeout", "-1"], ["--timeout", "inf"],
                          ["--jobs", "100000"], ["--jobs", "0"], ["--max-pixels", "0"], ["--max-pixels", "99999999999999999999"],
                          ["--max-file-bytes", "-1"], ["--max-sequence-depth", "1000000"], ["--max-elements", "0"],
                          ["--min-score", "inf"], ["--frame", "0"]] {
            let result = try BatchProcess.run(["film1.png"] + arguments, in: folder)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("Error: "), "\(arguments): \(result.stderr)")
        }
        let features = try BatchProcess.run(["features", "film1.png", "--default-spacing", "1e-9"], in: folder)
        XCTAssertEqual(features.status, 2, features.stderr)
        for set in ["seed_sigmas=1e300", "outline_fraction=-1", "assumed_spacing_mm=1e-9", "skin_margin_mm=inf", "seed_sigmas=abc"] {
            let result = try BatchProcess.run(["features", "film1.png", "--set", set], in: folder)
            XCTAssertEqual(result.status, 2, "\(set): \(result.stderr)")
        }
        let accepted = try BatchProcess.run(["features", "film1.png", "--set", "bone_seed_sigmas=inf", "-o", "f.csv"], in: folder)
        XCTAssertEqual(accepted.status, 0, "infinity turns the bone search off: \(accepted.stderr)")
    }
}
