import DetectKit
import Foundation
import XCTest

/// The library through its front door only: the README's example, the two `analyze` calls, and
/// the promises a Swift caller relies on (an error kind, a film whose size cannot change).
final class DetectKitTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = root.appendingPathComponent("sample-images/knee_circumscripta.png")

    /// The README shows exactly the code of ReadmeExample.swift, which this target compiles.
    func testReadmeExampleIsTheCompiledOne() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = "<!-- example: Tests/DetectKitTests/ReadmeExample.swift -->\n```swift\n"
        let start = try XCTUnwrap(readme.range(of: marker), "README.md has no example block").upperBound
        let end = try XCTUnwrap(readme.range(of: "```\n", range: start..<readme.endIndex)).lowerBound
        let compiled = try String(contentsOf: Self.root.appendingPathComponent("Tests/DetectKitTests/ReadmeExample.swift"), encoding: .utf8)
        XCTAssertEqual(String(readme[start..<end]), compiled)
    }

    func testReadmeExampleRuns() throws {
        XCTAssertTrue(summary(of: Self.sample.path).hasSuffix("): circumscripta"), summary(of: Self.sample.path))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("detectkit-\(UUID().uuidString).png")
        try Data(try Data(contentsOf: Self.sample).prefix(3000)).write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        XCTAssertTrue(summary(of: cut.path).hasPrefix("not analysed (truncated): PNG: "), summary(of: cut.path))
        XCTAssertEqual(summary(of: "/nonexistent/film.dcm"), "not analysed (io): no such file")
    }

    /// A film in memory gives what the same film read from its file gives.
    func testFilmInMemoryAndFromFileAgree() throws {
        let fromFile = try analyze(contentsOf: Self.sample)
        let inMemory = analyze(fromFile.film)
        XCTAssertEqual(inMemory.deposits, fromFile.deposits)
        XCTAssertFalse(inMemory.deposits.isEmpty)
        XCTAssertEqual(inMemory.distribution.label, .circumscripta)
        XCTAssertEqual(fromFile.timings.first?.stage, "decode")
        XCTAssertEqual(inMemory.timings.last?.stage, "classify")
        XCTAssertNotNil(inMemory.classifierModel)
    }

    /// An imposed spacing reaches the film, the detector's scales and the distribution figures.
    func testSpacingOverrideTravelsWithTheResult() throws {
        var options = AnalysisOptions()
        options.spacingOverride = PixelSpacing(isotropic: 0.3)
        let analysis = try analyze(contentsOf: Self.sample, options: options)
        XCTAssertEqual(analysis.film.spacingSource, .user)
        XCTAssertEqual(analysis.detection.spacingMM, 0.3)
        let area = try XCTUnwrap(analysis.distribution.metrics.first { $0.name == "deposit_area_mm2" }?.value)
        XCTAssertEqual(area, Double(analysis.deposits.map(\.areaPx).reduce(0, +)) * 0.09, accuracy: 1e-6)
    }

    /// A film that states no spacing: the distribution's mm figures name the spacing assumed.
    func testAnAssumedSpacingIsNamed() throws {
        let jpeg = Self.root.appendingPathComponent("sample-images/forearm_circumscripta.jpg")
        let analysis = try analyze(contentsOf: jpeg)
        XCTAssertNil(analysis.film.spacing)
        XCTAssertEqual(analysis.assumedSpacingMM, analysis.detection.spacingMM)
        XCTAssertTrue(analysis.distribution.reason.hasSuffix("(mm at an assumed pixel spacing of 0.15 mm: the film states none)"),
                      analysis.distribution.reason)
        var options = AnalysisOptions()
        options.spacingOverride = PixelSpacing(isotropic: 0.15)
        XCTAssertNil(try analyze(contentsOf: jpeg, options: options).assumedSpacingMM)
    }

    func testErrorsHaveAKindAndALimit() {
        var options = AnalysisOptions()
        options.limits = DecodeLimits(maxPixels: 1000)
        XCTAssertThrowsError(try analyze(contentsOf: Self.sample, options: options)) { error in
            let filmError = error as? FilmError
            XCTAssertEqual(filmError?.kind, .limit)
            XCTAssertEqual(filmError?.limit, .pixels)
            XCTAssertNil(filmError?.hint)
            XCTAssertFalse(filmError?.message.contains("--") ?? true, "\(error)")
        }
    }

    /// The unsafe kernels index `pixels` by `width` and `height`: neither can change after init.
    func testRadiographSizeAndSamplesAreImmutable() {
        XCTAssertFalse((\Radiograph.width as AnyKeyPath) is WritableKeyPath<Radiograph, Int>)
        XCTAssertFalse((\Radiograph.height as AnyKeyPath) is WritableKeyPath<Radiograph, Int>)
        XCTAssertFalse((\Radiograph.pixels as AnyKeyPath) is WritableKeyPath<Radiograph, [UInt16]>)
        XCTAssertFalse((\Radiograph.bitsStored as AnyKeyPath) is WritableKeyPath<Radiograph, Int>)
        XCTAssertTrue((\Radiograph.spacing as AnyKeyPath) is WritableKeyPath<Radiograph, PixelSpacing?>)
    }
}
