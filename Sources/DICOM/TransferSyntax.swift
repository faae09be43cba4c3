import Radiography

/// What a Transfer Syntax UID (0002,0010) means for reading: byte order, whether VRs are
/// written, whether the data set is deflated, which pixel codec holds the pixels, and which
/// decoder reads them (and what it reads).
///
/// The reader consults one table keyed by UID, in the spirit of pydicom's decoder registry: both
/// decoding paths (`DICOMDecoder.decode` for films, `storedValues` for `detect convert`) dispatch
/// on `pixelCodec`, the refusal message lists the syntaxes it marks readable, and the README's
/// list of supported syntaxes is generated from it (`markdownTable`, checked by a test).
/// Supporting a new syntax means one entry here plus one pixel decoder file; a syntax is
/// *readable* only when its codec has a decoder, the others are refused by name.
struct TransferSyntax: Sendable, Equatable {
    enum ByteOrder: Sendable { case little, big }
    enum VREncoding: Sendable { case explicit, implicit }
    /// How the pixel data is stored. `decoder` says which of them are read, and by what.
    enum PixelCodec: Sendable, Hashable {
        case native, rle, jpegLossless, jpegBaseline, jpegExtended, jpeg, jpegLS, jpeg2000, jpeg2000Part2, htj2k, video, referenced, encapsulatedNative

        /// The decoder and what it reads, or nil when this codec is refused.
        var decoder: (name: String, reads: String)? {
            switch self {
            case .native: ("detect", "8 and 16 bits allocated (also 1 and 32 for `convert`); grey, RGB, YBR_FULL, YBR_FULL_422, interleaved or planar; multi-frame")
            case .rle: ("detect", "8 and 16 bits allocated; grey and colour; a frame split over several fragments is joined")
            case .jpegLossless: ("detect", "2–16 bits; all seven predictors, point transform, restart intervals; grey and colour")
            case .jpegBaseline: ("libjpeg-turbo", "8-bit; grey, YCbCr (as coded, chroma upsampled) and RGB")
            case .jpegExtended: ("detect", "8- and 12-bit sequential DCT, Huffman-coded; grey, YCbCr (as coded, chroma upsampled as libjpeg does) and RGB")
            case .jpeg2000, .htj2k: ("OpenJPEG", "1–16 bits, signed or not, bare codestream or JP2; grey and 3-component colour (YBR_ICT/YBR_RCT undone to RGB); no subsampled components")
            case .jpegLS: ("CharLS", "2–16 bits, lossless and near-lossless, any interleave mode; grey and colour")
            case .jpeg, .jpeg2000Part2, .video, .referenced, .encapsulatedNative: nil
            }
        }
    }

    let uid: String
    let name: String
    let byteOrder: ByteOrder
    let vrEncoding: VREncoding
    let isDeflated: Bool
    let pixelCodec: PixelCodec

    /// True when this reader can parse the data set and decode the pixels. Deflate is read for
    /// the deflated data set with native pixels (JPIP Referenced Deflate has no pixels).
    var isReadable: Bool { pixelCodec.decoder != nil }

    /// The decoder column of the table: a deflated data set is inflated by libdeflate first.
    var decoderName: String? {
        pixelCodec.decoder.map { isDeflated ? "libdeflate, then " + $0.name : $0.name }
    }

