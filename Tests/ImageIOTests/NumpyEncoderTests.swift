import ImageIO
import Foundation
import Radiography
import TestSupport
import XCTest

/// The `.npy` writer: NumPy's format 1.0 header, the data 64-byte aligned, little-endian samples.
final class NumpyEncoderTests: XCTestCase {
    func testSixteenBitFilmIsLittleEndianUInt16HeightByWidth() {
        let film = Radiograph(width: 3, height: 2, pixels: [0, 1, 0x0102, 4095, 7, 0x0A0B], bitsStored: 12, format: .png)
        let bytes = NumpyEncoder.encode(film)
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data must start on a 64-byte boundary")
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }"), header)
        XCTAssertTrue(header.hasSuffix(" \n"), header)
        XCTAssertEqual(Array(bytes[(10 + headerLength)...]), [0, 0, 1, 0, 2, 1, 0xFF, 0x0F, 7, 0, 0x0B, 0x0A])
    }

    func testEightBitFilmIsOneBytePerSample() {
        let film = Radiograph(width: 2, height: 1, pixels: [9, 255], bitsStored: 8, format: .jpeg)
        let bytes = NumpyEncoder.encode(film)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertTrue(String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self).contains("'descr': '|u1'"))
        XCTAssertEqual(Array(bytes[(10 + headerLength)...]), [9, 255])
    }

    func testOneDimensionalShapeHasPythonsTrailingComma() {
        let bytes = NumpyEncoder.encode(descriptor: "<i4", shape: [1], body: [1, 0, 0, 0])
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).contains("'shape': (1,), }"))
        XCTAssertEqual(Array(bytes.suffix(4)), [1, 0, 0, 0])
    }

    /// Read back by the tests' own `.npy` reader (the one that compares `detect convert` with numpy).
    func testReadsBackAsTheSameArray() throws {
        let film = Radiograph(width: 5, height: 3, pixels: (0..<15).map { UInt16($0 * 250) }, bitsStored: 12, format: .png)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString).npy")
        try Data(NumpyEncoder.encode(film)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let array = try NumpyArray(contentsOf: url.path)
        XCTAssertEqual(array.descr, "<u2")
        XCTAssertEqual(array.shape, [3, 5])
        XCTAssertEqual(array.values, film.pixels.map(Int64.init))
    }
}
