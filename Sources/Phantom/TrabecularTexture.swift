/// Band-limited noise for the medulla: white Gaussian noise smoothed anisotropically (trabeculae
/// run along the bone, so the grain is longer along the limb axis), in two scales, scaled to unit
/// standard deviation.
///
/// Why two scales: a single Gaussian-blurred noise looks like fog; the fine grain (0.25 × 0.6 mm)
/// plus a coarser one (0.6 × 1.6 mm) gives blobs of deposit-like size over bone, which is what a
/// detector has to learn to ignore.
enum TrabecularTexture {
    static func field(width: Int, height: Int, spacingMM: Double, alongRows: Bool, seed: UInt64, stream: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed, stream: stream)
        let scales: [(across: Double, along: Double, weight: Float)] = [(0.25, 0.6, 0.6), (0.6, 1.6, 0.8)]
        var total = [Float](repeating: 0, count: width * height)
        for scale in scales {
            var noise = [Float](repeating: 0, count: width * height)
            noise.withUnsafeMutableBufferPointer { n in
                var i = 0
                while i + 1 < n.count {
                    let (a, b) = rng.normalPair()
                    n[i] = Float(a)
                    n[i + 1] = Float(b)
                    i += 2
                }
                if i < n.count { n[i] = Float(rng.normalPair().0) }
            }
            let across = scale.across / spacingMM, along = scale.along / spacingMM
            // `alongRows`: the limb runs down the film, so "along" is the vertical direction.
            let sigmaX = alongRows ? across : along, sigmaY = alongRows ? along : across
            GaussianFilter.blur(&noise, width: width, height: height, sigmaX: sigmaX, sigmaY: sigmaY)
            // Smoothing white noise of unit variance leaves a variance of Σw² per direction.
            let gx = GaussianFilter.kernel(sigma: sigmaX).reduce(0) { $0 + $1 * $1 }
            let gy = GaussianFilter.kernel(sigma: sigmaY).reduce(0) { $0 + $1 * $1 }
            let gain = scale.weight / (gx * gy).squareRoot()
            total.withUnsafeMutableBufferPointer { t in
                noise.withUnsafeBufferPointer { n in
                    for i in 0..<t.count { t[i] += gain * n[i] }
                }
            }
        }
        return total
    }
}
