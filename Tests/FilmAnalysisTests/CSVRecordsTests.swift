import XCTest
@testable import FilmAnalysis

final class CSVRecordsTests: XCTestCase {
    func testRecordsAreFoundByQuotesNotLines() {
        let text = "file,status\n"
            + "plain.png,ok\n"
            + "\"a,comma.png\",ok\n"
            + "\"b\"\"quote.png\",error\n"
            + "\"c\nnew line.png\",ok\r\n"
            + "\"d.png"
        let (records, unfinished) = CSVRecords.split(text)
        XCTAssertEqual(records.map(\.firstField), ["file", "plain.png", "a,comma.png", "b\"quote.png", "c\nnew line.png"])
        XCTAssertEqual(records[4].text, "\"c\nnew line.png\",ok\r\n")
        XCTAssertEqual(unfinished, "\"d.png")
        XCTAssertEqual(records.map(\.text).joined() + unfinished, text, "nothing lost or added")
    }

    func testResumeKeepsOnlyTheFilmsDone() throws {
        let path = NSTemporaryDirectory() + "csv-records-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "file,id\na.png,1\nb.png,1\na.png,2\n\"c,x.png\",1\nd.p".write(toFile: path, atomically: true, encoding: .utf8)
        let dropped = try CSVRecords.resume(path: path, header: "file,id", keeping: ["a.png", "c,x.png"])
        XCTAssertEqual(dropped, 2, "b.png's row and the unfinished one")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "file,id\na.png,1\na.png,2\n\"c,x.png\",1\n")
        let missing = NSTemporaryDirectory() + "csv-records-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: missing) }
        try CSVRecords.resume(path: missing, header: "file,id", keeping: [])
        XCTAssertEqual(try String(contentsOfFile: missing, encoding: .utf8), "file,id\n")
    }
}
