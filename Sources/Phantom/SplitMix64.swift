import Foundation

/// The phantoms' own random source: SplitMix64 (Steele, Lea & Flood 2014) with Box–Muller normals.
///
/// Why our own: a phantom must come out bit-identical from the same seed on every run and every
/// toolchain. The standard library's `random(in:using:)` helpers may change their algorithms
/// between releases, so nothing here calls them; every draw goes through the methods below.
/// Public so that the tests draw their seeded inputs from this one generator; its conformance to
/// `RandomNumberGenerator` is for them (test data through `random(in:using:)`), never for films.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for one part of the scene (anatomy, deposits, noise, …), so that
    /// switching the marker off or adding a deposit kind does not move everything else.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next() ^ stream
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Log-uniform in [low, high): small sizes as often per octave as large ones.
    public mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        exp(uniform(log(low), log(high)))
    }

    /// Uniform integer in the closed range (the modulo bias is below 2⁻⁵⁰ for these ranges).
    public mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Two independent standard normal draws (Box–Muller). The first uniform is taken in (0, 1]
    /// so the logarithm is finite.
    public mutating func normalPair() -> (Double, Double) {
        let u1 = (Double(next() >> 11) + 1) * 0x1.0p-53
        let u2 = uniform()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (radius * cos(angle), radius * sin(angle))
    }
}
