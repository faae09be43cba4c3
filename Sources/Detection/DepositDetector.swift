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
///
/// Cost (3000×3000 film, 2 cores): four film-sized planes of 4 bytes a pixel besides the film,
/// one of them the returned label image (~190 MB resident with the film); every kernel runs over
/// row or column bands with `ParallelBands`, and each kernel adds in a fixed order, so the
/// bands change the speed and never the bits. `DetectionResult.stageSeconds` says where the time went.
public enum DepositDetector {
    public static func detect(_ film: Radiograph, parameters: DetectionParameters = DetectionParameters()) -> DetectionResult {
        let width = film.width, height = film.height, count = width * height
        let spacingMM = film.spacing.map(\.mean) ?? parameters.assumedSpacingMM
        let scales = PixelScales(parameters, spacingMM: spacingMM)
        var clock = DetectionClock()

        // Four film-sized planes of 4 bytes a pixel, allocated uninitialised (every kernel writes
        // all of its output): S (later the search region and candidate mask, one byte a pixel),
        // the folded contrast and significance, and the label image, which until labelling holds
        // the window means of one scale and then the skin distances.
        let s = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        let c = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        let z = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer {
            s.deallocate()
            c.deallocate()
            z.deallocate()
        }
        var found: Segmentation?
        let labels = [Int32](unsafeUninitializedCapacity: count) { labelBuffer, initialised in
            film.pixels.withUnsafeBufferPointer { pixels in
                BoxFilter.mean3x3(pixels, width: width, height: height, into: s)
                let sView = UnsafeBufferPointer(s)
                let noise = NoiseMap(smoothed: sView, width: width, height: height, cellSize: scales.cellSize)
                let anatomy = AnatomyMap(pixels: pixels, width: width, height: height, maximumValue: film.maximumValue,
                                         noise: noise, scales: scales, parameters: parameters)
                clock.lap(.background)
                labelBuffer.withMemoryRebound(to: Float.self) { window in
                    let windowView = UnsafeBufferPointer(window)
                    // Small scale: blob and ridge from the same windows, folded in one pass.
                    let small = scales.smallSurround, large = scales.largeSurround
                    BoxFilter.mean(sView, width: width, height: height, radius: small.radius, into: window)
                    clock.lap(.background)
                    let smallBlob = clutterSigma(s: sView, means: windowView, width: width, height: height,
                                                 distance: small.distance, measure: .blob, anatomy: anatomy)
                    let smallRidge = clutterSigma(s: sView, means: windowView, width: width, height: height,
                                                  distance: small.distance, measure: .ridge, anatomy: anatomy)
                    foldContrast(s: sView, means: windowView, width: width, height: height, distance: small.distance,
                                 clutter: (smallBlob, smallRidge), noise: noise, first: true, contrast: c, significance: z)
                    clock.lap(.threshold)
                    BoxFilter.mean(sView, width: width, height: height, radius: large.radius, into: window)
                    clock.lap(.background)
                    let largeBlob = clutterSigma(s: sView, means: windowView, width: width, height: height,
                                                 distance: large.distance, measure: .blob, anatomy: anatomy)
                    foldContrast(s: sView, means: windowView, width: width, height: height, distance: large.distance,
                                 clutter: (largeBlob, nil), noise: noise, first: false, contrast: c, significance: z)
                }
                SearchRegion.distances(smoothed: sView, width: width, height: height, anatomy: anatomy,
                                       scales: scales, parameters: parameters, into: labelBuffer)
                // S is not read again: its bytes become the search region.
                let region = UnsafeMutableRawBufferPointer(s).bindMemory(to: UInt8.self)
                let regionPlane = UnsafeMutableBufferPointer(rebasing: region[0..<count])
                SearchRegion.region(distances: UnsafeBufferPointer(labelBuffer), width: width, height: height,
                                    anatomy: anatomy, scales: scales, parameters: parameters, into: regionPlane)
                found = segment(pixels: pixels, contrast: UnsafeBufferPointer(c), significance: UnsafeBufferPointer(z),
                                region: regionPlane, labels: labelBuffer, width: width, height: height,
                                noise: noise, anatomy: anatomy, scales: scales, parameters: parameters, clock: &clock)
            }
            initialised = count
        }
        let result = found!
        return DetectionResult(
            deposits: result.deposits, labels: LabelImage(width: width, height: height, labels: labels),
            body: result.body, noiseSigma: result.noiseSigma, stageSeconds: clock.stages)
    }

    /// What `segment` returns besides the label image it writes.
    struct Segmentation {
        var deposits: [Deposit]
        var body: BodyMap
        var noiseSigma: Double
    }

