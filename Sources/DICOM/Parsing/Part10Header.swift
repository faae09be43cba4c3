import Radiography

/// Where the data set starts and how it is encoded: the 128-byte preamble and `DICM`, then the
/// File Meta Information group (0002,xxxx), always explicit VR little endian (PS3.10 7.1).
///
/// Files without preamble or meta group (raw data sets, as some archives and old writers
/// store them) are accepted too: as pydicom and DCMTK do, the encoding is inferred from the
/// first element — two VR letters after the tag mean explicit VR, a length means implicit,
/// and a group number that only makes sense byte-swapped means (explicit VR) big endian.
struct Part10Header {
    let dataSetOffset: Int
    let transferSyntax: TransferSyntax
    /// False when the syntax was inferred from the first element of the data set.
    var isStated = true

    private static let dicm: [UInt8] = Array("DICM".utf8)

    static func read(_ bytes: [UInt8], limits: DecodeLimits) throws -> Part10Header {
        let metaOffset: Int?
        if bytes.count >= 132, Array(bytes[128..<132]) == dicm {
            metaOffset = 132
        } else if bytes.count >= 4, Array(bytes[0..<4]) == dicm {
            metaOffset = 4
        } else if bytes.count >= 2, bytes[0] == 0x02, bytes[1] == 0x00 {
            metaOffset = 0
        } else {
            metaOffset = nil
        }
        guard let metaOffset else {
            return Part10Header(dataSetOffset: 0, transferSyntax: try infer(bytes, at: 0, afterMeta: false), isStated: false)
        }
        var reader = DataSetReader(bytes, offset: metaOffset, explicitVR: true, limits: limits)
        let meta = try reader.readElements(keep: [.transferSyntaxUID], stopBefore: { $0.group != 0x0002 })
        let start = reader.offset
        guard start > metaOffset else {
            throw FilmError(.malformed, "DICOM: the 'DICM' marker is not followed by a File Meta Information group (0002,xxxx)")
        }
        // A meta group without a Transfer Syntax UID happens in the wild; infer as for raw data sets.
        guard let uid = DataSet(bytes: bytes, elements: meta).text(.transferSyntaxUID) else {
            return Part10Header(dataSetOffset: start, transferSyntax: try infer(bytes, at: start, afterMeta: true), isStated: false)
        }
        guard let syntax = TransferSyntax.named(uid) else {
            throw TransferSyntax.refusal(unknownUID: uid)
        }
        return Part10Header(dataSetOffset: start, transferSyntax: syntax)
    }

    /// Guesses the encoding of a data set from its first element header.
    private static func infer(_ bytes: [UInt8], at offset: Int, afterMeta: Bool) throws -> TransferSyntax {
        let cursor = ByteCursor(bytes, offset: offset)
        guard let group = cursor.peekUInt16(), cursor.remaining >= 8,
              let a = cursor.peekByte(at: 4), let b = cursor.peekByte(at: 5) else {
            throw afterMeta
                ? FilmError(.truncated, "DICOM: file ends after the File Meta Information group: there is no data set")
                : FilmError(.truncated, "DICOM: not a DICOM file (no 'DICM' marker at byte 128, and too short for a data set)")
        }
        if group <= 0x00FF {
            return VR(a, b).isKnown ? .explicitVRLittleEndian : .implicitVRLittleEndian
        }
        // Big endian has only an explicit VR syntax.
        if group.byteSwapped <= 0x00FF, VR(a, b).isKnown {
            return .explicitVRBigEndian
        }
        throw FilmError(.malformed, "DICOM: not a DICOM file (no 'DICM' marker at byte 128, and the bytes do not start with a data element)")
    }
}
