import Radiography

/// What `detect info` says about a PNG or JPEG without decoding it: size, bit depth, colour
/// type and, for PNG, the spacing its `pHYs` chunk gives.
///
/// Parsed here in Swift from the headers alone (PNG IHDR and the chunks before the first IDAT;
/// JPEG markers up to the first start-of-frame), every length checked against the bytes present.
/// JPEG never has a spacing: JFIF density is a print or screen resolution (see `JPEGDecoder`).
public struct ImageInfo: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    /// Bits per sample: PNG 1, 2, 4, 8 or 16; JPEG 8 or 12 (16 for lossless).
    public var bitDepth: Int
    /// PNG: gray, rgb, palette, gray_alpha, rgb_alpha. JPEG: gray, ycbcr_or_rgb, cmyk, by component count.
    public var colourType: String
    /// Samples per pixel (PNG: channels before palette expansion; JPEG: components).
    public var channels: Int
    /// PNG: interlaced (Adam7). JPEG: progressive.
    public var isInterlaced: Bool
    /// JPEG only: baseline, extended, progressive, lossless (from the SOF marker), nil for PNG.
    public var jpegProcess: String?
    /// PNG `pHYs` in metres, converted to mm; nil when absent or not in metres.
    public var spacing: PixelSpacing?

    public static func read(_ bytes: [UInt8]) throws -> ImageInfo {
        switch FormatSniffer.format(of: bytes) {
        case .png?: return try png(bytes)
        case .jpeg?: return try jpeg(bytes)
        default: throw FilmError(.unsupported, "not a PNG or JPEG file")
        }
    }

    private static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    private static func png(_ b: [UInt8]) throws -> ImageInfo {
        // Signature (8), then chunks: length (4, big endian), type (4), data, CRC (4).
        guard b.count >= 33, b[12..<16].elementsEqual(Array("IHDR".utf8)), be32(b, 8) == 13 else {
            throw FilmError(.malformed, "PNG: the file does not start with an IHDR chunk")
        }
        let width = be32(b, 16), height = be32(b, 20)
        let depth = Int(b[24]), colour = Int(b[25])
        let types: [Int: (String, Int)] = [0: ("gray", 1), 2: ("rgb", 3), 3: ("palette", 1), 4: ("gray_alpha", 2), 6: ("rgb_alpha", 4)]
        guard let (name, channels) = types[colour] else { throw FilmError(.malformed, "PNG: colour type \(colour) is not defined") }
        guard width > 0, height > 0, [1, 2, 4, 8, 16].contains(depth) else {
            throw FilmError(.malformed, "PNG: IHDR gives \(width)×\(height) at bit depth \(depth), which is invalid")
        }
        var spacing: PixelSpacing?
        var at = 33
        while at + 8 <= b.count {
            let length = be32(b, at)
            let type = String(decoding: b[(at + 4)..<(at + 8)], as: UTF8.self)
            if type == "IDAT" || type == "IEND" { break }
            guard length >= 0, length <= b.count - at - 12 else {
                throw FilmError(.truncated, "PNG: chunk \(type) runs past the end of the file")
            }
            if type == "pHYs", length == 9, b[at + 16] == 1 {
                let x = be32(b, at + 8), y = be32(b, at + 12)
                if x > 0, y > 0 { spacing = PixelSpacing(row: 1000 / Double(y), column: 1000 / Double(x)) }
            }
            at += 12 + length
        }
        return ImageInfo(format: .png, width: width, height: height, bitDepth: depth, colourType: name,
                         channels: channels, isInterlaced: b[28] == 1, jpegProcess: nil, spacing: spacing)
    }

    private static func jpeg(_ b: [UInt8]) throws -> ImageInfo {
        var at = 2  // after SOI
        while at + 4 <= b.count {
            guard b[at] == 0xFF else { throw FilmError(.malformed, "JPEG: no marker at byte \(at)") }
            let marker = b[at + 1]
            if marker == 0xFF { at += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { at += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }
            let length = Int(b[at + 2]) << 8 | Int(b[at + 3])
            guard length >= 2, length <= b.count - at - 2 else {
                throw FilmError(.truncated, "JPEG: marker segment at byte \(at) runs past the end of the file")
            }
            // SOF0…SOF15, except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard length >= 8 else { throw FilmError(.truncated, "JPEG: start-of-frame segment is too short") }
                let precision = Int(b[at + 4])
                let height = Int(b[at + 5]) << 8 | Int(b[at + 6])
                let width = Int(b[at + 7]) << 8 | Int(b[at + 8])
                let components = Int(b[at + 9])
                let process: String
                switch marker & 0x03 {
                case 0: process = marker == 0xC0 ? "baseline" : "extended"
                case 1: process = "extended"
                case 2: process = "progressive"
                default: process = "lossless"
                }
                let colour = components == 1 ? "gray" : components == 3 ? "ycbcr_or_rgb" : components == 4 ? "cmyk" : "\(components)_components"
                return ImageInfo(format: .jpeg, width: width, height: height, bitDepth: precision, colourType: colour,
                                 channels: components, isInterlaced: process == "progressive",
                                 jpegProcess: (marker >= 0xC5 ? "hierarchical " : "") + process, spacing: nil)
            }
            at += 2 + length
        }
        throw FilmError(.malformed, "JPEG: no start-of-frame marker before the image data")
    }
}