    /// Robust σ of one scale's contrast over the searchable soft tissue: 1.4826 × the median
    /// absolute deviation from the median, from every third pixel of every third row.
    ///
    /// At the small scale this is about the pixel noise; at the large scale it is the anatomy's
    /// own texture (fat and muscle layers, vessels), which a large nodule must stand out from.
    /// The contrast is computed here at the samples only, so that the full-film pass can fold
    /// every measure into contrast and significance as it goes, without a plane per measure.
    static func clutterSigma(s: UnsafeBufferPointer<Float>, means: UnsafeBufferPointer<Float>, width: Int, height: Int,
                             distance d: Int, measure: Measure, anatomy: AnatomyMap) -> Float {
        let cell = anatomy.cellSize
        let geometry = ContrastGeometry(width: width, height: height, distance: d)
        var samples = [Float](repeating: 0, count: ((width + 1) / 3 + 1) * ((height + 1) / 3 + 1))
        var n = 0
        anatomy.searchable.withUnsafeBufferPointer { searchable in
            samples.withUnsafeMutableBufferPointer { out in
                for y in stride(from: 1, to: height, by: 3) {
                    let cellRow = (y / cell) * anatomy.columns
                    let rows = geometry.rows(y)
                    for x in stride(from: 1, to: width, by: 3) where searchable[cellRow + x / cell] != 0 {
                        let (blob, ridge) = geometry.surround(means, rows: rows, x: x)
                        out[n] = s[y * width + x] - (measure == .blob ? blob : ridge)
                        n += 1
                    }
                }
            }
        }
        guard n >= 16 else { return 0 }
        return samples.withUnsafeMutableBufferPointer { buffer in
            let samples = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
            let median = NoiseMap.median(samples)
            for i in 0..<n { samples[i] = abs(samples[i] - median) }
            return 1.4826 * NoiseMap.median(samples)
        }
    }

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

