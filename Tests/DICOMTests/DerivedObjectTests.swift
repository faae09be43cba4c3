import XCTest
import Radiography
@testable import DICOM

/// The writer of the derived objects (SEG, SR, SC), read back by our own dump of every element.
/// dciodvfy and highdicom check the same objects end to end (scripts/dicom-outputs).
final class DerivedObjectTests: XCTestCase {
    static let film = DICOMFilm(width: 12, height: 5, storedValues: (0..<60).map { UInt16($0 * 100) },
                                pixelSpacing: PixelSpacing(row: 0.2, column: 0.25), patientID: "P-17")
    static let software = DerivingSoftware(name: "detect", version: "9.8.7")

    func source() throws -> DICOMSourceImage {
        try DICOMSourceImage.read(DICOMEncoder.encode(Self.film))
    }

    /// The elements at the top of a Part 10 file, by tag.
    func elements(_ bytes: [UInt8]) throws -> [String: DICOMDump.Element] {
        Dictionary(try DICOMDump.read(bytes).map { ($0.tag, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func testSourceImageReadsTheFilmsIdentity() throws {
        let source = try source()
        let uids = FilmUIDs(Self.film)
        XCTAssertEqual(source.studyInstanceUID, uids.study)
        XCTAssertEqual(source.seriesInstanceUID, uids.series)
        XCTAssertEqual(source.sopInstanceUID, uids.sopInstance)
        XCTAssertEqual(source.sopClassUID, "1.2.840.10008.5.1.4.1.1.1.1")
        XCTAssertEqual(source.patientID, "P-17")
        XCTAssertEqual([source.columns, source.rows, source.numberOfFrames], [12, 5, 1])
        XCTAssertNil(source.frameOfReferenceUID)
    }

    func testRandomUIDsAreValidAndDistinct() {
        let uids = (0..<100).map { _ in FilmUIDs.random() }
        XCTAssertEqual(Set(uids).count, 100)
        for uid in uids {
            XCTAssertTrue(uid.hasPrefix("2.25.") && uid.count <= 64, uid)
            XCTAssertTrue(uid.allSatisfy { $0.isNumber || $0 == "." }, uid)
            XCTAssertFalse(uid.dropFirst(5).hasPrefix("0"), "no leading zero in a UID component: \(uid)")
        }
    }

    func testDataSetBuilderWritesAscendingTagsEvenLengthsAndSequences() throws {
        var ds = DataSetBuilder()
        ds.set(Tag(0x0010, 0x0020), .LO, text: "ABC")
        ds.set(Tag(0x0008, 0x0018), .UI, text: "1.2.3")
        var item = DataSetBuilder()
        item.set(Tag(0x0008, 0x0100), .SH, text: "X")
        ds.set(Tag(0x0008, 0x1115), sequence: [item, item])
        let file = DICOMEncoder.part10(sopClass: "1.2", sopInstance: "1.2.3", syntax: .explicitVRLittleEndian, dataSet: ds.bytes)
        let dumped = try DICOMDump.read(file).filter { $0.group != 0x0002 }
        XCTAssertEqual(dumped.map(\.tag), ["(0008,0018)", "(0008,1115)", "(0010,0020)"])
        XCTAssertEqual(dumped[0].length, 6)  // "1.2.3" + NUL
        XCTAssertEqual(dumped[2].length, 4)  // "ABC" + space
        XCTAssertEqual(dumped[1].items?.count, 2)
        XCTAssertEqual(dumped[1].items?[0].first?.text, "X")
    }

    func testSegmentationPacksTheMaskLeastSignificantBitFirstAndReferencesTheFilm() throws {
        let source = try source()
        var mask = [UInt8](repeating: 0, count: 60)
        mask[0] = 1; mask[9] = 1; mask[59] = 1
        let segment = SegmentationEncoder.Segment(label: "calcification", category: CodedConcept("49755003", "SCT", "Morphologically abnormal structure"),
                                                  type: CodedConcept("18115005", "SCT", "Calcification"), description: "test")
        let bytes = SegmentationEncoder.encode(mask: mask, source: source, spacing: PixelSpacing(row: 0.2, column: 0.25),
                                               segment: segment, software: Self.software)
        let e = try elements(bytes)
        XCTAssertEqual(e["(0008,0016)"]?.text, SegmentationEncoder.sopClassUID)
        XCTAssertEqual(e["(0020,000D)"]?.text, source.studyInstanceUID)
        XCTAssertNotEqual(e["(0020,000E)"]?.text, source.seriesInstanceUID)
        XCTAssertEqual(e["(0008,0060)"]?.text, "SEG")
        XCTAssertEqual(e["(0010,0020)"]?.text, "P-17")
        XCTAssertEqual(e["(0062,0001)"]?.text, "BINARY")
        // 60 bits → 8 bytes: bit 0 of byte 0, bit 1 of byte 1, bit 3 of byte 7.
        XCTAssertEqual(e["(7FE0,0010)"]?.length, 8)
        XCTAssertEqual(e["(7FE0,0010)"]?.text?.hasPrefix("01\\02\\00\\00\\00\\00\\00\\08"), true, e["(7FE0,0010)"]?.text ?? "")
        let referenced = try XCTUnwrap(e["(0008,1115)"]?.items?.first)
        XCTAssertEqual(referenced.first { $0.tag == "(0020,000E)" }?.text, source.seriesInstanceUID)
        let segmentItem = try XCTUnwrap(e["(0062,0002)"]?.items?.first)
        XCTAssertEqual(segmentItem.first { $0.tag == "(0062,0008)" }?.text, "AUTOMATIC")
        let algorithm = try XCTUnwrap(segmentItem.first { $0.tag == "(0062,0007)" }?.items?.first)
        XCTAssertEqual(algorithm.first { $0.tag == "(0066,0031)" }?.text, "9.8.7")
        let shared = try XCTUnwrap(e["(5200,9229)"]?.items?.first)
        let measures = try XCTUnwrap(shared.first { $0.tag == "(0028,9110)" }?.items?.first)
        XCTAssertEqual(measures.first { $0.tag == "(0028,0030)" }?.text, "0.2\\0.25")
        XCTAssertNil(measures.first { $0.tag == "(0018,0050)" }, "no Slice Thickness without a Frame of Reference")
    }

    func testMeasurementReportHoldsTheGroupsUnderTID1500() throws {
        let source = try source()
        let area = CodedConcept("42798000", "SCT", "Area")
        let unit = CodedConcept("mm2", "UCUM", "square millimeter")
        let calcification = CodedConcept("18115005", "SCT", "Calcification")
        let category = CodedConcept("49755003", "SCT", "Morphologically abnormal structure")
        let groups = [1, 2].map { id in
            MeasurementReportEncoder.Group(trackingIdentifier: "deposit \(id)", trackingUID: MeasurementReportEncoder.newUID(),
                                           findingCategory: category, finding: calcification,
                                           measurements: [.init(area, value: "1.25", unit: unit)])
        }
        let bytes = MeasurementReportEncoder.encode(groups: groups, procedure: CodedConcept("363680008", "SCT", "Radiographic imaging procedure"),
                                                    source: source, privateScheme: nil, software: Self.software)
        let e = try elements(bytes)
        XCTAssertEqual(e["(0008,0016)"]?.text, MeasurementReportEncoder.sopClassUID)
        XCTAssertEqual(e["(0040,A040)"]?.text, "CONTAINER")
        XCTAssertEqual(e["(0040,A504)"]?.items?.first?.first { $0.tag == "(0040,DB00)" }?.text, "1500")
        let evidence = try XCTUnwrap(e["(0040,A375)"]?.items?.first)
        XCTAssertEqual(evidence.first { $0.tag == "(0020,000D)" }?.text, source.studyInstanceUID)
        let content = try XCTUnwrap(e["(0040,A730)"]?.items)
        let measurements = try XCTUnwrap(content.last?.first { $0.tag == "(0040,A730)" }?.items)
        XCTAssertEqual(measurements.count, 2)
        let first = try XCTUnwrap(measurements[0].first { $0.tag == "(0040,A730)" }?.items)
        XCTAssertEqual(first[0].first { $0.tag == "(0040,A160)" }?.text, "deposit 1")
        let number = try XCTUnwrap(first.first { $0.first { $0.tag == "(0040,A040)" }?.text == "NUM" })
        XCTAssertEqual(number.first { $0.tag == "(0040,A300)" }?.items?.first?.first { $0.tag == "(0040,A30A)" }?.text, "1.25")
    }

    func testAMultiFrameFilmIsReferencedWithTheFrameAnalysed() throws {
        var source = try source()
        source.numberOfFrames = 3
        let rgb = [UInt8](repeating: 7, count: 12 * 5 * 3)
        let e = try elements(SecondaryCaptureEncoder.encode(rgb: rgb, width: 12, height: 5, source: source, frame: 2, spacing: nil,
                                                            description: "overlay", software: Self.software))
        XCTAssertEqual(e["(0008,2112)"]?.items?.first?.first { $0.tag == "(0008,1160)" }?.text, "2")
        let single = try elements(SecondaryCaptureEncoder.encode(rgb: rgb, width: 12, height: 5, source: try self.source(), spacing: nil,
                                                                 description: "overlay", software: Self.software))
        XCTAssertNil(single["(0008,2112)"]?.items?.first?.first { $0.tag == "(0008,1160)" }, "no frame number for a single-frame film")
    }

    func testSecondaryCaptureIsRGBOfTheGivenSize() throws {
        let source = try source()
        let rgb = (0..<(12 * 5 * 3)).map { UInt8($0 % 256) }
        let e = try elements(SecondaryCaptureEncoder.encode(rgb: rgb, width: 12, height: 5, source: source, spacing: nil,
                                                            description: "overlay", software: Self.software))
        XCTAssertEqual(e["(0008,0016)"]?.text, SecondaryCaptureEncoder.sopClassUID)
        XCTAssertEqual(e["(0028,0004)"]?.text, "RGB")
        XCTAssertEqual(e["(0028,0010)"]?.text, "5")
        XCTAssertEqual(e["(0028,0011)"]?.text, "12")
        XCTAssertEqual(e["(7FE0,0010)"]?.length, 180)
        XCTAssertEqual(e["(0008,2112)"]?.items?.first?.first { $0.tag == "(0008,1155)" }?.text, source.sopInstanceUID)
    }
}

extension DICOMDump.Element {
    /// The value without the brackets the dump puts around text.
    var text: String? {
        value.map { $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 }
    }
}
