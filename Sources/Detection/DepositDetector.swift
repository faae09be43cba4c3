import Radiography

/// Finds radio-opaque deposits in the soft tissue of a film.
///
/// 1. Smooth with a 3×3 mean (S) and estimate the local noise σ of S (`NoiseMap`).
/// 2. Map body and bone on ~1 mm cells (`AnatomyMap`); deposits are searched only in soft
///    tissue away from the skin line and from bone.
/// 3. Local contrast at two scales: along each of four axes, S minus the mean of two box windows
///    on either side of the pixel, at a distance that clears the largest deposit of that scale;
///    the contrast is the smallest of the four. A blob is brighter than its surround on every
///    axis; an edge (bone, skin, collimation) is not brighter along the axis parallel to it, and a
///    linear soft-tissue gradient cancels in each pair. Thin streaks keep their contrast: they fill
///    only a sliver of a window beside them.
/// 4. Hysteresis: components of C > `growSigmas`·σ that reach `seedSigmas`·σ somewhere; each
///    deposit's outline is where C ≥ `outlineFraction` × its peak contrast.
/// 5. 8-connected labelling with statistics gathered in the labelling pass; components
///    smaller than `minDepositAreaMM2` or longer than `maxDepositExtentMM` are dropped.
///
/// Pure and deterministic: same film and parameters, same result, whatever the thread count.
public enum DepositDetector {
    public static func detect(_ film: Radiograph, parameters: DetectionParameters = DetectionParameters()) -> DetectionResult {
        let width = film.width, height = film.height, count = width * height
        let spacingMM = film.spacing.map(\.mean) ?? parameters.assumedSpacingMM
        let scales = PixelScales(parameters, spacingMM: spacingMM)

        var smoothed = [Float](repeating: 0, count: count)
        var work = [Float](repeating: 0, count: count)
        var window = [Float](repeating: 0, count: count)
        var contrast = [Float](repeating: -.infinity, count: count)
        var significance = [Float](repeating: -.infinity, count: count)

        return film.pixels.withUnsafeBufferPointer { pixels in
            smoothed.withUnsafeMutableBufferPointer { s in
            work.withUnsafeMutableBufferPointer { work in
            window.withUnsafeMutableBufferPointer { window in
            contrast.withUnsafeMutableBufferPointer { c in
            significance.withUnsafeMutableBufferPointer { z in
                for i in 0..<count { work[i] = Float(pixels[i]) }
                BoxFilter.mean(UnsafeBufferPointer(work), width: width, height: height, radius: 1, into: s, scratch: window)
                let sView = UnsafeBufferPointer(s)
                let noise = NoiseMap(smoothed: sView, width: width, height: height, cellSize: scales.cellSize)
                let anatomy = AnatomyMap(pixels: pixels, width: width, height: height, maximumValue: film.maximumValue,
                                         noise: noise, scales: scales, parameters: parameters)
                for (surround, ridges) in [(scales.smallSurround, true), (scales.largeSurround, false)] {
                    BoxFilter.mean(sView, width: width, height: height, radius: surround.radius, into: window, scratch: work)
                    for measure in ridges ? [Measure.blob, .ridge] : [.blob] {
                        localContrast(s: sView, means: UnsafeBufferPointer(window), width: width, height: height,
                                      distance: surround.distance, measure: measure, into: work)
                        let clutter = clutterSigma(UnsafeBufferPointer(work), width: width, height: height, anatomy: anatomy)
                        fold(UnsafeBufferPointer(work), clutter: clutter, noise: noise, width: width, height: height,
                             contrast: c, significance: z)
                    }
                }
                let region = SearchRegion.make(smoothed: sView, width: width, height: height, anatomy: anatomy,
                                               scales: scales, parameters: parameters)
                return segment(pixels: pixels, contrast: UnsafeBufferPointer(c), significance: UnsafeBufferPointer(z),
                               region: region, width: width, height: height, noise: noise, anatomy: anatomy,
                               scales: scales, parameters: parameters)
            }}}}}
        }
    }

    /// Robust σ of one scale's contrast over the searchable soft tissue: 1.4826 × the median
    /// absolute deviation from the median, from every third pixel of every third row.
    ///
    /// At the small scale this is about the pixel noise; at the large scale it is the anatomy's
    /// own texture (fat and muscle layers, vessels), which a large nodule must stand out from.
    static func clutterSigma(_ contrast: UnsafeBufferPointer<Float>, width: Int, height: Int, anatomy: AnatomyMap) -> Float {
        var samples: [Float] = []
        samples.reserveCapacity(width * height / 9 + 1)
        let cell = anatomy.cellSize
        for y in stride(from: 1, to: height, by: 3) {
            let cellRow = (y / cell) * anatomy.columns
            for x in stride(from: 1, to: width, by: 3) where anatomy.searchable[cellRow + x / cell] != 0 {
                samples.append(contrast[y * width + x])
            }
        }
        guard samples.count >= 16 else { return 0 }
        let median = NoiseMap.median(&samples, count: samples.count)
        for i in samples.indices { samples[i] = abs(samples[i] - median) }
        return 1.4826 * NoiseMap.median(&samples, count: samples.count)
    }

