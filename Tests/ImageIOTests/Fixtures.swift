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

/// SplitMix64: a tiny seeded generator so the "random" inputs are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
