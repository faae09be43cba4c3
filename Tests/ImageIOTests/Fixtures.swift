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
