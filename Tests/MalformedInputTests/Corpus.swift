import DICOM
import FilmAnalysis
import Foundation
import ImageIO
import Radiography
import XCTest
import TestSupport

/// The valid files the malformed corpus is made from: small films written by the project's own
/// encoders, and the fixtures other toolkits wrote for the DICOM and ImageIO tests (read from
/// those targets' folders, not copied).
enum Corpus {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ relativePath: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let url = root.appendingPathComponent(relativePath)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: url.path), "missing \(relativePath)", file: file, line: line)
        return [UInt8](data)
    }

    static func dicomFixture(_ name: String) throws -> [UInt8] { try fixture("Tests/DICOMTests/Fixtures/" + name) }
    static func imageFixture(_ name: String) throws -> [UInt8] { try fixture("Tests/ImageIOTests/Fixtures/" + name) }

    /// One of every kind the readers take, small enough to be cut at every byte.
    static func validFiles() throws -> [(name: String, bytes: [UInt8])] {
        [
            ("explicit LE 16-bit", TestFilms.dicom()),
            ("implicit LE MONOCHROME1", TestFilms.dicom(syntax: .implicitLittle, photometric: .monochrome1)),
            ("big endian", try dicomFixture("big_endian.dcm")),
            ("deflated", try dicomFixture("deflated.dcm")),
            ("private sequences", try dicomFixture("private_sequence_explicit.dcm")),
            ("RLE 16-bit", try dicomFixture("rle_16bit.dcm")),
            ("RLE RGB", try dicomFixture("rle_rgb.dcm")),
            ("JPEG Lossless SV1", try dicomFixture("dcmtk_jpegll_sv1_16bit.dcm")),
            ("JPEG Lossless restarts", try dicomFixture("py_jpegll_restart_sv1_16bit.dcm")),
            ("JPEG Baseline in DICOM", try dicomFixture("dcmtk_jpegbase_gray.dcm")),
            ("PNG gray 8", try TestFilms.png()),
            ("PNG gray 16", try TestFilms.png(bitDepth: 16)),
            ("PNG palette Adam7", try imageFixture("palette4_adam7.png")),
            ("PNG RGB", try imageFixture("rgb8.png")),
            ("JPEG gray", try TestFilms.jpeg()),
            ("JPEG progressive colour", try imageFixture("color_progressive.jpg")),
        ]
    }
}

/// Every reader a file goes through in `detect`, with the time each call takes bounded.
enum Readers {
    /// Small enough that no case may legitimately take long or allocate much.
    static let limits = DecodeLimits(maxPixels: 1 << 20, maxFileBytes: 1 << 24)
    /// A generous bound for one decode of a tiny file in a debug build on a busy machine.
    static let secondsPerCase = 2.0

    /// The film `FilmLoader.decode` makes of the bytes, or the FilmError it throws; also runs the
    /// header readers (DICOMHeader, stored values, ImageInfo) for their crashes. Any other error
    /// type, or a call slower than `secondsPerCase`, fails the test.
    static func read(_ bytes: [UInt8], _ what: @autoclosure () -> String,
                     file: StaticString = #filePath, line: UInt = #line) -> Result<Radiograph, FilmError> {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            XCTAssertLessThan(seconds, secondsPerCase, "\(what()) took \(seconds) s", file: file, line: line)
        }
        switch FormatSniffer.format(of: bytes) {
        case .dicom?:
            _ = try? DICOMHeader.read(bytes, limits: limits)
            if let stored = try? DICOMDecoder.storedValues(bytes, limits: limits) {
                XCTAssertEqual(stored.bytes.count, stored.count * stored.sampleType.byteCount, what(), file: file, line: line)
            }
        case .png?, .jpeg?:
            _ = try? ImageInfo.read(bytes)
        case nil:
            break
        }
        do {
            let film = try FilmLoader.decode(bytes, limits: limits)
            XCTAssertEqual(film.pixels.count, film.width * film.height, what(), file: file, line: line)
            XCTAssertLessThanOrEqual(film.width * film.height, limits.maxPixels, what(), file: file, line: line)
            XCTAssertTrue(film.pixels.allSatisfy { Int($0) <= film.maximumValue }, "\(what()): sample above bitsStored", file: file, line: line)
            return .success(film)
        } catch let error as FilmError {
            XCTAssertFalse(error.message.isEmpty, what(), file: file, line: line)
            XCTAssertFalse(error.message.contains("--"), "\(what()): \(error.message)", file: file, line: line)
            return .failure(error)
        } catch {
            XCTFail("\(what()): not a FilmError: \(error)", file: file, line: line)
            return .failure(FilmError(.malformed, "\(error)"))
        }
    }

    /// The message of the FilmError the bytes must give.
    static func error(_ bytes: [UInt8], _ what: @autoclosure () -> String, limits: DecodeLimits = limits,
                      file: StaticString = #filePath, line: UInt = #line) -> String {
        failure(bytes, what(), limits: limits, file: file, line: line)?.message ?? ""
    }

    /// The FilmError the bytes must give (nil, after a test failure, when they give none).
    static func failure(_ bytes: [UInt8], _ what: @autoclosure () -> String, limits: DecodeLimits = limits,
                        file: StaticString = #filePath, line: UInt = #line) -> FilmError? {
        do {
            let film = try FilmLoader.decode(bytes, limits: limits)
            XCTFail("\(what()): decoded as \(film.width)×\(film.height) instead of failing", file: file, line: line)
            return nil
        } catch let error as FilmError {
            // Library messages name no command-line option: the command line adds its own hints.
            XCTAssertFalse(error.message.contains("--"), "\(what()): \(error.message)", file: file, line: line)
            return error
        } catch {
            XCTFail("\(what()): not a FilmError: \(error)", file: file, line: line)
            return nil
        }
    }
}
