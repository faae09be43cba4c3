import DICOM
import Foundation
import ImageIO
import Radiography

/// Reads a film from disk and decodes it by its magic bytes, never by its name.
public enum FilmLoader {
    /// - Parameters:
    ///   - frame: 1-based frame of a multi-frame DICOM (ignored for PNG and JPEG).
    /// - Throws: `FilmError` saying what is wrong, without the path (callers add it).
    public static func load(path: String, frame: Int = 1, limits: DecodeLimits = .standard) throws -> Radiograph {
        try load(path: path, frame: frame, limits: limits, keepingDICOMSource: false).film
    }

    /// `load`, and with `keepingDICOMSource`, for a DICOM film, what the objects derived from it
    /// reference (`DICOMDecoder.decodeWithSource`: from the same parse); nil otherwise.
    static func load(path: String, frame: Int, limits: DecodeLimits, keepingDICOMSource: Bool) throws
        -> (film: Radiograph, dicomSource: Result<DICOMSourceImage, any Error>?) {
        let bytes = try readBytes(path: path, limits: limits)
        if keepingDICOMSource, FormatSniffer.format(of: bytes) == .dicom {
            let decoded = try DICOMDecoder.decodeWithSource(bytes, frame: frame, limits: limits)
            return (decoded.film, decoded.source)
        }
        return (try decode(bytes, frame: frame, limits: limits), nil)
    }

    public static func decode(_ bytes: [UInt8], frame: Int = 1, limits: DecodeLimits = .standard) throws -> Radiograph {
        guard !bytes.isEmpty else { throw FilmError(.truncated, "file is empty") }
        switch FormatSniffer.format(of: bytes) {
        case .png?: return try PNGDecoder.decode(bytes, limits: limits)
        case .jpeg?: return try JPEGDecoder.decode(bytes, limits: limits)
        case .dicom?: return try DICOMDecoder.decode(bytes, frame: frame, limits: limits)
        case nil:
            throw FilmError(.unsupported, "not a DICOM, PNG or JPEG file (unrecognised first bytes \(hexPrefix(bytes)))")
        }
    }

    /// The whole file: a regular file only (not a device, FIFO or socket), no larger than the
    /// limit, not growing while read (`FilmFileReader`).
    public static func readBytes(path: String, limits: DecodeLimits) throws -> [UInt8] {
        try FilmFileReader.read(path: path, limits: limits)
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
