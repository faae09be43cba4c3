/// A small bone that is not a long bone (the patella): an ellipsoid of cancellous bone inside a
/// thin cortical shell, axis-aligned with the limb.
struct ShellEllipsoid: Sendable {
    var name: String
    var centreU: Double
    var centreV: Double
    var semiU: Double
    var semiV: Double
    var semiDepth: Double
    var shell: Double

    /// Path (mm) through the whole ellipsoid and through its cancellous core at `(u, v)`.
    @inline(__always)
    func paths(u: Double, v: Double) -> (outer: Double, core: Double) {
        let du = u - centreU, dv = v - centreV
        let q = (du * du) / (semiU * semiU) + (dv * dv) / (semiV * semiV)
        guard q < 1 else { return (0, 0) }
        let outer = 2 * semiDepth * (1 - q).squareRoot()
        let iu = semiU - shell, iv = semiV - shell, id = semiDepth - shell
        let qi = (du * du) / (iu * iu) + (dv * dv) / (iv * iv)
        let core = qi < 1 ? 2 * id * (1 - qi).squareRoot() : 0
        return (outer, core)
    }
}
