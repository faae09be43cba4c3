import XCTest
import Radiography
@testable import DICOM
import TestSupport

/// Hand-built element layouts that pydicom does not easily write, spliced into a small film.
final class DICOMDataSetLayoutTests: XCTestCase {
    private let values: [UInt16] = (0..<48).map { UInt16($0 * 1000 + 7) }
    private var explicitFilm: [UInt8] {
        DICOMEncoder.encode(DICOMFilm(width: 8, height: 6, storedValues: values))
    }

    private func element(_ g: UInt16, _ e: UInt16, _ vr: String? = nil, length: UInt32, long: Bool = false) -> [UInt8] {
        var b: [UInt8] = [UInt8(g & 0xFF), UInt8(g >> 8), UInt8(e & 0xFF), UInt8(e >> 8)]
        if let vr {
            b += Array(vr.utf8)
            if long { b += [0, 0] + le32(length) } else { b += [UInt8(length & 0xFF), UInt8(length >> 8)] }
        } else {
            b += le32(length)
        }
        return b
    }
    private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
    private let undefined: UInt32 = 0xFFFF_FFFF

    func testDefinedLengthSequenceAndUNSequenceOfUndefinedLengthAreSkipped() throws {
        // (0009,1001) SQ of defined length whose item holds a decoy Rows = 9 (explicit VR).
        let decoyRows = element(0x0028, 0x0010, "US", length: 2) + [9, 0]
        let item = element(0xFFFE, 0xE000, length: UInt32(decoyRows.count)) + decoyRows
        let definedSQ = element(0x0009, 0x1001, "SQ", length: UInt32(item.count), long: true) + item
        // (0009,1002) UN of undefined length: a sequence in implicit VR (PS3.5 6.2.2), holding a
        // decoy Columns and an unknown undefined-length element, i.e. a nested sequence.
        let implicitColumns = element(0x0028, 0x0011, length: 2) + [9, 0]
        let nested = element(0x0009, 0x1003, length: undefined)
            + element(0xFFFE, 0xE000, length: 0) + element(0xFFFE, 0xE0DD, length: 0)
        let unSQ = element(0x0009, 0x1002, "UN", length: undefined, long: true)
            + element(0xFFFE, 0xE000, length: undefined) + implicitColumns + nested
            + element(0xFFFE, 0xE00D, length: 0) + element(0xFFFE, 0xE0DD, length: 0)
        let creator = element(0x0009, 0x0010, "LO", length: 8) + Array("DETECT  ".utf8)

        var bytes = explicitFilm
        let at = try XCTUnwrap(offsetOf(0x0010, 0x0010, vr: "PN", in: bytes))
        bytes.insert(contentsOf: creator + definedSQ + unSQ, at: at)
        let r = try DICOMDecoder.decode(bytes)
        XCTAssertEqual(r.width, 8)
        XCTAssertEqual(r.height, 6)
        XCTAssertEqual(r.pixels, values)
    }

    func testMetaGroupWithoutPreambleOrWithoutTransferSyntax() throws {
        let full = explicitFilm
        XCTAssertEqual(try DICOMDecoder.decode(Array(full[128...])).pixels, values, "DICM at byte 0")
        XCTAssertEqual(try DICOMDecoder.decode(Array(full[132...])).pixels, values, "meta group at byte 0")

        var noSyntax = full  // (0002,0010) renamed to an unknown meta element: encoding inferred
        let ts = try XCTUnwrap(offsetOf(0x0002, 0x0010, vr: "UI", in: noSyntax))
        noSyntax[ts + 2] = 0x11
        XCTAssertEqual(try DICOMDecoder.decode(noSyntax).pixels, values)

        let implicit = DICOMEncoder.encode(DICOMFilm(width: 8, height: 6, storedValues: values, syntax: .implicitLittle))
        var implicitNoSyntax = implicit
        let its = try XCTUnwrap(offsetOf(0x0002, 0x0010, vr: "UI", in: implicitNoSyntax))
        implicitNoSyntax[its + 2] = 0x11
        XCTAssertEqual(try DICOMDecoder.decode(implicitNoSyntax).pixels, values)
    }

    func testMetaGroupOnlyIsNotAnImage() {
        let full = explicitFilm
        let length = Int(full[140]) | Int(full[141]) << 8
        XCTAssertEqual(filmError { try DICOMDecoder.decode(Array(full[0..<(144 + length)])) },
                       "DICOM: file has no Pixel Data (7FE0,0010): it is not an image")
    }

    /// Stray items and delimiters at the top level, as pydicom 3 reads them (checked with pydicom
    /// 3.0 on the same bytes): a Sequence Delimitation Item or an Item of defined length is
    /// skipped, with a warning on the film; an Item Delimitation Item ends pydicom's data set
    /// (its pixels are lost), so it is refused by name, as is an Item of undefined length.
    func testStrayItemsAndDelimitersAtTopLevel() throws {
        let values = try DICOMDecoder.decode(explicitFilm).pixels
        let at = offsetOf(0x0010, 0x0010, vr: "PN", in: explicitFilm)!
        for (tag, value, name) in [(UInt16(0xE0DD), [UInt8](), "Sequence Delimitation Item"), (0xE000, [], "Item"),
                                   (0xE000, [0x08, 0x00, 0x10, 0x00], "Item")] {
            var bytes = explicitFilm
            bytes.insert(contentsOf: element(0xFFFE, tag, length: UInt32(value.count)) + value, at: at)
            let film = try DICOMDecoder.decode(bytes)
            XCTAssertEqual(film.pixels, values)
            XCTAssertEqual(film.warnings, ["DICOM: stray \(name) (FFFE,\(String(format: "%04X", tag))) at byte \(at) outside any sequence: skipped"])
        }
        var ended = explicitFilm
        ended.insert(contentsOf: element(0xFFFE, 0xE00D, length: 0), at: at)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(ended) },
                       "DICOM: Item Delimitation Item (FFFE,E00D) at byte \(at) outside any sequence: it would end the data set before the pixel data")
        var undefined = explicitFilm
        undefined.insert(contentsOf: element(0xFFFE, 0xE000, length: 0xFFFF_FFFF), at: at)
        XCTAssertEqual(filmError { try DICOMDecoder.decode(undefined) },
                       "DICOM: item or delimiter (FFFE,E000) at byte \(at) outside any sequence")
    }
}
