import _CCodecs
import Radiography

/// Reads a PNG into a `Radiograph`: the PNGs films come as (non-interlaced, 8 or 16 bits, gray,
/// gray+alpha, RGB, RGBA) through a path on libdeflate that is about twice as fast as libpng on a
/// 16-bit film (inflate dominates), everything else and every file with anything wrong with it
/// through libpng, whose messages the errors are. Both give the same samples (tested), and both go
/// through the `_CCodecs` shim.
///
/// - Gray (1, 2, 4, 8, 16 bits) keeps its values: `bitsStored` is the PNG bit depth, so a
///   1-bit film is 0/1 with `bitsStored` 1 rather than being stretched to 0/255; the detector
///   works relative to `maximumValue`, and stretching would invent precision.
/// - Gray+alpha and RGBA: alpha is dropped (a radiograph has no transparency); tRNS is ignored.
/// - RGB, RGBA and palette become Rec. 601 luma, `round((299 R + 587 G + 114 B) / 1000)`
///   rounded half up, at the file's bit depth (8 for palette).
/// - Adam7 interlacing is supported.
/// - `pHYs` in metres gives `PixelSpacing(row: 1000 / y, column: 1000 / x)` mm with source
///   `.pngPhysicalUnits`; an unknown unit or a zero value gives no spacing.
///
/// Dimensions are checked against `limits` from the header before any pixel memory exists.
/// Gray pixels are decoded straight into the returned array, with no intermediate image.
public enum PNGDecoder {
    /// Which decoder reads a PNG: `automatic` (libdeflate where it applies, else libpng), or
    /// `libpng` alone (for comparisons and the benchmark).
    public enum Path: Sendable { case automatic, libpng }

    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = .standard, path: Path = .automatic) throws -> Radiograph {
        guard !bytes.isEmpty else { throw FilmError(.truncated, codec: "PNG", "file is empty") }
        guard bytes.count <= limits.maxFileBytes else {
            throw FilmError.overLimit(.fileBytes, "file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes) bytes").prefixed("PNG: ")
        }
        if path == .automatic, let film = try decodeOnLibdeflate(bytes, limits: limits) { return film }
        return try bytes.withUnsafeBufferPointer { buffer in
            var header = ccodecs_png_header()
            var message = ccodecs_message()
            // Each side alone may be as large as the whole pixel budget (a 1-pixel-high strip);
            // the product is checked below, with a message naming the limit.
            let maxDimension = UInt32(clamping: min(max(limits.maxPixels, 1), Int(Int32.max)))
            guard let reader = ccodecs_png_open(buffer.baseAddress, buffer.count, maxDimension, &header, &message) else {
                throw FilmError(codec: "PNG", shim: message.string)
            }
            defer { ccodecs_png_close(reader) }
            let pixels = try samples(header, fileBytes: bytes.count, limits: limits) { ccodecs_png_read(reader, $0, $1, &message) }
            guard let pixels else { throw FilmError(codec: "PNG", shim: message.string) }
            return film(header, pixels: pixels)
        }
    }

    /// The libdeflate path (`png_fast_decode.c`), or nil when libpng must read the file: not a
    /// layout the path reads, or anything wrong with it (libpng then reads it or says what).
    /// Limits are checked exactly as on the libpng path, with the same messages.
    static func decodeOnLibdeflate(_ bytes: [UInt8], limits: DecodeLimits) throws -> Radiograph? {
        try bytes.withUnsafeBufferPointer { buffer in
            var header = ccodecs_png_header()
            guard let reader = ccodecs_png_fast_open(buffer.baseAddress, buffer.count, &header) else { return nil }
            defer { ccodecs_png_fast_close(reader) }
            let pixels = try samples(header, fileBytes: bytes.count, limits: limits) { ccodecs_png_fast_read(reader, $0, $1) }
            return pixels.map { film(header, pixels: $0) }
        }
    }

    /// The film's samples, read by `read(destination, count)` (0: success) into an array
    /// allocated only after the header passed the limits; nil when the read failed.
    private static func samples(_ header: ccodecs_png_header, fileBytes: Int, limits: DecodeLimits,
                                read: (UnsafeMutablePointer<UInt16>?, Int) -> Int32) throws -> [UInt16]? {
        let width = Int(header.width), height = Int(header.height)
        try checkLimits(limits, width: width, height: height, codec: "PNG")
        try checkCompressedSize(fileBytes, header: header)
        var status: Int32 = 0
        let pixels = [UInt16](unsafeUninitializedCapacity: width * height) { samples, initialized in
            HugePages.advise(samples)
            status = read(samples.baseAddress, samples.count)
            initialized = status == 0 ? samples.count : 0
        }
        return status == 0 ? pixels : nil
    }

    private static func film(_ header: ccodecs_png_header, pixels: [UInt16]) -> Radiograph {
        let bitsStored = header.color_type == Int32(CCODECS_PNG_PALETTE) ? 8 : Int(header.bit_depth)
        var spacing = SpacingChoice(spacing: nil, source: .unknown, warnings: [])
        if header.pixels_per_metre_x > 0, header.pixels_per_metre_y > 0 {
            let candidate = PixelSpacing(row: 1000 / Double(header.pixels_per_metre_y),
                                         column: 1000 / Double(header.pixels_per_metre_x))
            spacing = PixelSpacing.choose([("PNG pHYs spacing", candidate, .pngPhysicalUnits)])
        }
        var film = Radiograph(width: Int(header.width), height: Int(header.height), pixels: pixels, bitsStored: bitsStored,
                              spacing: spacing.spacing, spacingSource: spacing.source, format: .png)
        film.warnings = spacing.warnings
        return film
    }

    /// Deflate expands at most 1032:1 (a 258-byte match in two bits), and the image data holds
    /// at least `width × height × bits per pixel` bits whatever the filtering or interlacing, so
    /// a file smaller than that over 1032 cannot be complete. Refusing it here, before the
    /// samples are allocated, keeps a 100-byte file that claims 7000 × 7000 pixels from costing
    /// 100 MB (the pixel limit alone would allow it).
    static func checkCompressedSize(_ fileBytes: Int, header: ccodecs_png_header) throws {
        let channels: Int
        switch Int(header.color_type) {
        case Int(CCODECS_PNG_RGB): channels = 3
        case Int(CCODECS_PNG_GRAY_ALPHA): channels = 2
        case Int(CCODECS_PNG_RGB_ALPHA): channels = 4
        default: channels = 1
        }
        // width × height ≤ maxPixels was checked, and bits per pixel ≤ 64: no overflow.
        let pixelBytes = Int(header.width) * Int(header.height) * Int(header.bit_depth) * channels / 8
        guard fileBytes >= pixelBytes / 1032 else {
            throw FilmError(.truncated, codec: "PNG", "the file is \(fileBytes) bytes, too small to hold \(header.width)×\(header.height) pixels (at least \(pixelBytes / 1032) bytes even at deflate's maximum compression): it is truncated or its header lies")
        }
    }
}
