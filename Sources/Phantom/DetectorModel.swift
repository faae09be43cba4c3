import Foundation

/// Turns the blurred line integral into 12-bit film values the way a flat-panel detector and its
/// log transform do.
///
/// Counts `N = N0 · heel · exp(−A) + scatter`; quantum noise as the Gaussian approximation of Poisson
/// (σ = √N) plus electronic noise (σ = e counts); counts below 1 are read as 1 (the log of the
/// empty detector); film value `v = round(offset + gain · ln(N0 / N))` clamped to 0…4095. So
/// larger values mean more attenuation, and the noise in film units, gain·√(N + e²)/N, grows where
/// attenuation is higher. The gain maps a single count to 4095.
enum DetectorModel {
    /// Incident-count factor of the anode heel effect at a pixel: a linear ramp of ±heel/2 along
    /// the film's long axis.
    @inline(__always)
    static func heelFactor(row: Int, column: Int, width: Int, height: Int, heel: Double) -> Double {
        let t = height >= width ? Double(row) / Double(max(height - 1, 1)) : Double(column) / Double(max(width - 1, 1))
        return 1 + heel * (t - 0.5)
    }

    /// Noise σ in film units for an expected `counts` (including the rounding to whole values).
    static func filmSigma(counts: Double, detector: PhantomTruth.Detector) -> Double {
        let n = max(counts, 1)
        let e = detector.electronicNoise
        return (detector.gain * detector.gain * (n + e * e) / (n * n) + 1.0 / 12.0).squareRoot()
    }

    /// `scatter` adds its counts to the primary before the noise (scatter is quanta too).
    static func expose(_ integral: [Float], scatter: [Float], width: Int, height: Int, detector: PhantomTruth.Detector,
                       seed: UInt64) -> [UInt16] {
        var rng = SplitMix64(seed: seed, stream: PhantomScene.noiseStream)
        var pixels = [UInt16](repeating: 0, count: width * height)
        let n0 = detector.n0, gain = detector.gain, offset = detector.offset, e = detector.electronicNoise
        let logN0 = log(n0)
        integral.withUnsafeBufferPointer { a in
        scatter.withUnsafeBufferPointer { scattered in
            pixels.withUnsafeMutableBufferPointer { out in
                for row in 0..<height {
                    for col in 0..<width {
                        let i = row * width + col
                        let incident = n0 * heelFactor(row: row, column: col, width: width, height: height, heel: detector.heel)
                        let expected = incident * exp(-Double(a[i])) + Double(scattered[i])
                        let (quantum, electronic) = rng.normalPair()
                        let counts = max(expected + expected.squareRoot() * quantum + e * electronic, 1)
                        let v = (offset + gain * (logN0 - log(counts))).rounded()
                        out[i] = UInt16(min(max(v, 0), 4095))
                    }
                }
            }
        }}
        return pixels
    }
}
