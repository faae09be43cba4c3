/// Ceilings every decoder checks against header fields *before* it allocates anything, so a
/// lying header cannot make us reserve gigabytes or loop for hours.
///
/// Exceeding one is a `FilmError` whose message names the limit and the option that raises it.
/// Memory per film is bounded by `maxFileBytes` (the bytes read, and a deflated DICOM data set
/// after inflation) plus a small multiple of `maxPixels` (the decoded samples); time is bounded
/// by the same two, since every decoder does a bounded amount of work per input byte and per
/// output pixel.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest film accepted, in pixels (rows × columns of one frame). The default, 50 million,
    /// is more than twice the largest projection film in use (about 4300 × 4300 for a
    /// 43 cm × 43 cm detector at 0.1 mm). Option: `--max-pixels`.
    public var maxPixels: Int
    /// Largest file read into memory, in bytes (default 1 GiB), and the largest a deflated DICOM
    /// data set may inflate to. Option: `--max-file-bytes`.
    public var maxFileBytes: Int
    /// Deepest nesting of DICOM sequences (a sequence inside an item of a sequence counts 2).
    /// Real files nest a few levels; the default, 32, is far above that and keeps a
    /// crafted file from exhausting the stack of the recursive walk. Option: `--max-sequence-depth`.
    public var maxSequenceDepth: Int
    /// Most DICOM data elements walked in one file, counting elements inside sequences, items
    /// and encapsulated fragments. A radiograph's header holds a few hundred; the default,
    /// 1 million, leaves ample room for large structured reports while stopping a file made of
    /// millions of empty elements (8 bytes each) before it costs seconds. Option: `--max-elements`.
    public var maxElements: Int

    public init(maxPixels: Int = 50_000_000, maxFileBytes: Int = 1 << 30,
                maxSequenceDepth: Int = 32, maxElements: Int = 1_000_000) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
        self.maxSequenceDepth = maxSequenceDepth
        self.maxElements = maxElements
    }

    public static let standard = DecodeLimits()

    /// Throws a message naming the limit when `width × height` exceeds `maxPixels`
    /// (or either is not positive).
    public func checkDimensions(width: Int, height: Int) throws {
        guard width > 0, height > 0 else {
            throw FilmError(.malformed, "image has no pixels (\(width)×\(height))")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw FilmError.overLimit(.pixels, "image is \(width)×\(height) pixels, over the limit of \(maxPixels) pixels per film")
        }
    }
}
