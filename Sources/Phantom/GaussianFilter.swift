import Foundation

/// Separable Gaussian smoothing of a `Float` image, edges replicated.
///
/// Used for the detector's point-spread function and to band-limit the trabecular texture; the
/// vertical pass accumulates whole rows so the inner loop is a vectorisable multiply-add.
enum GaussianFilter {
    /// Normalised taps for σ (pixels), radius ⌈3σ⌉; a single tap of 1 for σ ≤ 0.
    static func kernel(sigma: Double) -> [Float] {
        guard sigma > 0 else { return [1] }
        let radius = Int((3 * sigma).rounded(.up))
        var taps = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let sum = taps.reduce(0, +)
        for i in taps.indices { taps[i] /= sum }
        return taps
    }

    static func blur(_ image: inout [Float], width: Int, height: Int, sigmaX: Double, sigmaY: Double) {
        precondition(image.count == width * height)
        let kx = kernel(sigma: sigmaX), ky = kernel(sigma: sigmaY)
        let rx = kx.count / 2, ry = ky.count / 2
        var padded = [Float](repeating: 0, count: width + 2 * rx)
        var output = [Float](repeating: 0, count: width * height)
        image.withUnsafeMutableBufferPointer { img in
            padded.withUnsafeMutableBufferPointer { pad in
                kx.withUnsafeBufferPointer { k in
                    for y in 0..<height {
                        let row = y * width
                        for i in 0..<(width + 2 * rx) {
                            pad[i] = img[row + min(max(i - rx, 0), width - 1)]
                        }
                        for x in 0..<width {
                            var sum: Float = 0
                            for t in 0..<k.count { sum += k[t] * pad[x + t] }
                            img[row + x] = sum
                        }
                    }
                }
            }
            output.withUnsafeMutableBufferPointer { out in
                ky.withUnsafeBufferPointer { k in
                    for y in 0..<height {
                        let dst = y * width
                        for i in 0..<width { out[dst + i] = 0 }
                        for t in 0..<k.count {
                            let src = min(max(y + t - ry, 0), height - 1) * width
                            let w = k[t]
                            for i in 0..<width { out[dst + i] += w * img[src + i] }
                        }
                    }
                }
            }
        }
        image = output
    }
}
