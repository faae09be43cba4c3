import Radiography

/// Finds radio-opaque deposits in the soft tissue of a film.
///
/// 1. Smooth with a 3×3 mean (S) and estimate the local noise σ of S (`NoiseMap`).
/// 2. Map body and bone on ~1 mm cells (`AnatomyMap`); deposits are searched only in soft
///    tissue away from the skin line and from bone.
/// 3. Local contrast at two scales: C = S − max of the box means of four windows beside the
///    pixel (left, right, above, below) at a distance that clears the largest deposit of that
///    scale. A blob is brighter than all four; an edge (bone, skin, collimation) or a soft-tissue
///    gradient is not, so it gets no contrast. Thin streaks still do: they fill only a sliver of
///    a window beside them.
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

        return film.pixels.withUnsafeBufferPointer { pixels in
            smoothed.withUnsafeMutableBufferPointer { s in
            work.withUnsafeMutableBufferPointer { work in
            window.withUnsafeMutableBufferPointer { window in
            contrast.withUnsafeMutableBufferPointer { c in
                for i in 0..<count { work[i] = Float(pixels[i]) }
                BoxFilter.mean(UnsafeBufferPointer(work), width: width, height: height, radius: 1, into: s, scratch: window)
                let sView = UnsafeBufferPointer(s)
                let noise = NoiseMap(smoothed: sView, width: width, height: height, cellSize: scales.cellSize)
                let anatomy = AnatomyMap(pixels: pixels, width: width, height: height, maximumValue: film.maximumValue,
                                         noise: noise, scales: scales, parameters: parameters)
                for surround in [scales.smallSurround, scales.largeSurround] {
                    BoxFilter.mean(sView, width: width, height: height, radius: surround.radius, into: window, scratch: work)
                    accumulateContrast(s: sView, means: UnsafeBufferPointer(window), width: width, height: height,
                                       distance: surround.distance, into: c)
                }
                return segment(pixels: pixels, contrast: UnsafeBufferPointer(c), width: width, height: height,
                               noise: noise, anatomy: anatomy, scales: scales, parameters: parameters)
            }}}}
        }
    }

    /// c = max(c, s − max(mean[x−d], mean[x+d], mean[y−d], mean[y+d])), positions clamped to the
    /// film (replicated border: measured to give fewer false positives near the border than
    /// substituting the window centred on the pixel).
    static func accumulateContrast(s: UnsafeBufferPointer<Float>, means: UnsafeBufferPointer<Float>,
                                   width: Int, height: Int, distance d: Int, into c: UnsafeMutableBufferPointer<Float>) {
        nonisolated(unsafe) let s = s, means = means, c = c
        ParallelBands.run(height, minimumBand: 16) { rows in
            for y in rows {
                let row = y * width
                let above = max(0, y - d) * width, below = min(height - 1, y + d) * width
                for x in 0..<width {
                    let left = means[row + max(0, x - d)]
                    let right = means[row + min(width - 1, x + d)]
                    let up = means[above + x], down = means[below + x]
                    let surround = max(max(left, right), max(up, down))
                    let i = row + x
                    c[i] = max(c[i], s[i] - surround)
                }
            }
        }
    }

    static func segment(pixels: UnsafeBufferPointer<UInt16>, contrast c: UnsafeBufferPointer<Float>, width: Int, height: Int,
                        noise: NoiseMap, anatomy: AnatomyMap, scales: PixelScales,
                        parameters: DetectionParameters) -> DetectionResult {
        let count = width * height, cell = scales.cellSize, columns = noise.columns
        let grow = Float(parameters.growSigmas), seed = Float(parameters.seedSigmas)

        // Hysteresis candidates.
        var mask = [UInt8](repeating: 0, count: count)
        for y in 0..<height {
            let cellRow = (y / cell) * columns, row = y * width
            for x in 0..<width {
                let k = cellRow + x / cell
                if anatomy.searchable[k] != 0 && c[row + x] > grow * noise.sigma[k] { mask[row + x] = 1 }
            }
        }
        var labels = [Int32](repeating: 0, count: count)
        var peaks = PeakContrast(contrast: c, sigma: noise.sigma, cellSize: cell, columns: columns, width: width)
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
        var measures = DepositMeasures(pixels: pixels, contrast: c, sigma: noise.sigma, cellSize: cell, columns: columns, width: width)
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
    let sigma: [Float]
    let cellSize: Int, columns: Int, width: Int
    var peak: [Float] = []
    var peakSNR: [Float] = []

    init(contrast: UnsafeBufferPointer<Float>, sigma: [Float], cellSize: Int, columns: Int, width: Int) {
        self.contrast = contrast
        self.sigma = sigma
        self.cellSize = cellSize
        self.columns = columns
        self.width = width
    }
    mutating func prepare(count: Int) {
        peak = [Float](repeating: 0, count: count + 1)
        peakSNR = [Float](repeating: 0, count: count + 1)
    }
    mutating func add(label: Int, x: Int, y: Int, index: Int) {
        let value = contrast[index]
        peak[label] = max(peak[label], value)
        peakSNR[label] = max(peakSNR[label], value / sigma[(y / cellSize) * columns + x / cellSize])
    }
}

/// Area, box, centroid sums, sample and contrast statistics per deposit.
struct DepositMeasures: ComponentStatistics {
    let pixels: UnsafeBufferPointer<UInt16>
    let contrast: UnsafeBufferPointer<Float>
    let sigma: [Float]
    let cellSize: Int, columns: Int, width: Int
    var area: [Int] = []
    var minX: [Int] = [], minY: [Int] = [], maxX: [Int] = [], maxY: [Int] = []
    var sumX: [Double] = [], sumY: [Double] = [], sumValue: [Double] = [], sumContrast: [Double] = []
    var peakValue: [UInt16] = []
    var peakSNR: [Double] = []

    init(pixels: UnsafeBufferPointer<UInt16>, contrast: UnsafeBufferPointer<Float>, sigma: [Float], cellSize: Int, columns: Int, width: Int) {
        self.pixels = pixels
        self.contrast = contrast
        self.sigma = sigma
        self.cellSize = cellSize
        self.columns = columns
        self.width = width
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
        let c = contrast[index]
        sumContrast[label] += Double(c)
        peakValue[label] = max(peakValue[label], pixels[index])
        peakSNR[label] = max(peakSNR[label], Double(c / sigma[(y / cellSize) * columns + x / cellSize]))
    }
    func box(_ id: Int) -> PixelBox {
        PixelBox(x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1)
    }
}
