import Foundation

/// A collimator blade: beyond a straight line near one film edge the beam is blocked (lead
/// shutters), leaving only scatter and leakage. After the log that band is the brightest thing
/// on the film, with a penumbra about 1 mm wide.
struct Collimator: Sendable {
    enum Edge: String, Sendable, CaseIterable { case top, bottom, left, right }

    var edge: Edge
    /// Depth of the band from the edge at the middle of that edge, in pixels.
    var depth: Double
    var angleDegrees: Double
    /// Half-width of the penumbra in pixels.
    var penumbra: Double

    /// Fraction of the beam blocked at pixel `(x, y)` of a `width × height` film: 0 outside,
    /// 1 well inside, a linear ramp across the penumbra.
    @inline(__always)
    func blocked(x: Double, y: Double, width: Int, height: Int) -> Double {
        let slope = tan(angleDegrees * .pi / 180)
        let inside: Double  // > 0 inside the band, in pixels
        switch edge {
        case .top: inside = depth + slope * (x - Double(width - 1) / 2) - y
        case .bottom: inside = y - (Double(height - 1) - depth + slope * (x - Double(width - 1) / 2))
        case .left: inside = depth + slope * (y - Double(height - 1) / 2) - x
        case .right: inside = x - (Double(width - 1) - depth + slope * (y - Double(height - 1) / 2))
        }
        return min(max(inside / (2 * penumbra) + 0.5, 0), 1)
    }
}