    /// contrast = max(contrast, c); significance = max(significance, c / max(local noise σ, clutter σ)).
    static func fold(_ scaleContrast: UnsafeBufferPointer<Float>, clutter: Float, noise: NoiseMap, width: Int, height: Int,
                     contrast: UnsafeMutableBufferPointer<Float>, significance: UnsafeMutableBufferPointer<Float>) {
        nonisolated(unsafe) let scaleContrast = scaleContrast, contrast = contrast, significance = significance
        let cell = noise.cellSize, columns = noise.columns
        noise.sigma.withUnsafeBufferPointer { sigma in
            nonisolated(unsafe) let sigma = sigma
            ParallelBands.run(height, minimumBand: 16) { rows in
                for y in rows {
                    let row = y * width, cellRow = (y / cell) * columns
                    for x in 0..<width {
                        let i = row + x, value = scaleContrast[i]
                        contrast[i] = max(contrast[i], value)
                        significance[i] = max(significance[i], value / max(sigma[cellRow + x / cell], clutter))
                    }
                }
            }
        }
    }

    /// Blob: c = min over four axes (0°, 90°, ±45°) of s − ½·(window ahead + window behind).
    /// Ridge: c = max over the axes of min(s − window ahead, s − window behind).
    ///
    /// The mean of two opposite windows cancels any linear gradient (the steep soft-tissue slope
    /// near the skin, the thickness of a limb), so a deposit on a slope keeps its contrast; the
    /// minimum over axes is ~0 on an edge of any direction, because the axis parallel to the edge
    /// has both windows at the pixel's own level. Measured on the phantoms against the
    /// alternatives: the maximum of the single windows (safe on curved profiles but it loses
    /// deposits on slopes: sensitivity 0.54), the axis of least difference (more false
    /// positives) and a quadratic fit from windows at d and 2d (far windows land on bone).
    /// Window positions are clamped to the film.
    /// What the local contrast responds to.
    enum Measure {
        /// Brighter than the mean of the two windows on every axis: compact deposits.
        case blob
        /// Brighter than both windows of at least one axis: streaks along fascia, which the blob
        /// measure dims because a window along a streak lies on the streak. An edge has one
        /// brighter window on every axis, so it stays dark; a slope costs its rise over the
        /// window distance.
        case ridge
    }

    static func localContrast(s: UnsafeBufferPointer<Float>, means: UnsafeBufferPointer<Float>,
                              width: Int, height: Int, distance d: Int, measure: Measure,
                              into c: UnsafeMutableBufferPointer<Float>) {
        nonisolated(unsafe) let s = s, means = means, c = c
        let diagonal = max(1, Int((Double(d) / 2.0.squareRoot()).rounded()))
        ParallelBands.run(height, minimumBand: 16) { rows in
            for y in rows {
                let row = y * width
                let above = max(0, y - d) * width, below = min(height - 1, y + d) * width
                let aboveDiagonal = max(0, y - diagonal) * width, belowDiagonal = min(height - 1, y + diagonal) * width
                for x in 0..<width {
                    let left = max(0, x - d), right = min(width - 1, x + d)
                    let leftDiagonal = max(0, x - diagonal), rightDiagonal = min(width - 1, x + diagonal)
                    let l = means[row + left], r = means[row + right]
                    let u = means[above + x], b = means[below + x]
                    let fa = means[aboveDiagonal + leftDiagonal], fb = means[belowDiagonal + rightDiagonal]
                    let ra = means[aboveDiagonal + rightDiagonal], rb = means[belowDiagonal + leftDiagonal]
                    let surround: Float
                    switch measure {
                    case .blob: surround = 0.5 * max(max(l + r, u + b), max(fa + fb, ra + rb))
                    case .ridge: surround = min(min(max(l, r), max(u, b)), min(max(fa, fb), max(ra, rb)))
                    }
                    let i = row + x
                    c[i] = s[i] - surround
                }
            }
        }
    }

