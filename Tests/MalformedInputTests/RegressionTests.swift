import DICOM
import Radiography
import XCTest
import TestSupport

/// Inputs that once trapped or misbehaved, each kept as a test (and, for fuzzer findings, as a
/// committed file in `Regressions/` replayed by `testCommittedRegressionInputs`).
final class RegressionTests: XCTestCase {
    private static let maxFrames = "9223372036854775807"  // Int.max: parses, then overflows any product

    /// 1-bit stored values with Number of Frames = Int.max (committed as
    /// `Regressions/FuzzDICOM-one-bit-intmax-frames.bin`).
    static let oneBitIntMaxFrames = DataSetBuilder.pixelModule(rows: 1, columns: 1, bitsAllocated: 1, frames: maxFrames)
        + DataSetBuilder.element(0x7FE0, 0x0010, "OB", [0xFF, 0x00])

    /// One RLE frame: a header with one segment, then PackBits for 128 zeros.
    static let rleZeros: [UInt8] = {
        var rle = [UInt8](repeating: 0, count: 64 + 4)
        rle.put32(1, at: 0)
        rle.put32(64, at: 4)
        rle[64] = 0x81; rle[65] = 0
        return rle
    }()

    /// RLE with a Basic Offset Table and Number of Frames = Int.max (committed as
    /// `Regressions/FuzzDICOM-offset-table-intmax-frames.bin`).
    static let offsetTableIntMaxFrames = DataSetBuilder.meta(syntax: "1.2.840.10008.1.2.5")
        + DataSetBuilder.pixelModule(rows: 1, columns: 1, bitsAllocated: 8, frames: maxFrames)
        + DataSetBuilder.encapsulated(table: [0, 0, 0, 0], fragments: [rleZeros])

    /// The committed inputs that come from a builder above, with the error each reader must give.
    static let builtInputs: [(name: String, bytes: [UInt8], error: String)] = [
        ("FuzzDICOM-one-bit-intmax-frames.bin", oneBitIntMaxFrames,
         "DICOM: Pixel Data holds 2 bytes but 1×1 pixels × \(maxFrames) frames × 1 samples × 1 bits need 1152921504606846976"),
        ("FuzzDICOM-offset-table-intmax-frames.bin", offsetTableIntMaxFrames,
         "DICOM: Basic Offset Table has 1 entries for \(maxFrames) frames"),
    ]

    /// Found by the audit for issue 7: `(bits + 7) / 8` overflowed for 1-bit data with a Number
    /// of Frames of Int.max and trapped in `storedValues`.
    func testOneBitDataWithIntMaxFrames() {
        let bytes = Self.oneBitIntMaxFrames
        XCTAssertThrowsError(try DICOMDecoder.storedValues(bytes)) {
            XCTAssertEqual("\($0)", "DICOM: Pixel Data holds 2 bytes but 1×1 pixels × \(Self.maxFrames) frames × 1 samples × 1 bits need 1152921504606846976")
        }
        XCTAssertThrowsError(try DICOMDecoder.decode(bytes))  // 1-bit films are refused anyway
    }

    /// Found by the audit for issue 7: `table.count == 4 * frames` overflowed when an
    /// encapsulated file with a Basic Offset Table declared Int.max frames, and trapped.
    func testOffsetTableWithIntMaxFrames() {
        let rle = Self.rleZeros
        let bytes = Self.offsetTableIntMaxFrames
        for call in [{ _ = try DICOMDecoder.decode(bytes) }, { _ = try DICOMDecoder.storedValues(bytes) }] {
            XCTAssertThrowsError(try call()) {
                XCTAssertEqual("\($0)", "DICOM: Basic Offset Table has 1 entries for \(Self.maxFrames) frames")
            }
        }
        // The same file with one frame decodes: the builder writes valid files.
        let one = DataSetBuilder.meta(syntax: "1.2.840.10008.1.2.5")
            + DataSetBuilder.pixelModule(rows: 1, columns: 1, bitsAllocated: 8, frames: "1")
            + DataSetBuilder.encapsulated(table: [0, 0, 0, 0], fragments: [rle])
        XCTAssertEqual(try DICOMDecoder.decode(one).pixels, [0])
    }

    /// JPEG Lossless streams that defined thousands of Huffman tables (each a 128 KB lookup from
    /// 17 bytes) took seconds; now refused after 32.
    func testHuffmanTableFlood() throws {
        var tables: [UInt8] = []
        for _ in 0..<3000 {
            // DHT: class 0 id 0, one code of length 1 for category 0.
            tables += [0xFF, 0xC4, 0x00, 0x14, 0x00, 1] + [UInt8](repeating: 0, count: 15) + [0]
        }
        let stream: [UInt8] = [0xFF, 0xD8] + tables + [0xFF, 0xD9]
        let bytes = DataSetBuilder.meta(syntax: "1.2.840.10008.1.2.4.70")
            + DataSetBuilder.pixelModule(rows: 8, columns: 8, bitsAllocated: 16)
            + DataSetBuilder.encapsulated(table: [], fragments: [stream])
        let start = Date()
        XCTAssertThrowsError(try DICOMDecoder.decode(bytes)) {
            XCTAssertEqual("\($0)", "DICOM: JPEG Lossless: more than 32 Huffman tables defined in one frame")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    /// Every file in `Regressions/` (inputs that once crashed, minimised) goes through every
    /// reader and ends in a film or a FilmError. The folder must be readable and hold inputs: a
    /// loop over nothing would pass while testing nothing.
    func testCommittedRegressionInputs() throws {
        let folder = Corpus.root.appendingPathComponent("Tests/MalformedInputTests/Regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, Self.builtInputs.count, "regression inputs in \(folder.path)")
        var replayed = 0
        for name in names {
            let bytes = try Corpus.fixture("Tests/MalformedInputTests/Regressions/" + name)
            XCTAssertFalse(bytes.isEmpty, name)
            _ = Readers.read(bytes, name)
            for frame in 1...2 {
                _ = try? DICOMDecoder.decode(bytes, frame: frame, limits: Readers.limits)
                _ = try? DICOMDecoder.storedValues(bytes, frame: frame, limits: Readers.limits)
            }
            replayed += 1
        }
        XCTAssertEqual(replayed, names.count)
    }

    /// The committed overflow inputs are the builders' bytes (regenerate with
    /// REGRESSIONS_WRITE=1 swift test --filter RegressionTests), and still give their errors.
    func testCommittedOverflowInputsGiveTheirErrors() throws {
        let folder = Corpus.root.appendingPathComponent("Tests/MalformedInputTests/Regressions")
        for input in Self.builtInputs {
            let path = folder.appendingPathComponent(input.name)
            if ProcessInfo.processInfo.environment["REGRESSIONS_WRITE"] != nil {
                try Data(input.bytes).write(to: path)
            }
            let bytes = try Corpus.fixture("Tests/MalformedInputTests/Regressions/" + input.name)
            XCTAssertEqual(bytes, input.bytes, input.name)
            XCTAssertThrowsError(try DICOMDecoder.storedValues(bytes, limits: Readers.limits), input.name) {
                XCTAssertEqual("\($0)", input.error, input.name)
            }
        }
    }
}
