import Foundation
import XCTest
@testable import FilmAnalysis

final class InputWalkerTests: XCTestCase {
    var root: String!

    /// root/top.png, root/notes.txt, root/knee/a.dcm (no extension check: DICM at 128),
    /// root/knee/truth/a.mask.png, root/knee/loop → root, root/empty/
    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "walker-\(UUID().uuidString)"
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 40)
        let dicom = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + [0x02, 0x00, 0x00, 0x00]
        for folder in ["knee/truth", "empty"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try Data(png).write(to: URL(fileURLWithPath: root + "/top.png"))
        try Data("hello".utf8).write(to: URL(fileURLWithPath: root + "/notes.txt"))
        try Data(dicom).write(to: URL(fileURLWithPath: root + "/knee/a"))
        try Data(png).write(to: URL(fileURLWithPath: root + "/knee/truth/a.mask.png"))
        try FileManager.default.createSymbolicLink(atPath: root + "/knee/loop", withDestinationPath: "..")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func relative(_ walk: InputWalker.Walk) -> [String] { walk.films.map(\.relativePath) }

    func testRecursiveByContentWithLoops() {
        let walk = InputWalker().walk([root])
        XCTAssertEqual(relative(walk), ["knee/a", "knee/truth/a.mask.png", "top.png"], "name order, each once")
        XCTAssertEqual(walk.films.first?.path, root + "/knee/a")
        XCTAssertEqual(walk.skipped.map(\.path), [root + "/notes.txt"])
        XCTAssertEqual(walk.leftOut.map(\.path), [root + "/knee/loop"])
        XCTAssertTrue(walk.unreadable.isEmpty)
    }

    func testGlobsAndNoRecursion() {
        var walker = InputWalker()
        walker.exclude = ["truth/*"]
        XCTAssertEqual(relative(walker.walk([root])), ["knee/a", "top.png"])
        walker.exclude = ["truth"]
        XCTAssertEqual(relative(walker.walk([root])), ["knee/a", "top.png"])
        walker.exclude = []
        walker.include = ["*.png"]
        XCTAssertEqual(relative(walker.walk([root])), ["knee/truth/a.mask.png", "top.png"])
        walker.include = []
        walker.recursive = false
        XCTAssertEqual(relative(walker.walk([root])), ["top.png"])
        walker.recursive = true
        walker.avoiding = [root + "/knee"]
        XCTAssertEqual(relative(walker.walk([root])), ["top.png"])
    }

    func testFilesNamedDirectlyAreAlwaysFilms() {
        let walk = InputWalker().walk([root + "/notes.txt", root + "/missing.png", root + "/notes.txt"])
        XCTAssertEqual(walk.films.map(\.path), [root + "/notes.txt", root + "/missing.png"])
        XCTAssertEqual(walk.films.map(\.foundInFolder), [false, false])
    }

    func testListedPaths() {
        XCTAssertEqual(InputWalker.listedPaths("a.png\n\n  b c.dcm \r\nd\n"), ["a.png", "b c.dcm", "d"])
    }
}
