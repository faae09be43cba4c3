#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ImageIO
import Radiography
import XCTest
import TestSupport

/// What is read into memory from disk: regular files within the size limit, nothing else, and
/// never a read without end.
final class FilmFileReaderTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "/film-file-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func message(_ path: String, limits: DecodeLimits = .standard) -> String {
        do {
            let bytes = try FilmFileReader.read(path: path, limits: limits)
            XCTFail("read \(bytes.count) bytes from \(path)")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testRegularFile() throws {
        let path = folder + "/film.dcm"
        let bytes = TestFilms.dicom()
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        XCTAssertEqual(try FilmFileReader.read(path: path), bytes)
        XCTAssertEqual(try FilmFileReader.read(path: path, limits: DecodeLimits(maxFileBytes: bytes.count)), bytes)
        XCTAssertEqual(message(path, limits: DecodeLimits(maxFileBytes: bytes.count - 1)),
                       "file is \(bytes.count) bytes, over the limit of \(bytes.count - 1) bytes")
    }

    /// `/dev/zero` never ends: read "to the end" it would fill memory.
    func testDevicesAreNotRead() {
        XCTAssertEqual(message("/dev/zero"), "is not a regular file (a device, pipe or socket), so it is not read")
        XCTAssertEqual(message("/dev/urandom"), "is not a regular file (a device, pipe or socket), so it is not read")
    }

    /// A FIFO without a writer would block an ordinary open for ever.
    func testFIFOIsRefusedWithoutBlocking() throws {
        let path = folder + "/pipe"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        let start = Date()
        XCTAssertEqual(message(path), "is not a regular file (a device, pipe or socket), so it is not read")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testOtherRefusals() throws {
        XCTAssertEqual(message(folder + "/missing.png"), "no such file")
        XCTAssertEqual(message(folder), "is a folder, not a film")
        let empty = folder + "/empty.png"
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertEqual(message(empty), "file is empty")
        XCTAssertEqual(message("a\u{0}b"), "the path contains a NUL character")
    }
}
