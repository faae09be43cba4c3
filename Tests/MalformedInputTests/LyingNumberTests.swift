import Classification
import DICOM
import Detection
import FilmAnalysis
import Foundation
import ImageIO
import Radiography
import Reporting
import XCTest
import TestSupport

/// Numbers that parse and lie (issue 12): a Pixel Spacing of 1e-9 passes "finite and positive"
/// and made the detector's mm→pixel scales absurd (a 35 GB allocation or a trap converting a
/// Double to Int). Every field is tried with the extremes: 0, denormals, 1e-300, 1e300, NaN,
/// ±infinity, negative values and values just outside the plausible ranges.
final class LyingNumberTests: XCTestCase {
    static let extremes: [Double] = [0, -0.0, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1e-300, 1e-9, 1e-6, 0.0099,
                                     5.0001, 1e6, 1e300, .greatestFiniteMagnitude, -1, -1e300, .nan, .infinity, -.infinity]

    /// A 96×96 film: a ramp with a few bright specks, so the detector has candidates to measure.
    static func stored(width: Int = 96, height: Int = 96) -> [UInt16] {
        (0..<(width * height)).map { i in
            let x = i % width, y = i / width
            let speck = (x % 24 == 12 && y % 24 == 12) ? 900 : 0
            return UInt16(1000 + x * 8 + y * 3 + speck)
        }
    }

    static func dicom(pixelSpacing: PixelSpacing? = nil, imagerSpacing: PixelSpacing? = nil, slope: Double? = nil,
                      intercept: Double? = nil, center: Double? = nil, width: Double? = nil) -> [UInt8] {
        DICOMEncoder.encode(DICOMFilm(width: 96, height: 96, storedValues: stored(), bitsStored: 12,
                                      pixelSpacing: pixelSpacing, imagerPixelSpacing: imagerSpacing,
                                      rescaleSlope: slope, rescaleIntercept: intercept,
                                      windowCenter: center, windowWidth: width))
    }

