import Radiography

/// A DICOM file read up to and including its Pixel Data: the transfer syntax, the top-level
/// elements the module uses, and the bytes they point into (the inflated data set for the
/// deflated syntax). Shared by the header summary, the stored-value reader and the decoder.
///
/// Parsing needs only the data set's encoding, so every transfer syntax whose data set is
/// explicit or implicit VR (all of them but the deflated ones we cannot inflate) can be
/// summarised, even when its pixels cannot be decoded.
struct ParsedFile {
    let bytes: [UInt8]
    let syntax: TransferSyntax
    /// False when the syntax was inferred (no meta group, or one without Transfer Syntax UID).
    let syntaxIsStated: Bool
    let dataSet: DataSet
    /// True when the meta group says explicit VR but the data set is written in implicit VR,
    /// which some writers do; read as implicit, as pydicom and DCMTK do.
    let implicitDespiteSyntax: Bool
    /// What the data set reader skipped leniently (stray items and delimiters), one line each.
    let warnings: [String]

    /// The tags read from every file: the pixel module, spacing and identification.
    static let keptTags = Set(ElementDictionary.entries.keys)

    /// `keep`: the top-level tags to keep (`keptTags` unless a caller needs others, as
    /// `DICOMSourceImage` does for the study and patient attributes it copies).
    init(_ original: [UInt8], limits: DecodeLimits, keep: Set<Tag> = keptTags) throws {
        guard original.count <= limits.maxFileBytes else {
            throw FilmError.overLimit(.fileBytes, "DICOM: file is \(original.count) bytes, over the limit of \(limits.maxFileBytes) bytes")
        }
        let header = try Part10Header.read(original, limits: limits)
        syntax = header.transferSyntax
        syntaxIsStated = header.isStated
        if syntax.isDeflated {
            guard syntax.pixelCodec == .native else { throw syntax.refusal }
            bytes = try DeflatedDataSet.inflate(original, dataSetOffset: header.dataSetOffset, limits: limits)
        } else {
            bytes = original
        }
        let bigEndian = syntax.byteOrder == .big
        // Explicit VR puts two upper-case letters after the first tag; implicit VR a length.
        let cursor = ByteCursor(bytes, offset: header.dataSetOffset)
        if syntax.vrEncoding == .explicit, !bigEndian, let a = cursor.peekByte(at: 4), let b = cursor.peekByte(at: 5),
           !VR(a, b).isKnown {
            implicitDespiteSyntax = true
        } else {
            implicitDespiteSyntax = false
        }
        var reader = DataSetReader(bytes, offset: header.dataSetOffset,
                                   explicitVR: syntax.vrEncoding == .explicit && !implicitDespiteSyntax, bigEndian: bigEndian,
                                   limits: limits)
        let elements = try reader.readElements(keep: keep, stopAfter: .pixelData)
        dataSet = DataSet(bytes: bytes, elements: elements, bigEndian: bigEndian)
        warnings = reader.warnings
    }

    /// The Pixel Data element, or the error saying why there is none.
    func pixelData() throws -> DataElement {
        guard let pixelData = dataSet[.pixelData] else {
            if dataSet[.floatPixelData] != nil || dataSet[.doubleFloatPixelData] != nil {
                throw FilmError(.unsupported, "DICOM: float pixel data (7FE0,0008/0009) is not supported")
            }
            throw FilmError(.malformed, "DICOM: file has no Pixel Data (7FE0,0010): it is not an image")
        }
        return pixelData
    }
}
