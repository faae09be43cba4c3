import Foundation
import Radiography
import XCTest

/// The committed fixtures (see make_fixtures.py and make_jpeg_fixtures.py) and their expected
/// values, which those scripts computed by formula or with Pillow, never with the code under test.
enum Fixtures {
    static func bytes(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"),
                                "missing fixture \(name)", file: file, line: line)
        return [UInt8](try Data(contentsOf: url))
    }

    struct ExpectedImage: Decodable {
        var width: Int
        var height: Int
        var bitsStored: Int?
        var pixels: [Int]
        var spacing: [Double]?
    }

    struct PNGExpectations: Decodable {
        var images: [String: ExpectedImage]
        var errors: [String: String]
    }

    static func pngExpectations() throws -> PNGExpectations {
        try JSONDecoder().decode(PNGExpectations.self, from: Data(try bytes("png_expected.json")))
    }

    static func jpegExpectations() throws -> [String: ExpectedImage] {
        try JSONDecoder().decode([String: ExpectedImage].self, from: Data(try bytes("jpeg_expected.json")))
    }
}


/// Asserts that `body` throws a `FilmError` whose message starts with `prefix` and contains `fragment`.
func XCTAssertFilmError<T>(_ body: @autoclosure () throws -> T, prefix: String, contains fragment: String = "",
                           file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error containing \"\(fragment)\"", file: file, line: line)
    } catch let error as FilmError {
        XCTAssertTrue(error.message.hasPrefix(prefix), "\(error.message)", file: file, line: line)
        if !fragment.isEmpty {
            XCTAssertTrue(error.message.contains(fragment), "\(error.message)", file: file, line: line)
        }
    } catch {
        XCTFail("not a FilmError: \(error)", file: file, line: line)
    }
}