    /// The film, whole pipeline through a file as `detect` runs it.
    func testPixelSpacingOf1eMinus9IsIgnoredWithOneWarning() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lying-spacing-\(getpid()).dcm")
        try Data(Self.dicom(pixelSpacing: PixelSpacing(isotropic: 1e-9))).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let report = FilmAnalyzer().analyze(path: url.path)
        let film = try XCTUnwrap(report.analysed, "\(String(describing: report.error))")
        XCTAssertNil(film.spacing)
        XCTAssertEqual(film.spacingSource, .ignoredImplausible)
        XCTAssertEqual(film.warnings.count, 1)
        XCTAssertTrue(film.warnings[0].contains("Pixel Spacing 1e-09 mm is outside the plausible 0.01–5 mm"), film.warnings[0])
        XCTAssertTrue(ReportWriter.jsonObject(report).contains("\"spacing_source\":\"ignored_implausible\""))
        XCTAssertNil(film.totalAreaMM2, "areas in pixels only")
    }

    func testEverySpacingExtremeIsIgnoredOrUsedNeverTrusted() throws {
        for value in Self.extremes + [0.01, 0.15, 5] {
            let what = "Pixel Spacing \(value)"
            // NaN, ±infinity and 1.8e308 are written as text that is not a finite number: read as
            // present and implausible, like the others.
            let film = try DICOMDecoder.decode(Self.dicom(pixelSpacing: PixelSpacing(row: value, column: 0.1)), limits: .standard)
            if PixelSpacing.plausibleRangeMM.contains(value) {
                XCTAssertEqual(film.spacing, PixelSpacing(row: value, column: 0.1), what)
                XCTAssertEqual(film.spacingSource, .pixelSpacing, what)
                XCTAssertTrue(film.warnings.isEmpty, what)
            } else {
                XCTAssertNil(film.spacing, what)
                XCTAssertEqual(film.spacingSource, .ignoredImplausible, what)
                XCTAssertEqual(film.warnings.count, 1, what)
            }
            let found = DepositDetector.detect(film)
            XCTAssertEqual(found.labels.width, 96, what)
        }
    }

    func testImplausiblePixelSpacingFallsBackToImagerPixelSpacing() throws {
        let film = try DICOMDecoder.decode(Self.dicom(pixelSpacing: PixelSpacing(isotropic: 1e300),
                                                      imagerSpacing: PixelSpacing(isotropic: 0.12)))
        XCTAssertEqual(film.spacing, PixelSpacing(isotropic: 0.12))
        XCTAssertEqual(film.spacingSource, .imagerPixelSpacing)
        XCTAssertEqual(film.warnings.count, 1)
        XCTAssertEqual(try DICOMHeader.read(Self.dicom(pixelSpacing: PixelSpacing(isotropic: 1e300),
                                                       imagerSpacing: PixelSpacing(isotropic: 0.12))).spacingSource, .imagerPixelSpacing)
        XCTAssertEqual(try DICOMHeader.read(Self.dicom(pixelSpacing: PixelSpacing(isotropic: 1e-9))).spacingSource, .ignoredImplausible)
    }

    func testRescaleExtremesAreIgnoredWithAWarning() throws {
        for slope in Self.extremes + [1, -1, 2.5] where slope != 0 {
            let what = "Rescale Slope \(slope)"
            let film = try DICOMDecoder.decode(Self.dicom(slope: slope, intercept: 0))
            let plausible = (1e-6...1e6).contains(abs(slope))
            XCTAssertEqual(film.warnings.count, plausible ? 0 : 1, what)
            XCTAssertTrue(film.modalityRescale.slope.isFinite && film.modalityRescale.intercept.isFinite, what)
            if !plausible {
                XCTAssertEqual(film.modalityRescale, .identity, what)
                // No inversion from a slope that is not believed: samples as stored.
                XCTAssertEqual(Array(film.pixels.prefix(3)), Array(Self.stored().prefix(3)), what)
            }
        }
        for intercept in Self.extremes {
            let what = "Rescale Intercept \(intercept)"
            let film = try DICOMDecoder.decode(Self.dicom(slope: 1, intercept: intercept))
            XCTAssertEqual(film.warnings.count, abs(intercept) <= 1e9 ? 0 : 1, what)
            XCTAssertTrue(film.modalityRescale.intercept.isFinite, what)
        }
    }

    func testWindowExtremesAreDroppedNeverKept() throws {
        for value in Self.extremes {
            for (center, width) in [(value, 400.0), (2000.0, value)] {
                let what = "Window \(center) / \(width)"
                guard let film = try? DICOMDecoder.decode(Self.dicom(center: center, width: width)) else {
                    XCTFail("a window is a display hint and never fails a film: \(what)")
                    continue
                }
                if let window = film.displayWindow {
                    XCTAssertTrue(window.center.isFinite && window.width.isFinite && window.width > 0, what)
                    XCTAssertLessThanOrEqual(abs(window.center), 1e9, what)
                }
            }
        }
    }

    /// Number of Frames (IS) as the file says it, written into an otherwise good film.
    func testNumberOfFramesExtremesAreErrorsNotCrashes() throws {
        let good = Self.dicom()
        let headers = LyingHeaderTests.headers(good, implicitDataSet: false)
        guard let after = headers.first(where: { $0.tag > "(0028,0008)" && $0.tag.hasPrefix("(0028") }) else {
            return XCTFail("no element after (0028,0008)")
        }
        for text in ["0", "-1", "2", "1e300", "NaN", "inf", "99999999999999999999", "9223372036854775807", "-9223372036854775808", "1.5", "x"] {
            var value = Array(text.utf8)
            if value.count % 2 == 1 { value.append(0x20) }
            var element: [UInt8] = [0x28, 0x00, 0x08, 0x00] + Array("IS".utf8) + [UInt8(value.count), 0]
            element += value
            var bytes = good
            bytes.insert(contentsOf: element, at: after.offset)
            XCTAssertThrowsError(try DICOMDecoder.decode(bytes), "Number of Frames \(text)") { error in
                XCTAssertTrue("\(error)".contains("DICOM:"), "\(error)")
            }
        }
    }

    func testCheckedConversionNeverTraps() {
        let range = -5...5
        for x in Self.extremes + [Double(Int.max), -Double(Int.max), 9.2e18, 4.5, -4.5] {
            let n = CheckedConversion.clampedInt(x, in: range)
            XCTAssertTrue(range.contains(n), "\(x) → \(n)")
        }
        XCTAssertEqual(CheckedConversion.clampedInt(.nan, in: range), -5)
        XCTAssertEqual(CheckedConversion.clampedInt(.infinity, in: range), 5)
        XCTAssertEqual(CheckedConversion.clampedInt(2.5, in: range), 3)
        XCTAssertEqual(CheckedConversion.clampedInt(2.5, in: range, rounding: .down), 2)
        XCTAssertEqual(CheckedConversion.clampedInt(1e300, in: 0...Int.max), Int.max)
        XCTAssertEqual(CheckedConversion.clampedInt(-1e300, in: Int.min...0), Int.min)
        XCTAssertEqual(CheckedConversion.pixels(mm: 20, spacingMM: 1e-9), CheckedConversion.maximumPixelLength)
        XCTAssertEqual(CheckedConversion.pixels(mm: 20, spacingMM: 0.1), 200)
        XCTAssertEqual(CheckedConversion.pixels(mm: 20, spacingMM: 0), CheckedConversion.maximumPixelLength)
        XCTAssertEqual(CheckedConversion.pixels(mm: 20, spacingMM: -1), 1)
        XCTAssertEqual(CheckedConversion.pixels(mm: .nan, spacingMM: 0.1, minimum: 3), 3)
    }

    /// A library caller who builds a Radiograph with a lying spacing gets the assumed spacing.
    func testDetectorIgnoresALyingSpacingOnARadiographBuiltByHand() {
        for value in Self.extremes {
            let film = Radiograph(width: 96, height: 96, pixels: Self.stored(), bitsStored: 12,
                                  spacing: PixelSpacing(isotropic: value), spacingSource: .user, format: .dicom)
            let found = DepositDetector.detect(film)
            let reference = DepositDetector.detect(Radiograph(width: 96, height: 96, pixels: Self.stored(), bitsStored: 12, format: .dicom))
            XCTAssertEqual(found.deposits.count, reference.deposits.count, "spacing \(value)")
            // The result carries the spacing its scales used: the assumed one, not the lie.
            XCTAssertEqual(found.spacingMM, DetectionParameters().assumedSpacingMM, "spacing \(value)")
            // A result whose spacing was set to the lie by hand still classifies without trapping.
            var lying = found
            lying.spacingMM = value
            _ = DistributionClassifier().assess(lying)
        }
    }

    /// Every DetectionParameters field with every extreme: `problems` names it, `validated`
    /// refuses it, and the detector (which clamps) runs to the end.
    func testEveryParameterFieldWithEveryExtreme() throws {
        let film = Radiograph(width: 96, height: 96, pixels: Self.stored(), bitsStored: 12,
                              spacing: PixelSpacing(isotropic: 0.15), spacingSource: .user, format: .png)
        XCTAssertTrue(DetectionParameters().problems.isEmpty, DetectionParameters().problems.joined(separator: "; "))
        for field in DetectionParameters.fields {
            for value in Self.extremes {
                var parameters = DetectionParameters()
                parameters[keyPath: field.keyPath] = value
                let accepted = field.range.contains(value) || (field.allowsInfinity && value == .infinity)
                XCTAssertEqual(parameters.problems.isEmpty, accepted, "\(field.name) = \(value)")
                if accepted {
                    XCTAssertNoThrow(try parameters.validated(), "\(field.name) = \(value)")
                } else {
                    XCTAssertThrowsError(try parameters.validated(), "\(field.name) = \(value)") {
                        XCTAssertTrue("\($0)".contains(field.name), "\($0)")
                    }
                }
                let clamped = parameters.clampedToRanges
                XCTAssertTrue(clamped.problems.isEmpty, "\(field.name) = \(value): \(clamped.problems)")
                let found = DepositDetector.detect(film, parameters: parameters)
                XCTAssertEqual(found.labels.width, 96, "\(field.name) = \(value)")
            }
        }
        for score in Self.extremes {
            var parameters = DetectionParameters()
            parameters.minScore = score
            XCTAssertEqual(parameters.problems.isEmpty, (0...1).contains(score), "min_score \(score)")
            _ = DepositDetector.detect(film, parameters: parameters)
        }
    }

    func testPNGPhysicalUnitsOutsideTheRangeAreIgnored() throws {
        // 1 pixel per metre is 1000 mm a pixel; 2^31−1 per metre is ~5e-7 mm.
        for (perMetre, plausible) in [(1, false), (Int(Int32.max), false), (8333, true)] {
            let bytes = try PNGEncoder.encode(gray: TestFilms.ramp(width: 8, height: 6, maximum: 255), width: 8, height: 6, bitDepth: 8,
                                              spacing: PixelSpacing(isotropic: 1000 / Double(perMetre)))
            let decoded = try FilmLoader.decode(bytes, limits: .standard)
            XCTAssertEqual(decoded.spacing != nil, plausible, "\(perMetre) px/m")
            XCTAssertEqual(decoded.spacingSource, plausible ? .pngPhysicalUnits : .ignoredImplausible, "\(perMetre) px/m")
        }
    }
}
