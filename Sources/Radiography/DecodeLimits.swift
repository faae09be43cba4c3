/// Ceilings every decoder checks against header fields *before* it allocates anything, so a
/// lying header cannot make us reserve gigabytes or loop for hours.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest film accepted, in pixels (rows × columns of one frame). The default, 50 million,
    /// is more than twice the largest projection film in use (about 4300 × 4300 for a
    /// 43 cm × 43 cm detector at 0.1 mm).
    public var maxPixels: Int
    /// Largest file read into memory, in bytes (default 1 GiB).
    public var maxFileBytes: Int

    public init(maxPixels: Int = 50_000_000, maxFileBytes: Int = 1 << 30) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
    }

    public static let standard = DecodeLimits()

    /// Throws a message naming the limit when `width × height` exceeds `maxPixels`
    /// (or either is not positive).
    public func checkDimensions(width: Int, height: Int) throws {
        guard width > 0, height > 0 else {
            throw FilmError("image has no pixels (\(width)×\(height))")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw FilmError("image is \(width)×\(height) pixels, over the limit of \(maxPixels) pixels per film (raise it with --max-pixels)")
        }
    }
}