    /// Local contrast of one scale folded into the film's contrast and significance:
    /// contrast = max(contrast, c); significance = max(significance, c / max(local noise σ, clutter σ)),
    /// for the blob measure and (when `clutter.ridge` is given) the ridge measure, in that order.
    ///
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
    ///
    /// `first`: the planes hold nothing yet, so they are written rather than folded into
    /// (max(−∞, v) = v, so the result is the same as folding into planes of −∞).
    /// One pass per row band. The divisors are laid out per row once (they are constant along a
    /// cell), so the interior of a row, where no window column needs clamping, is one branch-free
    /// loop the compiler vectorises; only the film's left and right borders take the clamped path.
    static func foldContrast(s: UnsafeBufferPointer<Float>, means: UnsafeBufferPointer<Float>, width: Int, height: Int,
                             distance d: Int, clutter: (blob: Float, ridge: Float?), noise: NoiseMap, first: Bool,
                             contrast: UnsafeMutableBufferPointer<Float>, significance: UnsafeMutableBufferPointer<Float>) {
        precondition(first == (clutter.ridge != nil), "the ridge measure is folded first, with the small scale")
        nonisolated(unsafe) let s = s, means = means, contrast = contrast, significance = significance
        let geometry = ContrastGeometry(width: width, height: height, distance: d)
        let cell = noise.cellSize, columns = noise.columns
        let withRidge = clutter.ridge != nil, blobClutter = clutter.blob, ridgeClutter = clutter.ridge ?? 0
        let interior = min(width, geometry.distance)..<max(min(width, geometry.distance), width - geometry.distance)
        noise.sigma.withUnsafeBufferPointer { sigma in
            nonisolated(unsafe) let sigma = sigma
            ParallelBands.run(height, minimumBand: 16) { rows in
                let divisors = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * width)
                defer { divisors.deallocate() }
                let blobDivisor = UnsafeMutableBufferPointer(rebasing: divisors[0..<width])
                let ridgeDivisor = UnsafeMutableBufferPointer(rebasing: divisors[width..<(2 * width)])
                for y in rows {
                    let row = y * width, cellRow = (y / cell) * columns
                    for cx in 0..<columns {
                        let sigmaHere = sigma[cellRow + cx]
                        let b = max(sigmaHere, blobClutter), r = max(sigmaHere, ridgeClutter)
                        for x in (cx * cell)..<min(width, (cx + 1) * cell) {
                            blobDivisor[x] = b
                            ridgeDivisor[x] = r
                        }
                    }
                    let offsets = geometry.rows(y)
                    @inline(__always) func pixel(_ x: Int, _ surround: (blob: Float, ridge: Float)) {
                        let i = row + x
                        let blob = s[i] - surround.blob
                        if withRidge {
                            let ridge = s[i] - surround.ridge
                            contrast[i] = max(blob, ridge)
                            significance[i] = max(blob / blobDivisor[x], ridge / ridgeDivisor[x])
                        } else {
                            contrast[i] = max(contrast[i], blob)
                            significance[i] = max(significance[i], blob / blobDivisor[x])
                        }
                    }
                    for x in 0..<interior.lowerBound { pixel(x, geometry.surround(means, rows: offsets, x: x)) }
                    // Interior: eight pixels at a time, then the remainder one by one.
                    let vectorEnd = interior.lowerBound + (interior.count / 8) * 8
                    var x = interior.lowerBound
                    while x < vectorEnd {
                        let surround = geometry.interiorSurround8(means, rows: offsets, x: x)
                        let i = row + x
                        let sHere = Lanes.load(s, i)
                        let blob = sHere - surround.blob
                        if withRidge {
                            let ridge = sHere - surround.ridge
                            Lanes.store(Lanes.max(blob, ridge), contrast, i)
                            Lanes.store(Lanes.max(blob / Lanes.load(blobDivisor, x), ridge / Lanes.load(ridgeDivisor, x)), significance, i)
                        } else {
                            Lanes.store(Lanes.max(Lanes.load(contrast, i), blob), contrast, i)
                            Lanes.store(Lanes.max(Lanes.load(significance, i), blob / Lanes.load(blobDivisor, x)), significance, i)
                        }
                        x += 8
                    }
                    for x in vectorEnd..<interior.upperBound { pixel(x, geometry.interiorSurround(means, rows: offsets, x: x)) }
                    for x in interior.upperBound..<width { pixel(x, geometry.surround(means, rows: offsets, x: x)) }
                }
            }
        }
    }

    /// Hysteresis, outlines and measures. `region` is overwritten with the candidate masks;
    /// `labels` receives the final deposit ids.
    static func segment(pixels: UnsafeBufferPointer<UInt16>, contrast c: UnsafeBufferPointer<Float>,
                        significance z: UnsafeBufferPointer<Float>, region mask: UnsafeMutableBufferPointer<UInt8>,
                        labels l: UnsafeMutableBufferPointer<Int32>, width: Int, height: Int,
                        noise: NoiseMap, anatomy: AnatomyMap, scales: PixelScales,
                        parameters: DetectionParameters, clock: inout DetectionClock) -> Segmentation {
        let count = width * height, cell = scales.cellSize
        let grow = Float(parameters.growSigmas), seed = Float(parameters.seedSigmas)

        // Hysteresis candidates inside the search region (the mask overwrites the region in place).
        nonisolated(unsafe) let mask = mask, l = l
        ParallelBands.run(count, minimumBand: 1 << 16) { pixels in
            for i in pixels { mask[i] = mask[i] != 0 && z[i] > grow ? 1 : 0 }
        }
        clock.lap(.threshold)
        var peaks = PeakContrast(contrast: c, significance: z)
        _ = ConnectedComponents.label(mask: UnsafeBufferPointer(mask), width: width, height: height, labels: l, statistics: &peaks)
        // Outline of every seeded component.
        let fraction = Float(parameters.outlineFraction)
        peaks.peak.withUnsafeBufferPointer { peak in
            peaks.peakSNR.withUnsafeBufferPointer { peakSNR in
                nonisolated(unsafe) let peak = peak, peakSNR = peakSNR
                ParallelBands.run(count, minimumBand: 1 << 16) { pixels in
                    for i in pixels {
                        let id = Int(l[i])
                        mask[i] = id != 0 && peakSNR[id] >= seed && c[i] >= fraction * peak[id] ? 1 : 0
                    }
                }
            }
        }
        clock.lap(.label)
        var measures = DepositMeasures(pixels: pixels, contrast: c, significance: z)
        let found = ConnectedComponents.label(mask: UnsafeBufferPointer(mask), width: width, height: height, labels: l, statistics: &measures)

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
        newID.withUnsafeBufferPointer { newID in
            nonisolated(unsafe) let newID = newID
            ParallelBands.run(count, minimumBand: 1 << 16) { pixels in
                for i in pixels where l[i] != 0 { l[i] = newID[Int(l[i])] }
            }
        }

        var bodySigmas = zip(noise.sigma, anatomy.body).compactMap { $1 != 0 ? $0 : nil }
        let filmSigma = bodySigmas.isEmpty ? NoiseMap.floor : NoiseMap.median(&bodySigmas, count: bodySigmas.count)
        clock.lap(.measure)
        return Segmentation(
            deposits: deposits,
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
