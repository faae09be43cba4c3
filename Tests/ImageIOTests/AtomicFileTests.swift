#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ImageIO
import Radiography
import XCTest
import TestSupport

final class AtomicFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        var template = Array((NSTemporaryDirectory() + "/atomicfile-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        folder = String(cString: try XCTUnwrap(made))
    }

    override func tearDownWithError() throws {
        chmod(folder, 0o755)
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    private func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    func testWritesAndReplaces() throws {
        let path = folder + "/report.json"
        try AtomicFile.write("first", to: path)
        XCTAssertEqual(contents(path), Array("first".utf8))
        try AtomicFile.write([1, 2, 3], to: path)
        XCTAssertEqual(contents(path), [1, 2, 3])
        XCTAssertEqual(try entries(), ["report.json"], "no temporary file left behind")
    }

    func testReplacingKeepsPermissionBits() throws {
        let path = folder + "/overlay.png"
        try AtomicFile.write("old", to: path)
        XCTAssertEqual(chmod(path, 0o640), 0)
        try AtomicFile.write("new", to: path)
        var status = stat()
        XCTAssertEqual(stat(path, &status), 0)
        XCTAssertEqual(status.st_mode & 0o777, 0o640)
    }

    /// A write that fails half-way (file size limit reached) leaves the old file and no debris.
    func testFailedWriteLeavesTheOldFileIntact() throws {
        let path = folder + "/film.png"
        try AtomicFile.write("previous film", to: path)
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved), 0)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var small = saved
        small.rlim_cur = 4096
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small), 0)
        defer {
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
            signal(SIGXFSZ, previousHandler)
        }
        XCTAssertFilmError(try AtomicFile.write([UInt8](repeating: 7, count: 100_000), to: path),
                           prefix: "cannot write the file: ", contains: "too large")
        XCTAssertEqual(contents(path), Array("previous film".utf8))
        XCTAssertEqual(try entries(), ["film.png"])
    }

    /// The temporary file cannot be created: the open-file limit is lowered to the lowest free
    /// descriptor, so `open` fails with EMFILE, which binds root too (a read-only folder does not:
    /// root writes into it, and CI runs as root). The old file stays and nothing is left beside it.
    func testFailedCreateLeavesTheOldFileIntact() throws {
        let path = folder + "/film.png"
        try AtomicFile.write("previous film", to: path)
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved), 0)
        let lowestFree = open("/dev/null", O_RDONLY)
        XCTAssertGreaterThanOrEqual(lowestFree, 0)
        close(lowestFree)
        var none = saved
        none.rlim_cur = rlim_t(lowestFree)
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &none), 0)
        var failure: Error?
        do { try AtomicFile.write("new", to: path) } catch { failure = error }
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &saved), 0)
        let message = try XCTUnwrap(failure as? FilmError, "the write succeeded without a free descriptor").message
        XCTAssertTrue(message.hasPrefix("cannot create a file in its folder: "), message)
        XCTAssertEqual(contents(path), Array("previous film".utf8))
        XCTAssertEqual(try entries(), ["film.png"])
    }

    func testInvalidPaths() throws {
        XCTAssertFilmError(try AtomicFile.write("x", to: ""), prefix: "cannot write: ")
        XCTAssertFilmError(try AtomicFile.write("x", to: folder + "/"), prefix: "cannot write: ")
        XCTAssertFilmError(try AtomicFile.write("x", to: folder + "/missing/out.json"), prefix: "cannot create a file in its folder: ")
        // A folder where the file should go: the rename fails and the folder is untouched.
        XCTAssertEqual(mkdir(folder + "/taken", 0o755), 0)
        try AtomicFile.write("inside", to: folder + "/taken/keep.txt")
        XCTAssertFilmError(try AtomicFile.write("x", to: folder + "/taken"), prefix: "cannot replace the file: ")
        XCTAssertEqual(contents(folder + "/taken/keep.txt"), Array("inside".utf8))
        XCTAssertEqual(try entries(), ["taken"])
        // A file used as a folder.
        try AtomicFile.write("plain", to: folder + "/plain.txt")
        XCTAssertFilmError(try AtomicFile.write("x", to: folder + "/plain.txt/out.json"), prefix: "cannot create a file in its folder: ")
        XCTAssertEqual(contents(folder + "/plain.txt"), Array("plain".utf8))
    }

    func testRelativePathWritesInTheCurrentFolder() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("here", to: "relative.txt")
        XCTAssertEqual(contents(folder + "/relative.txt"), Array("here".utf8))
    }
}
