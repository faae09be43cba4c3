import Foundation
import XCTest
import TestSupport

/// `detect info` and `detect convert` run as a user would, on the DICOM test fixtures (written
/// by pydicom; pixel formulas as in Tests/DICOMTests/make_fixtures.py).
final class InfoConvertCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try DetectProcess.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func dicom(_ name: String) -> String {
        DetectProcess.packageRoot.appendingPathComponent("Tests/DICOMTests/Fixtures/\(name)").path
    }

    func testInfoJSONHasTheIssueKeysAsNumbersAndLists() throws {
        let result = try DetectProcess.run(["info", "--json", dicom("rescale_window.dcm")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["transfer_syntax_uid"] as? String, "1.2.840.10008.1.2.1")
        XCTAssertEqual(object["rows"] as? Int, 30)
        XCTAssertEqual(object["columns"] as? Int, 40)
        XCTAssertEqual(object["rescale_slope"] as? Double, 0.5)
        XCTAssertEqual(object["window_center"] as? Double, 40)
        XCTAssertEqual(object["pixel_spacing"] as? [Double], [0, 0])
        XCTAssertEqual(object["imager_pixel_spacing"] as? [Double], [0.125, 0.125])
        XCTAssertEqual(object["spacing_source"] as? String, "imager_pixel_spacing")
        XCTAssertNil(object["number_of_frames"])  // absent in the file, so absent here

        let text = try DetectProcess.run(["info", dicom("jpeg2000.dcm")])
        XCTAssertEqual(text.status, 0)
        XCTAssertTrue(text.stdout.contains("JPEG 2000 Image Compression (Lossless Only)"))
        XCTAssertTrue(text.stdout.contains("pixels_readable             true"))
    }

    /// A 12-bit JPEG Extended film (DCMTK-compressed) through info, convert and analysis; YCbCr
    /// kept as stored with --keep-ybr (values: ConvertValueTests and DICOMJPEGExtendedTests).
    func testJPEGExtendedFilmThroughInfoConvertAndAnalysis() throws {
        let film = dicom("dcmtk_jpegext_12bit.dcm")
        let info = try DetectProcess.run(["info", "--json", film])
        XCTAssertEqual(info.status, 0, info.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["transfer_syntax_uid"] as? String, "1.2.840.10008.1.2.4.51")
        XCTAssertEqual(object["pixels_readable"] as? Bool, true)
        XCTAssertEqual(object["bits_stored"] as? Int, 12)
        let npy = folder.appendingPathComponent("ext.npy").path
        XCTAssertEqual(try DetectProcess.run(["convert", film, npy]).status, 0)
        XCTAssertTrue(try NumpyArray(contentsOf: npy).values.contains { $0 > 255 }, "12-bit values")
        let png = folder.appendingPathComponent("ext.png").path
        XCTAssertEqual(try DetectProcess.run(["convert", film, png]).status, 0)
        let analysis = try DetectProcess.run(["analyze", "--format", "json", film])
        XCTAssertEqual(analysis.status, 0, analysis.stderr)
        XCTAssertTrue(analysis.stdout.contains("\"status\":\"ok\""), analysis.stdout)
        XCTAssertTrue(analysis.stdout.contains("\"width\":40,\"height\":30"), analysis.stdout)

        let ybr = folder.appendingPathComponent("ybr.npy").path
        XCTAssertEqual(try DetectProcess.run(["convert", "--keep-ybr", dicom("ybr_full_sweep.dcm"), ybr]).status, 0)
        let rgb = folder.appendingPathComponent("rgb.npy").path
        XCTAssertEqual(try DetectProcess.run(["convert", dicom("ybr_full_sweep.dcm"), rgb]).status, 0)
        XCTAssertNotEqual(try NumpyArray(contentsOf: ybr).values, try NumpyArray(contentsOf: rgb).values)
        XCTAssertEqual(try DetectProcess.run(["convert", "--keep-ybr", film, png]).status, 2, "--keep-ybr is for .npy")
    }

    func testUnreadableFileIsOneLineAndExitOne() throws {
        let missing = folder.appendingPathComponent("none.dcm").path
        for command in [["info", missing], ["convert", missing, folder.appendingPathComponent("x.npy").path]] {
            let result = try DetectProcess.run(command)
            XCTAssertEqual(result.status, 1)
            XCTAssertFalse(result.crashed)
            XCTAssertEqual(result.stderr, "detect: \(missing): no such file\n")
        }
    }

    func testConvertNpyWritesStoredValues() throws {
        let out = folder.appendingPathComponent("signed.npy").path
        let result = try DetectProcess.run(["convert", dicom("signed12.dcm"), out])
        XCTAssertEqual(result.status, 0, result.stderr)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<i2', 'fortran_order': False, 'shape': (30, 40), }"), header)
        let body = Array(bytes[(10 + headerLength)...])
        XCTAssertEqual(body.count, 2 * 30 * 40)
        var values: [Int] = []
        for i in 0..<(30 * 40) { values.append(Int(Int16(bitPattern: UInt16(body[2 * i]) | UInt16(body[2 * i + 1]) << 8))) }
        var expected: [Int] = []
        for y in 0..<30 { for x in 0..<40 { expected.append((x * 97 + y * 61 + 5) % 4096 - 2048) } }
        XCTAssertEqual(values, expected)
    }

    func testConvertPNGDisplayAndRaw() throws {
        let display = folder.appendingPathComponent("mono1.png").path
        XCTAssertEqual(try DetectProcess.run(["convert", dicom("mono1_12bit.dcm"), display]).status, 0)
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: display)))
        XCTAssertEqual(Array(png[12..<16]), Array("IHDR".utf8))
        XCTAssertEqual(png[24], 8)  // 8-bit display image
        let raw = folder.appendingPathComponent("raw.png").path
        XCTAssertEqual(try DetectProcess.run(["convert", "--raw", dicom("bits12_garbage.dcm"), raw]).status, 0)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))[24], 16)

        let signed = try DetectProcess.run(["convert", "--raw", dicom("signed12.dcm"), raw])
        XCTAssertEqual(signed.status, 1)
        XCTAssertTrue(signed.stderr.contains("--raw writes unsigned grayscale of up to 16 bits"), signed.stderr)
        XCTAssertEqual(try DetectProcess.run(["convert", dicom("signed12.dcm"), folder.appendingPathComponent("x.tiff").path]).status, 2)
        let frame = try DetectProcess.run(["convert", "--frame", "4", dicom("multiframe3.dcm"), folder.appendingPathComponent("f.npy").path])
        XCTAssertEqual(frame.status, 1)
        XCTAssertTrue(frame.stderr.hasSuffix("DICOM: frame 4 was asked for but the file has 3 frames\n"), frame.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("f.npy").path))
    }
}
