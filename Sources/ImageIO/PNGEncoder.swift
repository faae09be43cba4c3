import _CCodecs
import Radiography

/// Writes PNGs with libpng: single-channel films (8 or 16 bits) and 8-bit RGB overlays.
///
/// Spacing, when given, is written as `pHYs` in pixels per metre, rounded to the nearest integer
/// (x from `spacing.column`, y from `spacing.row`), so `PNGDecoder` reads back the same spacing
/// to within the rounding (below 0.01 % at radiographic pitches).
public enum PNGEncoder {
    /// 1 channel, bitDepth 8 or 16 (samples must fit), optional pHYs from spacing.
    public static func encode(gray: [UInt16], width: Int, height: Int, bitDepth: Int, spacing: PixelSpacing?) throws -> [UInt8] {
        try checkSize(width: width, height: height, count: gray.count, perPixel: 1)
        guard bitDepth == 8 || bitDepth == 16 else {
            throw FilmError(.unsupported, codec: "PNG", "bit depth \(bitDepth) cannot be written (8 or 16)")
        }
        if bitDepth == 8, let largest = gray.max(), largest > 255 {
            throw FilmError(.malformed, codec: "PNG", "sample value \(largest) does not fit in 8 bits")
        }
        let (x, y) = try pixelsPerMetre(spacing)
        var out = ccodecs_buffer()
        var message = ccodecs_message()
        let status = gray.withUnsafeBufferPointer {
            ccodecs_png_encode_gray($0.baseAddress, UInt32(width), UInt32(height), Int32(bitDepth), x, y, &out, &message)
        }
        return try take(&out, status: status, message: message, codec: "PNG")
    }

    /// 8-bit RGB, interleaved, 3*width*height bytes.
    public static func encode(rgb: [UInt8], width: Int, height: Int, spacing: PixelSpacing?) throws -> [UInt8] {
        try checkSize(width: width, height: height, count: rgb.count, perPixel: 3)
        let (x, y) = try pixelsPerMetre(spacing)
        var out = ccodecs_buffer()
        var message = ccodecs_message()
        let status = rgb.withUnsafeBufferPointer {
            ccodecs_png_encode_rgb($0.baseAddress, UInt32(width), UInt32(height), x, y, &out, &message)
        }
        return try take(&out, status: status, message: message, codec: "PNG")
    }

    /// PNG allows 1…2³¹−1 per side.
    static func checkSize(width: Int, height: Int, count: Int, perPixel: Int) throws {
        guard (1...Int(Int32.max)).contains(width), (1...Int(Int32.max)).contains(height) else {
            throw FilmError(.unsupported, codec: "PNG", "cannot write a \(width)×\(height) image")
        }
        let (pixels, o1) = width.multipliedReportingOverflow(by: height)
        let (expected, o2) = pixels.multipliedReportingOverflow(by: perPixel)
        guard !o1, !o2, expected == count else {
            throw FilmError(.malformed, codec: "PNG", "\(count) values given for a \(width)×\(height) image (\(perPixel) per pixel)")
        }
    }

    static func pixelsPerMetre(_ spacing: PixelSpacing?) throws -> (UInt32, UInt32) {
        guard let spacing else { return (0, 0) }
        guard spacing.isPlausible else {
            throw FilmError(.unsupported, codec: "PNG", "pixel spacing \(spacing.row)×\(spacing.column) mm cannot be written")
        }
        let x = (1000 / spacing.column).rounded()
        let y = (1000 / spacing.row).rounded()
        guard x >= 1, y >= 1, x <= Double(Int32.max), y <= Double(Int32.max) else {
            throw FilmError(.malformed, codec: "PNG", "pixel spacing \(spacing.row)×\(spacing.column) mm is outside what pHYs can hold")
        }
        return (UInt32(x), UInt32(y))
    }
}
