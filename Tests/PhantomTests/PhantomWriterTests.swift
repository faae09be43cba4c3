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

    /// The committed sample set is what the generator makes today (truth of one film compared).
    func testCommittedSampleTruthMatchesGenerator() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let entry = SampleSet.entries.first { $0.name == "knee_circumscripta" }!
        let path = root.appendingPathComponent("sample-images/truth/\(entry.name).truth.json").path
        let committed = try JSONDecoder().decode(PhantomTruth.self, from: Data(try bytes(path)))
        XCTAssertEqual(committed, PhantomGenerator.make(entry.spec).truth, "sample-images is stale: regenerate it")
    }
}
