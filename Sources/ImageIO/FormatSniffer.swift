import Radiography

/// Chooses a film's format from its first bytes, never from its name: archives are full of
/// DICOM files without extension and PNGs called `.dcm`.
public enum FormatSniffer {
    /// The format whose signature the bytes start with, or nil.
    ///
    /// - DICOM Part 10: 128-byte preamble then `DICM`, or `DICM` and a group 0x0002 tag at
    ///   byte 0 (preamble dropped). Files without preamble (raw data sets,
    ///   as some older archives store them) start with a group 0x0002 or 0x0008 element tag in
    ///   little endian; those are recognised too so the DICOM reader can say what it makes of them.
    /// - PNG: the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`.
    /// - JPEG: SOI `FF D8` followed by a marker `FF`.
    public static func format<Bytes: Collection>(of bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        let head = Array(bytes.prefix(132))
        if head.count >= 8, head[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return .png
        }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
            return .jpeg
        }
        if head.count >= 132, head[128..<132].elementsEqual([0x44, 0x49, 0x43, 0x4D]) {
            return .dicom
        }
        // `DICM` then the meta group, without the preamble (some writers drop it).
        if head.count >= 8, head[0..<4].elementsEqual([0x44, 0x49, 0x43, 0x4D]), head[4] == 0x02, head[5] == 0x00 {
            return .dicom
        }
        // A data set without preamble: (0002,xxxx) or (0008,xxxx) as the first tag, little endian,
        // followed by either an explicit VR (two upper-case letters) or a 4-byte implicit length.
        if head.count >= 8, head[1] == 0x00, head[0] == 0x02 || head[0] == 0x08, head[3] == 0x00 {
            return .dicom
        }
        return nil
    }
}
