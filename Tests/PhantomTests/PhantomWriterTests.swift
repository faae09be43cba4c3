import DICOM
import Foundation
import ImageIO
import Phantom
import Radiography
import XCTest

/// The written files read back by the project's own decoders (written by other people, from the
/// file formats' specifications), and the sample set against the generator.
final class PhantomWriterTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "phantom-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static let spec = PhantomSpec(anatomy: .elbow, distribution: .circumscripta, width: 300, height: 420, spacingMM: 0.5, seed: 7,
                                  collimation: true, marker: true)

    private func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testPNGAndMaskReadBackUnchangedWithSpacing() throws {
        let film = PhantomGenerator.make(Self.spec)
        let paths = try PhantomWriter.write(film, to: folder, name: "f", formats: [.png])
        XCTAssertEqual(paths.map { ($0 as NSString).lastPathComponent }, ["f.png", "f.mask.png", "f.truth.json"])
        let png = try PNGDecoder.decode(try bytes(paths[0]))
        XCTAssertEqual(png.pixels, film.radiograph.pixels)
        XCTAssertEqual(png.width, 300)
        XCTAssertEqual(png.spacing?.row ?? 0, 0.5, accuracy: 1e-4)
        let mask = try PNGDecoder.decode(try bytes(paths[1]))
        XCTAssertEqual(mask.pixels, film.labelMask)
        let truth = try JSONDecoder().decode(PhantomTruth.self, from: Data(try bytes(paths[2])))
        XCTAssertEqual(truth, film.truth)
    }

    func testDICOMMonochrome1ReadsBackAsTheFilm() throws {
        let film = PhantomGenerator.make(Self.spec)
        for (photometric, syntax, tag) in [(DICOMFilm.Photometric.monochrome1, DICOMFilm.Syntax.implicitLittle, DICOMSpacingTag.pixelSpacing),
                                           (.monochrome2, .explicitLittle, .imagerPixelSpacing)] {
            let paths = try PhantomWriter.write(film, to: folder, name: "d", formats: [.dicom], dicom: photometric,
                                                dicomSyntax: syntax, dicomSpacingTag: tag)
            let read = try DICOMDecoder.decode(try bytes(paths[0]))
            XCTAssertEqual(read.pixels, film.radiograph.pixels, "\(photometric)")
            XCTAssertEqual(read.bitsStored, 12)
            XCTAssertEqual(read.spacingSource, tag == .pixelSpacing ? .pixelSpacing : .imagerPixelSpacing)
            XCTAssertEqual(read.spacing?.column ?? 0, 0.5, accuracy: 1e-6)
        }
    }

    func testJPEGIsWindowedEightBit() throws {
        let film = PhantomGenerator.make(Self.spec)
        let paths = try PhantomWriter.write(film, to: folder, name: "j", formats: [.jpeg])
        let jpeg = try JPEGDecoder.decode(try bytes(paths[0]))
        XCTAssertEqual(jpeg.width, 300)
        XCTAssertEqual(jpeg.height, 420)
        XCTAssertLessThanOrEqual(jpeg.pixels.max() ?? 0, 255)
        // Brighter where the film is brighter: the JPEG correlates with the 12-bit film.
        let a = film.radiograph.pixels.map(Double.init), b = jpeg.pixels.map(Double.init)
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
        XCTAssertGreaterThan(sab / (saa * sbb).squareRoot(), 0.9)
    }

    func testWritingTwiceGivesIdenticalBytes() throws {
        let a = try PhantomWriter.write(PhantomGenerator.make(Self.spec), to: folder + "/a", name: "x", formats: [.png, .jpeg, .dicom])
        let b = try PhantomWriter.write(PhantomGenerator.make(Self.spec), to: folder + "/b", name: "x", formats: [.png, .jpeg, .dicom])
        XCTAssertEqual(a.count, 5)
        for (p, q) in zip(a, b) { XCTAssertEqual(try bytes(p), try bytes(q), p) }
    }

    func testBadNameIsAnError() {
        let film = PhantomGenerator.make(Self.spec)
        XCTAssertThrowsError(try PhantomWriter.write(film, to: folder, name: "a/b", formats: [.png]))
        XCTAssertThrowsError(try PhantomWriter.write(film, to: folder, name: "", formats: [.png]))
    }

    /// Every committed file in sample-images/ is what the generator makes today: the set is
    /// regenerated into a temporary folder and each film and mask compared by its decoded pixels
    /// (size, spacing and a hash of the values, so a libpng or zlib update that changes the bytes
    /// but not the image does not fail), each truth JSON, the manifest and the README byte for
    /// byte. A file in either folder and not in the other fails too.
    func testCommittedSampleSetMatchesTheGenerator() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = root.appendingPathComponent("sample-images").path
        let generated = folder + "/sample-images"
        try SampleSet.write(to: generated)
        let fm = FileManager.default
        func files(_ dir: String) throws -> [String] {
            try fm.subpathsOfDirectory(atPath: dir).filter { path in
                var isFolder: ObjCBool = false
                return fm.fileExists(atPath: dir + "/" + path, isDirectory: &isFolder) && !isFolder.boolValue
            }.sorted()
        }
        let names = try files(committed)
        XCTAssertEqual(names, try files(generated), "sample-images holds other files than the generator writes")
        XCTAssertGreaterThanOrEqual(names.filter { $0.hasSuffix(".truth.json") }.count, SampleSet.entries.count)
        var compared = 0
        for name in names where fm.fileExists(atPath: generated + "/" + name) {
            let ours = try bytes(committed + "/" + name), fresh = try bytes(generated + "/" + name)
            switch (name as NSString).pathExtension {
            case "png", "jpg", "dcm":
                let a = try Self.decode(ours, name), b = try Self.decode(fresh, name)
                XCTAssertEqual(a.width, b.width, name)
                XCTAssertEqual(a.height, b.height, name)
                XCTAssertEqual(a.spacing, b.spacing, name)
                if a.pixels != b.pixels {
                    let differing = zip(a.pixels, b.pixels).filter { $0 != $1 }.count
                    XCTFail("sample-images/\(name) has drifted from the generator: pixel hash \(Self.hash(a.pixels)) != "
                            + "\(Self.hash(b.pixels)), \(differing) pixels differ; regenerate with detect phantom --sample-set sample-images")
                }
            default:
                XCTAssertTrue(ours == fresh, "sample-images/\(name) differs from what the generator writes (hash \(Self.hash(ours)) != "
                              + "\(Self.hash(fresh))); regenerate with detect phantom --sample-set sample-images")
            }
            compared += 1
        }
        XCTAssertEqual(compared, names.count)
    }

    private static func decode(_ bytes: [UInt8], _ name: String) throws -> Radiograph {
        switch (name as NSString).pathExtension {
        case "png": return try PNGDecoder.decode(bytes)
        case "jpg": return try JPEGDecoder.decode(bytes)
        default: return try DICOMDecoder.decode(bytes)
        }
    }

    /// FNV-1a over the values, to name a difference without printing millions of pixels.
    private static func hash<T: FixedWidthInteger>(_ values: [T]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            h = (h ^ UInt64(truncatingIfNeeded: v)) &* 0x0000_0100_0000_01B3
        }
        return String(h, radix: 16)
    }
}
