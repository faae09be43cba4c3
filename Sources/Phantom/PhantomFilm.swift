import Radiography

/// One generated film with its truth.
public struct PhantomFilm: Sendable {
    /// 12-bit samples, larger = more attenuation, spacing from the spec (source `.user`, since
    /// nothing was read from a file); `format` is `.png`, the lossless form the film is written in.
    public var radiograph: Radiograph
    public var truth: PhantomTruth
    /// Deposit id (1-based, as in `truth.deposits`) of every pixel whose centre lies inside that
    /// deposit's projected outline, 0 elsewhere; row-major like the radiograph.
    public var labelMask: [UInt16]

    public init(radiograph: Radiograph, truth: PhantomTruth, labelMask: [UInt16]) {
        self.radiograph = radiograph
        self.truth = truth
        self.labelMask = labelMask
    }
}
