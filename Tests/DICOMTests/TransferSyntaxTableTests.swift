import Foundation
import XCTest
@testable import DICOM

/// The codec table is the one source of what is read: the README's list is generated from it.
final class TransferSyntaxTableTests: XCTestCase {
    static let begin = "<!-- transfer-syntaxes: generated from TransferSyntax.markdownTable; DETECT_WRITE_README=1 swift test --filter TransferSyntaxTableTests rewrites it -->"
    static let end = "<!-- end of transfer-syntaxes -->"

    func testReadmeListsExactlyTheTable() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md").standardizedFileURL
        let readme = try String(contentsOf: url, encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: Self.begin), "README.md has no generated transfer syntax list")
        let stop = try XCTUnwrap(readme.range(of: Self.end, range: start.upperBound..<readme.endIndex))
        let expected = "\n" + TransferSyntax.markdownTable + "\n"
        if ProcessInfo.processInfo.environment["DETECT_WRITE_README"] == "1" {
            try readme.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: expected).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(String(readme[start.upperBound..<stop.lowerBound]), expected,
                       "README.md's transfer syntax list differs from the codec table; DETECT_WRITE_README=1 swift test --filter TransferSyntaxTableTests rewrites it")
    }

    func testEveryEntryIsConsistent() {
        XCTAssertEqual(TransferSyntax.all.count, TransferSyntax.table.count, "one entry per UID")
        for s in TransferSyntax.all {
            XCTAssertEqual(s.isReadable, s.decoderName != nil, s.uid)
            XCTAssertTrue(s.uid.hasPrefix("1.2.840.10008.1.2"), s.uid)
            if !s.isReadable { XCTAssertTrue(s.refusal.message.contains("\(s.uid) (\(s.name)) is not supported"), s.uid) }
        }
        let readable = Set(TransferSyntax.all.filter(\.isReadable).map(\.uid))
        for uid in ["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
                    "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.4.51"] {
            XCTAssertTrue(readable.contains(uid), uid)
        }
        XCTAssertFalse(readable.contains("1.2.840.10008.1.2.4.55"), "progressive JPEG is refused")
    }
}
