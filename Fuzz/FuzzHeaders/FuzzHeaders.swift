import Classification
import DICOM
import Detection
import FilmAnalysis
import FuzzSupport
import Radiography
import Reporting

/// Structure-aware libFuzzer target for lying numbers (issue 12): every input becomes a
/// *well-formed* DICOM film whose numeric header values (Pixel Spacing, Imager Pixel Spacing,
/// Rescale Slope and Intercept, Window Center and Width) and some `DetectionParameters` fields
/// are chosen by the input, from a table of extremes (0, denormals, 1e-300, 1e300, NaN, ±∞,
/// negative, values at the edges of the plausible ranges) or as raw 8-byte doubles. The film then
/// runs through the whole pipeline as `detect` runs it: decode, detect (with the parameters
/// unchecked, as a library caller could pass them), classify, render every format.
///
/// Byte-level mutation of a file (FuzzDICOM, FuzzPipeline) almost never spells such numbers;
/// here every execution does.
@main
enum FuzzHeaders {
    static let limits = DecodeLimits(maxPixels: 96 * 96, maxFileBytes: 1 << 20, maxSequenceDepth: 32, maxElements: 10_000)

    static let extremes: [Double] = [
        0, -0.0, .leastNonzeroMagnitude, 2.2250738585072014e-308, 1e-300, 1e-9, 1e-6, 0.0099, 0.01, 0.1, 0.15, 1, 5, 5.0001,
        1000, 1e6, 1e9, 1e12, 1e300, .greatestFiniteMagnitude, -1, -1e300, .nan, .infinity, -.infinity, 65535,
    ]

    /// Reads the input front to back; past its end every read is 0.
    struct Reader {
        let bytes: [UInt8]
        var at = 0
        mutating func byte() -> UInt8 {
            defer { at += 1 }
            return at < bytes.count ? bytes[at] : 0
        }
        /// A table entry, or (for selectors past the table) the next 8 bytes as a double.
        mutating func number() -> Double {
            let selector = Int(byte())
            if selector < FuzzHeaders.extremes.count { return FuzzHeaders.extremes[selector] }
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(byte()) << (8 * UInt64(k)) }
            return Double(bitPattern: bits)
        }
        mutating func optionalNumber() -> Double? { byte() & 1 == 0 ? nil : number() }
    }

    static func main() {
        // The built-in model is decoded on first use: seconds under AddressSanitizer, which
        // libFuzzer would count against the first input as a hang.
        _ = DetectionParameters()
        FuzzEntry.run { bytes in
            var r = Reader(bytes: bytes)
            let width = 16 + Int(r.byte() % 80), height = 16 + Int(r.byte() % 80)
            let flags = r.byte()
            let bitsStored = 8 + Int(r.byte() % 9)
            func spacing() -> PixelSpacing? {
                guard let row = r.optionalNumber() else { return nil }
                return PixelSpacing(row: row, column: r.byte() & 1 == 0 ? row : r.number())
            }
            let pixelSpacing = spacing(), imagerSpacing = spacing()
            let slope = r.optionalNumber(), intercept = r.optionalNumber()
            let center = r.optionalNumber(), windowWidth = r.optionalNumber()
            var parameters = DetectionParameters()
            for _ in 0..<Int(r.byte() % 4) {
                let field = DetectionParameters.fields[Int(r.byte()) % DetectionParameters.fields.count]
                parameters[keyPath: field.keyPath] = r.number()
            }
            if r.byte() & 1 == 1 { parameters.minScore = r.number() }

            // Pixels: a smooth background with the remaining input as texture, so that some
            // inputs have candidates for the classifier.
            let maximum = (1 << bitsStored) - 1
            let rest = Array(bytes.dropFirst(min(r.at, bytes.count)))
            var stored = [UInt16](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    let i = y * width + x
                    let texture = rest.isEmpty ? 0 : Int(rest[i % rest.count]) * maximum / 1024
                    stored[i] = UInt16(min(maximum, maximum / 3 + (x * maximum) / (4 * width) + texture))
                }
            }
            let film = DICOMFilm(width: width, height: height, storedValues: stored, bitsStored: bitsStored,
                                 photometric: flags & 1 == 0 ? .monochrome2 : .monochrome1,
                                 syntax: flags & 2 == 0 ? .explicitLittle : .implicitLittle,
                                 pixelSpacing: pixelSpacing, imagerPixelSpacing: imagerSpacing,
                                 rescaleSlope: slope, rescaleIntercept: intercept,
                                 windowCenter: center, windowWidth: windowWidth)
            let encoded = DICOMEncoder.encode(film)
            _ = try? DICOMHeader.read(encoded, limits: limits)
            guard let radiograph = try? FilmLoader.decode(encoded, limits: limits) else { return }
            if let spacing = radiograph.spacing {
                precondition(spacing.isInPlausibleRange, "an implausible spacing reached the Radiograph: \(spacing)")
            }
            let found = DepositDetector.detect(radiograph, parameters: parameters)
            let assessment = DistributionClassifier().assess(found)
            let report = FilmReport(file: "fuzz", analysis: Analysis(film: radiograph, detection: found, distribution: assessment))
            let rendered = RenderedReport(report, formats: Set(ReportFormat.allCases), depositsCSV: true)
            _ = RenderedReport.document([rendered], as: .text)
        }
    }
}