    static func segment(pixels: UnsafeBufferPointer<UInt16>, contrast c: UnsafeBufferPointer<Float>,
                        significance z: UnsafeBufferPointer<Float>, region: [UInt8], width: Int, height: Int,
                        noise: NoiseMap, anatomy: AnatomyMap, scales: PixelScales,
                        parameters: DetectionParameters) -> DetectionResult {
        let count = width * height, cell = scales.cellSize, columns = noise.columns
        let grow = Float(parameters.growSigmas), seed = Float(parameters.seedSigmas)

        // Hysteresis candidates inside the search region.
        var mask = [UInt8](repeating: 0, count: count)
        for i in 0..<count where region[i] != 0 && z[i] > grow { mask[i] = 1 }
        var labels = [Int32](repeating: 0, count: count)
        var peaks = PeakContrast(contrast: c, significance: z)
        _ = mask.withUnsafeBufferPointer { m in
            labels.withUnsafeMutableBufferPointer { l in
                ConnectedComponents.label(mask: m, width: width, height: height, labels: l, statistics: &peaks)
            }
        }
        // Outline of every seeded component.
        let fraction = Float(parameters.outlineFraction)
        for i in 0..<count {
            let id = Int(labels[i])
            mask[i] = id != 0 && peaks.peakSNR[id] >= seed && c[i] >= fraction * peaks.peak[id] ? 1 : 0
        }
        var measures = DepositMeasures(pixels: pixels, contrast: c, significance: z)
        let found = mask.withUnsafeBufferPointer { m in
            labels.withUnsafeMutableBufferPointer { l in
                ConnectedComponents.label(mask: m, width: width, height: height, labels: l, statistics: &measures)
            }
        }

        // Keep deposits of plausible size; renumber the survivors 1…n in the same order.
        var newID = [Int32](repeating: 0, count: found + 1)
        var deposits: [Deposit] = []
        for id in 1...max(1, found) where id <= found {
            let box = measures.box(id)
            let extent = (Double(box.width * box.width + box.height * box.height)).squareRoot()
            let meanSNR = measures.peakSNR[id]
            guard measures.area[id] >= scales.minAreaPx, extent <= scales.maxExtentPx, meanSNR >= Double(seed) else { continue }
            let n = Double(measures.area[id])
            deposits.append(Deposit(
                id: deposits.count + 1, areaPx: measures.area[id], bbox: box,
                centroidX: measures.sumX[id] / n, centroidY: measures.sumY[id] / n,
                mean: measures.sumValue[id] / n, peak: Int(measures.peakValue[id]),
                contrast: measures.sumContrast[id] / n, peakSNR: meanSNR))
            newID[id] = Int32(deposits.count)
        }
        for i in 0..<count where labels[i] != 0 { labels[i] = newID[Int(labels[i])] }

        var bodySigmas = zip(noise.sigma, anatomy.body).compactMap { $1 != 0 ? $0 : nil }
        let filmSigma = bodySigmas.isEmpty ? NoiseMap.floor : NoiseMap.median(&bodySigmas, count: bodySigmas.count)
        return DetectionResult(
            deposits: deposits,
            labels: LabelImage(width: width, height: height, labels: labels),
            body: BodyMap(cellSize: cell, columns: anatomy.columns, rows: anatomy.rows, cells: anatomy.body, bone: anatomy.bone),
            noiseSigma: Double(filmSigma))
    }
}

/// Peak contrast (absolute and in σ) per hysteresis component.
struct PeakContrast: ComponentStatistics {
    let contrast: UnsafeBufferPointer<Float>
    let significance: UnsafeBufferPointer<Float>
    var peak: [Float] = []
    var peakSNR: [Float] = []

    init(contrast: UnsafeBufferPointer<Float>, significance: UnsafeBufferPointer<Float>) {
        self.contrast = contrast
        self.significance = significance
    }
    mutating func prepare(count: Int) {
        peak = [Float](repeating: 0, count: count + 1)
        peakSNR = [Float](repeating: 0, count: count + 1)
    }
    mutating func add(label: Int, x: Int, y: Int, index: Int) {
        peak[label] = max(peak[label], contrast[index])
        peakSNR[label] = max(peakSNR[label], significance[index])
    }
}

/// Area, box, centroid sums, sample and contrast statistics per deposit.
struct DepositMeasures: ComponentStatistics {
    let pixels: UnsafeBufferPointer<UInt16>
    let contrast: UnsafeBufferPointer<Float>
    let significance: UnsafeBufferPointer<Float>
    var area: [Int] = []
    var minX: [Int] = [], minY: [Int] = [], maxX: [Int] = [], maxY: [Int] = []
    var sumX: [Double] = [], sumY: [Double] = [], sumValue: [Double] = [], sumContrast: [Double] = []
    var peakValue: [UInt16] = []
    var peakSNR: [Double] = []

    init(pixels: UnsafeBufferPointer<UInt16>, contrast: UnsafeBufferPointer<Float>, significance: UnsafeBufferPointer<Float>) {
        self.pixels = pixels
        self.contrast = contrast
        self.significance = significance
    }
    mutating func prepare(count: Int) {
        let n = count + 1
        area = [Int](repeating: 0, count: n)
        minX = [Int](repeating: .max, count: n); minY = minX
        maxX = [Int](repeating: .min, count: n); maxY = maxX
        sumX = [Double](repeating: 0, count: n); sumY = sumX; sumValue = sumX; sumContrast = sumX
        peakValue = [UInt16](repeating: 0, count: n)
        peakSNR = [Double](repeating: 0, count: n)
    }
    mutating func add(label: Int, x: Int, y: Int, index: Int) {
        area[label] += 1
        minX[label] = min(minX[label], x); maxX[label] = max(maxX[label], x)
        minY[label] = min(minY[label], y); maxY[label] = max(maxY[label], y)
        sumX[label] += Double(x); sumY[label] += Double(y)
        sumValue[label] += Double(pixels[index])
        sumContrast[label] += Double(contrast[index])
        peakValue[label] = max(peakValue[label], pixels[index])
        peakSNR[label] = max(peakSNR[label], Double(significance[index]))
    }
    func box(_ id: Int) -> PixelBox {
        PixelBox(x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1)
    }
}
