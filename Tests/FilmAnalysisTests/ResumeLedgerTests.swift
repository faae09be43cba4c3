import Foundation
import Reporting
import Radiography
import XCTest
@testable import FilmAnalysis

final class ResumeLedgerTests: XCTestCase {
    /// A blank film, analysed once.
    static let blank = analyze(Radiograph(width: 64, height: 64, pixels: [UInt16](repeating: 0, count: 64 * 64), bitsStored: 8, format: .png))

    func line(_ file: String, ok: Bool = true, size: Int64 = 10, modified: String = "2026-01-01T00:00:00.000000000Z") -> String {
        let report = ok ? FilmReport(file: file, analysis: Self.blank) : FilmReport.failure(file: file, error: FilmError(.malformed, "PNG: truncated"))
        return ResultLine.json(report, identity: FilmIdentity(path: file, size: size, modified: modified))
    }

    func testPlanKeepsWhatIsDoneAndDropsWhatWouldRepeat() throws {
        let path = NSTemporaryDirectory() + "ledger-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = line("a.png") + line("b.png", ok: false) + line("c.png", size: 99) + line("a.png")
            + "not json\n" + line("other-batch.png") + "{\"file\":\"d.p"
        try text.write(toFile: path, atomically: true, encoding: .utf8)

        let ledger = try ResumeLedger.read(path: path)
        XCTAssertEqual(ledger.lines.count, 6)
        XCTAssertEqual(ledger.unfinished, "{\"file\":\"d.p")
        let now: [String: FilmIdentity?] = [
            "a.png": FilmIdentity(path: "a.png", size: 10, modified: "2026-01-01T00:00:00.000000000Z"),
            "b.png": FilmIdentity(path: "b.png", size: 10, modified: "2026-01-01T00:00:00.000000000Z"),
            "c.png": FilmIdentity(path: "c.png", size: 10, modified: "2026-01-01T00:00:00.000000000Z"),  // changed since
            "d.png": FilmIdentity(path: "d.png", size: 10, modified: "2026-01-01T00:00:00.000000000Z"),
        ]
        let plan = ledger.plan(for: now)
        XCTAssertEqual(plan.done, ["a.png": true, "b.png": false])
        XCTAssertEqual(plan.kept, line("a.png") + line("b.png", ok: false) + line("other-batch.png"))
        XCTAssertEqual(plan.removed.count, 4, "\(plan.removed)")

        let retry = ledger.plan(for: now, retryFailed: true)
        XCTAssertEqual(retry.done, ["a.png": true])

        try ResumeLedger.apply(plan, to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), plan.kept)
        let clean = try ResumeLedger.read(path: path).plan(for: now)
        XCTAssertEqual(clean.removed, [], "a second resume finds nothing to remove")
        XCTAssertEqual(clean.done, ["a.png": true, "b.png": false])
    }

    func testMissingFileIsAnEmptyLedger() throws {
        let ledger = try ResumeLedger.read(path: NSTemporaryDirectory() + "no-such-\(UUID().uuidString).jsonl")
        XCTAssertTrue(ledger.lines.isEmpty)
        XCTAssertTrue(ledger.plan(for: [:]).removed.isEmpty)
    }

    func testIdentityTimeIsISO8601WithNanoseconds() {
        XCTAssertEqual(FilmIdentity.isoTime(seconds: 1_000_000_000, nanoseconds: 5), "2001-09-09T01:46:40.000000005Z")
        XCTAssertEqual(FilmIdentity.isoTime(seconds: 0, nanoseconds: 999_999_999), "1970-01-01T00:00:00.999999999Z")
    }
}