    static let implicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2", name: "Implicit VR Little Endian",
        byteOrder: .little, vrEncoding: .implicit, isDeflated: false, pixelCodec: .native)
    static let explicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1", name: "Explicit VR Little Endian",
        byteOrder: .little, vrEncoding: .explicit, isDeflated: false, pixelCodec: .native)
    static let explicitVRBigEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.2", name: "Explicit VR Big Endian",
        byteOrder: .big, vrEncoding: .explicit, isDeflated: false, pixelCodec: .native)

    /// Looks up a UID (trailing NUL/space padding already removed).
    static func named(_ uid: String) -> TransferSyntax? { table[uid] }

    static let table: [String: TransferSyntax] = Dictionary(uniqueKeysWithValues: all.map { ($0.uid, $0) })

    /// Every transfer syntax of PS3.6 that carries images, in PS3.6 order, so that a refusal can
    /// name it: the codec table.
    static let all: [TransferSyntax] = {
        var t: [TransferSyntax] = [implicitVRLittleEndian, explicitVRLittleEndian, explicitVRBigEndian]
        func add(_ uid: String, _ name: String, _ codec: PixelCodec, deflated: Bool = false) {
            t.append(TransferSyntax(uid: uid, name: name, byteOrder: .little, vrEncoding: .explicit,
                                    isDeflated: deflated, pixelCodec: codec))
        }
        add("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", .encapsulatedNative)
        add("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", .native, deflated: true)
        add("1.2.840.10008.1.2.5", "RLE Lossless", .rle)
        let jpeg: [(String, String)] = [
            ("50", "JPEG Baseline (Process 1)"),
            ("51", "JPEG Extended (Process 2 and 4)"),
            ("52", "JPEG Extended (Process 3 and 5)"),
            ("53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8)"),
            ("54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 and 9)"),
            ("55", "JPEG Full Progression, Non-Hierarchical (Process 10 and 12)"),
            ("56", "JPEG Full Progression, Non-Hierarchical (Process 11 and 13)"),
            ("57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
            ("58", "JPEG Lossless, Non-Hierarchical (Process 15)"),
            ("59", "JPEG Extended, Hierarchical (Process 16 and 18)"),
            ("60", "JPEG Extended, Hierarchical (Process 17 and 19)"),
            ("61", "JPEG Spectral Selection, Hierarchical (Process 20 and 22)"),
            ("62", "JPEG Spectral Selection, Hierarchical (Process 21 and 23)"),
            ("63", "JPEG Full Progression, Hierarchical (Process 24 and 26)"),
            ("64", "JPEG Full Progression, Hierarchical (Process 25 and 27)"),
            ("65", "JPEG Lossless, Hierarchical (Process 28)"),
            ("66", "JPEG Lossless, Hierarchical (Process 29)"),
            ("70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])"),
        ]
        for (suffix, name) in jpeg {
            // Process 14 (non-hierarchical lossless) and the extended sequential processes 2 and 4
            // (8- and 12-bit, Huffman) have our own decoders, baseline (process 1) goes to libjpeg;
            // the rest (progressive, hierarchical, process 15) are refused. Debian's libjpeg-turbo
            // 2.1 is built for 8-bit samples only.
            let codec: PixelCodec = switch suffix {
            case "57", "70": .jpegLossless
            case "50": .jpegBaseline
            case "51": .jpegExtended
            default: .jpeg
            }
            add("1.2.840.10008.1.2.4." + suffix, name, codec)
        }
        add("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", .jpegLS)
        add("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", .jpegLS)
        add("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", .jpeg2000)
        add("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", .jpeg2000)
        add("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", .jpeg2000Part2)
        add("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", .jpeg2000Part2)
        add("1.2.840.10008.1.2.4.94", "JPIP Referenced", .referenced)
        add("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", .referenced, deflated: true)
        add("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", .htj2k)
        add("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", .htj2k)
        add("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", .htj2k)
        add("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced", .referenced)
        add("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate", .referenced, deflated: true)
        let video: [(String, String)] = [
            ("100", "MPEG2 Main Profile / Main Level"),
            ("101", "MPEG2 Main Profile / High Level"),
            ("102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            ("103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            ("104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
            ("105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
            ("106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
            ("107", "HEVC/H.265 Main Profile / Level 5.1"),
            ("108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
        ]
        for (suffix, name) in video {
            add("1.2.840.10008.1.2.4." + suffix, name, .video)
            add("1.2.840.10008.1.2.4." + suffix + ".1", "Fragmentable " + name, .video)
        }
        return t
    }()

    /// The refusal for a syntax this reader cannot read (yet), naming UID and syntax, and the
    /// ones that are read (from the table).
    var refusal: FilmError {
        FilmError(.unsupported, "DICOM: transfer syntax \(uid) (\(name)) is not supported (read are: \(Self.readableList))")
    }

    /// The names of the readable syntaxes, in table order.
    static var readableList: String {
        all.filter(\.isReadable).map(\.name).joined(separator: "; ")
    }

    /// The README's table of transfer syntaxes (generated; `TransferSyntaxTableTests` checks that
    /// README.md holds exactly this between its markers).
    static var markdownTable: String {
        var lines = ["| UID | transfer syntax | decoder | what is read |", "|---|---|---|---|"]
        for s in all where s.isReadable {
            lines.append("| \(s.uid) | \(s.name) | \(s.decoderName ?? "") | \(s.pixelCodec.decoder?.reads ?? "") |")
        }
        let refused = all.filter { !$0.isReadable }
        lines.append("")
        lines.append("Refused by name (\(refused.count)): " + refused.map { "\($0.name) (\($0.uid))" }.joined(separator: ", ") + ".")
        return lines.joined(separator: "\n")
    }

    static func refusal(unknownUID uid: String) -> FilmError {
        FilmError(.unsupported, "DICOM: transfer syntax \(uid) is not a known transfer syntax")
    }
}
