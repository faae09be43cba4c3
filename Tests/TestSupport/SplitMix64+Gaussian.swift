import Foundation
@_exported import struct Phantom.SplitMix64

extension SplitMix64 {
    /// A standard normal draw from one cosine of Box–Muller (u clamped to 1e-12), the draws the
    /// detector tests' films were tuned on; Phantom's films use `normalPair()`.
    public mutating func gaussian() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
