import Radiography
import XCTest

/// The one CSV reader: RFC 4180 fields, exact record text for `--resume`, refusal of a quote
/// that never closes.
final class CSVReaderTests: XCTestCase {
    func testFieldsQuotesAndLineEnds() throws {
        let text = "\u{FEFF}a,b\r\n\"x,\"\"y\"\"\nz\",2\nlast,\"\""
        XCTAssertEqual(try CSVReader.rows(text), [["a", "b"], ["x,\"y\"\nz", "2"], ["last", ""]])
        let scan = CSVReader.scan(text)
        XCTAssertEqual(scan.records.map(\.text), ["\u{FEFF}a,b\r\n", "\"x,\"\"y\"\"\nz\",2\n"])
        XCTAssertEqual(scan.rest, "last,\"\"")
        XCTAssertEqual(scan.restFields, ["last", ""])
        XCTAssertFalse(scan.restEndsInQuotes)
    }

    func testUnclosedQuoteIsRefused() {
        XCTAssertThrowsError(try CSVReader.rows("a\n\"open,1\n2\n")) { error in
            XCTAssertEqual((error as? FilmError)?.kind, .malformed)
            XCTAssertEqual((error as? FilmError)?.message, "a quoted field opened in row 2 never closes")
        }
        XCTAssertTrue(CSVReader.scan("a\n\"open").restEndsInQuotes)
    }
}
