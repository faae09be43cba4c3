import Dispatch
import Radiography

/// Finds radio-opaque deposits on a film, in soft tissue and projected over bone: candidates
/// first, for recall, then the deposit classifier, for precision.
///
/// 1. Smooth with a 3×3 mean (S) and estimate the local noise σ of S (`NoiseMap`).
/// 2. Map body, collimation and bone on ~1 mm cells (`AnatomyMap`). Bone is searched like soft
///    tissue (`searchesBoneAsSoftTissue`); the bone map is context for the classifier.
/// 3. Local contrast at two scales: along each of four axes, S minus the mean of two box windows
///    on either side of the pixel, at a distance that clears the largest deposit of that scale;
///    the contrast is the smallest of the four. A blob is brighter than its surround on every
///    axis; an edge (bone, skin, collimation) is not brighter along the axis parallel to it, and a
///    linear soft-tissue gradient cancels in each pair. Thin streaks keep their contrast: they fill
///    only a sliver of a window beside them.
/// 4. Hysteresis: components of C > `growSigmas`·σ that reach `seedSigmas`·σ somewhere; each
///    component's outline is where C ≥ `outlineFraction` × its peak contrast.
/// 5. 8-connected labelling with statistics gathered in the labelling pass; components smaller
///    than `minDepositAreaMM2` or longer than `maxDepositExtentMM` are dropped. Components larger
///    than `splitMinimumExtentMM` are also split at their contrast peaks (`PeakSplitter`).
/// 6. Every candidate gets its `CandidateFeatures`; the `DepositClassifier` scores it (with a
///    second stage, again from its first score and its neighbours' within 5 and 15 mm), and the
///    candidates at or above the operating point are the deposits (`accept`).
/// 7. Each deposit's measured outline: its pixels grown to a fraction of its peak above the local
///    background on the film itself (`OutlineRegrowth`), then its shape (`DepositShape`).
///
/// Pure and deterministic: same film and parameters, same result, whatever the thread count.
///
/// Cost (3000×3000 film, 2 cores): two film-sized planes of 4 bytes a pixel besides the film, one
/// of them the returned label image (`DetectionWorkspace` names what each holds at each step;
/// 127 MB peak resident for the whole run); every kernel runs over
/// row or column bands with `ParallelBands`, and each kernel adds in a fixed order, so the
/// bands change the speed and never the bits. `DetectionResult.stageSeconds` says where the time went.
public enum DepositDetector {
    /// The stages `DetectionResult.stageSeconds` times, in this order:
    /// - background: the 3×3 smoothing, noise map, anatomy map and the box means of both scales;
    /// - threshold: local contrast, clutter σ, significance, the search region and the candidate mask;
    /// - label: the hysteresis labelling (with peak contrast per component) and the outline mask;
    /// - measure: the labelling of the outlines with every deposit's statistics, the size filter,
    ///   the renumbering and each deposit's shape (`DepositShape`).
    public enum Stage: String, CaseIterable, Sendable {
        case background, threshold, label, measure
    }

    public static func detect(_ film: Radiograph, parameters: DetectionParameters = DetectionParameters()) -> DetectionResult {
        let width = film.width, height = film.height
        // Whatever the caller set: out-of-range parameters and spacings are clamped, never trusted.
        let parameters = parameters.clampedToRanges
        let scales = PixelScales(parameters, spacingMM: parameters.spacingMM(for: film))
        var clock = StageClock(stages: Stage.allCases.map(\.rawValue))
        var found: Segmentation?
        let labels = DetectionWorkspace.withPlanes(width: width, height: height) { workspace in
            film.pixels.withUnsafeBufferPointer { pixels in
                let (noise, anatomy) = background(pixels: pixels, maximumValue: film.maximumValue, workspace: workspace,
                                                  scales: scales, parameters: parameters)
                clock.lap(Stage.background.rawValue)
                let region = searchRegion(workspace: &workspace, anatomy: anatomy, scales: scales, parameters: parameters)
                defer { region.words.deallocate() }
                clock.lap(Stage.threshold.rawValue)
                let candidates = scan(pixels: pixels, workspace: &workspace, region: region, noise: noise, anatomy: anatomy,
                                      scales: scales, parameters: parameters, clock: &clock)
                workspace.advance(to: .segmentation)
                nonisolated(unsafe) let mask = workspace.mask
                ParallelBands.run(height, minimumBand: 16) { rows in
                    for y in rows { region.unpack(row: y, width: width, into: mask.baseAddress! + y * width) }
                }
                clock.lap(Stage.threshold.rawValue)
                found = segment(pixels: pixels, candidates: candidates, mask: mask, labels: workspace.labels,
                                width: width, height: height, noise: noise, anatomy: anatomy, scales: scales,
                                parameters: parameters, clock: &clock)
            }
        }
        let result = found!
        return DetectionResult(
            deposits: result.deposits, features: result.features, labels: LabelImage(width: width, height: height, labels: labels),
            body: result.body, noiseSigma: result.noiseSigma, spacingMM: scales.spacingMM,
            spacingIsAssumed: !(film.spacing?.isInPlausibleRange ?? false), stageSeconds: clock.laps)
    }

    /// Steps 1–2: S (the 3×3 mean) into the workspace, the local noise σ and the anatomy map.
    static func background(pixels: UnsafeBufferPointer<UInt16>, maximumValue: Int, workspace: DetectionWorkspace,
                           scales: PixelScales, parameters: DetectionParameters) -> (NoiseMap, AnatomyMap) {
        let width = workspace.width, height = workspace.height
        BoxFilter.mean3x3(pixels, width: width, height: height, into: workspace.smoothed)
        let noise = NoiseMap(smoothed: UnsafeBufferPointer(workspace.smoothed), width: width, height: height, cellSize: scales.cellSize)
        let anatomy = AnatomyMap(pixels: pixels, width: width, height: height, maximumValue: maximumValue,
                                 noise: noise, scales: scales, parameters: parameters)
        return (noise, anatomy)
    }

    /// Where candidates are searched (a bit a pixel; the caller deallocates its words): the body
    /// within the skin and collimation margins, from the skin distances in the label plane.
    static func searchRegion(workspace: inout DetectionWorkspace, anatomy: AnatomyMap, scales: PixelScales,
                             parameters: DetectionParameters) -> RowBits {
        let width = workspace.width, height = workspace.height
        workspace.advance(to: .searchRegion)
        SearchRegion.distances(smoothed: UnsafeBufferPointer(workspace.smoothed), width: width, height: height, anatomy: anatomy,
                               scales: scales, parameters: parameters, into: workspace.skinDistances)
        let region = RowBits(width: width, height: height)
        SearchRegion.region(distances: UnsafeBufferPointer(workspace.skinDistances), width: width, height: height,
                            anatomy: anatomy, scales: scales, parameters: parameters, into: region)
        return region
    }

    /// Step 3 and the first half of 4: the window means of both scales, the clutter σ of each
    /// contrast measure, and the candidates (pixels above the grow threshold in the region).
    static func scan(pixels: UnsafeBufferPointer<UInt16>, workspace: inout DetectionWorkspace, region: RowBits,
                     noise: NoiseMap, anatomy: AnatomyMap, scales: PixelScales, parameters: DetectionParameters,
                     clock: inout StageClock) -> Candidates {
        let width = workspace.width, height = workspace.height
        let small = scales.smallSurround, large = scales.largeSurround
        workspace.advance(to: .smallScale)
        let smoothed = UnsafeBufferPointer(workspace.smoothed), smallMeans = workspace.smallMeans
        BoxFilter.mean(smoothed, width: width, height: height, radius: small.radius, into: smallMeans)
        // The large scale's means replace S in its own plane; S is recomputed from the samples, a
        // row at a time, where it is still needed.
        BoxFilter.mean(smoothed, width: width, height: height, radius: large.radius, into: workspace.smoothed)
        workspace.advance(to: .largeScale)
        clock.lap(Stage.background.rawValue)
        let smallView = UnsafeBufferPointer(smallMeans), largeView = UnsafeBufferPointer(workspace.largeMeans)
        let smallWeight = Float(parameters.smallClutterWeight), largeWeight = Float(parameters.largeClutterWeight)
        let clutter = clutterSigmas(pixels: pixels, smallMeans: smallView, largeMeans: largeView, width: width, height: height,
                                    smallDistance: small.distance, largeDistance: large.distance, anatomy: anatomy)
        return anatomy.boneSearchable.withUnsafeBufferPointer { boneCells in
            Candidates.scan(pixels: pixels, smallMeans: smallView, largeMeans: largeView, width: width, height: height,
                            smallDistance: small.distance, largeDistance: large.distance,
                            clutter: (clutter.smallBlob * smallWeight, clutter.smallRidge * smallWeight, clutter.largeBlob * largeWeight),
                            boneClutter: clutter.bone, boneCells: boneCells, noise: noise, grow: Float(parameters.growSigmas),
                            region: region)
        }
    }

    /// A candidate deposit: a labelled component (`id` its label, `pixels` empty: the label plane
    /// holds them) or a region split from a large one (`id` 0, its own `pixels`); `first` is its
    /// first pixel in raster order, which orders the reported ids.
    struct Candidate {
        var id: Int
        var first: Int
        var deposit: Deposit
        var elongation: Double
        var pixels: [Int]
        /// Raster index of its largest local contrast (`CandidateFeatures`' second centre).
        var peakPixel: Int
    }

    /// The deposit classifier's decision: candidates scoring at least the operating point (every
    /// candidate without a classifier), less split regions inside a reported component (they
    /// repeat it; without a classifier they are all kept, so that training sees them), numbered
    /// 1…n in raster order of their first pixel. Returns the deposits, their features when kept,
    /// each component label's new id (0: dropped) and which candidates were reported, in id order.
    static func accept(_ candidates: [Candidate], mainCount: Int, features: [[Double]], components: Int,
                       labels l: UnsafeBufferPointer<Int32>, spacingMM: Double, parameters: DetectionParameters)
        -> (deposits: [Deposit], features: [[Double]], newID: [Int32], accepted: [Int]) {
        var candidates = candidates
        let minScore = parameters.minScore ?? parameters.classifier?.threshold ?? 0
        var accepted: [Int] = []
        var acceptedMain = [Bool](repeating: false, count: components + 1)
        let scores = parameters.classifier?.scores(
            features, positionsMM: candidates.map { ($0.deposit.centroidX * spacingMM, $0.deposit.centroidY * spacingMM) })
        for k in 0..<candidates.count {
            if let scores {
                guard scores[k] >= minScore else { continue }
                candidates[k].deposit.score = scores[k]
            }
            if k < mainCount { acceptedMain[candidates[k].id] = true }
            accepted.append(k)
        }
        if parameters.classifier != nil {
            accepted.removeAll { k in k >= mainCount && candidates[k].pixels.contains { l[$0] != 0 && acceptedMain[Int(l[$0])] } }
        }
        accepted.sort { candidates[$0].first < candidates[$1].first }
        var newID = [Int32](repeating: 0, count: components + 1)
        var deposits: [Deposit] = []
        var kept: [[Double]] = []
        for k in accepted {
            var deposit = candidates[k].deposit
            deposit.id = deposits.count + 1
            deposits.append(deposit)
            if parameters.keepsFeatures { kept.append(features[k]) }
            if k < mainCount { newID[candidates[k].id] = Int32(deposit.id) }
        }
        return (deposits, kept, newID, accepted)
    }

    /// What `segment` returns besides the label image it writes.
    struct Segmentation {
        var deposits: [Deposit]
        var features: [[Double]]
        var body: BodyMap
        var noiseSigma: Double
    }

    /// Robust σ of each contrast measure where it is searched: the small-scale blob, the small-
    /// scale ridge and the large-scale blob over the searchable soft tissue, and the small-scale
    /// blob over the searched bone (`AnatomyMap.boneSearchable`): `RobustStatistics.medianAndSigma`, from every third pixel of every third row (0 with fewer than
    /// 16 samples; for bone that turns the bone search off).
    ///
    /// At the small scale this is about the pixel noise; at the large scale it is the anatomy's
    /// own texture (fat and muscle layers, vessels), which a large nodule must stand out from.
    /// Over bone the blob contrast is dominated by trabecular texture and the bone's own profile,
    /// several times the soft tissue's (phantoms: 10–40 sample units over bone against 1–2.5 in
    /// soft tissue at the small scale).
    /// The contrast is computed here at the samples only, so that the full-film pass can fold
    /// every measure into contrast and significance as it goes, without a plane per measure.
    /// One pass over the samples takes all four (they share S and the small windows), in row
    /// bands; each band writes its samples into its own stretch of the arrays, which are then
    /// closed up in band order, and the medians run concurrently. A median does not depend on the
    /// order of its values, so the bands never change the result.
    static func clutterSigmas(pixels: UnsafeBufferPointer<UInt16>, smallMeans: UnsafeBufferPointer<Float>,
                              largeMeans: UnsafeBufferPointer<Float>, width: Int, height: Int,
                              smallDistance: Int, largeDistance: Int, anatomy: AnatomyMap)
        -> (smallBlob: Float, smallRidge: Float, largeBlob: Float, bone: Float) {
        let cell = anatomy.cellSize
        let small = ContrastGeometry(width: width, height: height, distance: smallDistance)
        let large = ContrastGeometry(width: width, height: height, distance: largeDistance)
        let sampleRows = height > 1 ? (height - 2) / 3 + 1 : 0, perRow = width > 1 ? (width - 2) / 3 + 1 : 0
        let capacity = max(1, sampleRows * perRow)
        // Four stretches of `capacity`: soft small blob, soft small ridge, soft large blob, bone blob.
        let samples = UnsafeMutableBufferPointer<Float>.allocate(capacity: 4 * capacity)
        defer { samples.deallocate() }
        // Samples of band b start at its first sample row × perRow; `counts` says how many it
        // wrote (soft tissue, bone).
        let bandCount = max(1, min(ParallelBands.maximumBands, sampleRows / 16))
        var counts = [(soft: Int, bone: Int)](repeating: (0, 0), count: bandCount)
        anatomy.searchable.withUnsafeBufferPointer { searchable in
        anatomy.boneSearchable.withUnsafeBufferPointer { boneSearchable in
            counts.withUnsafeMutableBufferPointer { counts in
                nonisolated(unsafe) let searchable = searchable, boneSearchable = boneSearchable, counts = counts, samples = samples
                nonisolated(unsafe) let smallMeans = smallMeans, largeMeans = largeMeans, pixels = pixels
                ParallelBands.run(bandCount, minimumBand: 1) { bands in
                    let sRow = UnsafeMutablePointer<Float>.allocate(capacity: width)
                    let columnSums = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
                    defer {
                        sRow.deallocate()
                        columnSums.deallocate()
                    }
                    for band in bands {
                        let first = sampleRows * band / bandCount, end = sampleRows * (band + 1) / bandCount
                        let start = first * perRow
                        var n = 0, nBone = 0
                        for sampleRow in first..<end {
                            let y = 1 + 3 * sampleRow
                            let cellRow = (y / cell) * anatomy.columns
                            let smallRows = small.rows(y), largeRows = large.rows(y)
                            BoxFilter.mean3x3Row(pixels, width: width, height: height, y: y, columnSums: columnSums, into: sRow)
                            for x in stride(from: 1, to: width, by: 3) {
                                let k = cellRow + x / cell
                                if searchable[k] != 0 {
                                    let (blob, ridge) = small.surround(smallMeans, rows: smallRows, x: x)
                                    let largeBlob = large.surround(largeMeans, rows: largeRows, x: x).blob
                                    samples[start + n] = sRow[x] - blob
                                    samples[capacity + start + n] = sRow[x] - ridge
                                    samples[2 * capacity + start + n] = sRow[x] - largeBlob
                                    n += 1
                                } else if boneSearchable[k] != 0 {
                                    samples[3 * capacity + start + nBone] = sRow[x] - small.surround(smallMeans, rows: smallRows, x: x).blob
                                    nBone += 1
                                }
                            }
                        }
                        counts[band] = (n, nBone)
                    }
                }
            }
        }
        }
        // Close up the bands' stretches, in band order.
        var n = 0, nBone = 0
        for band in 0..<bandCount {
            let start = sampleRows * band / bandCount * perRow
            for measure in 0..<4 {
                let base = samples.baseAddress! + measure * capacity
                let (to, count) = measure < 3 ? (n, counts[band].soft) : (nBone, counts[band].bone)
                if to != start {
                    for i in 0..<count { base[to + i] = base[start + i] }    // to < start: forward is safe
                }
            }
            n += counts[band].soft
            nBone += counts[band].bone
        }
        let totals = [n, n, n, nBone]
        var sigmas = [Float](repeating: 0, count: 4)
        sigmas.withUnsafeMutableBufferPointer { sigmas in
            nonisolated(unsafe) let sigmas = sigmas, samples = samples
            DispatchQueue.concurrentPerform(iterations: 4) { measure in
                let total = totals[measure]
                guard total >= 16 else { return }
                let values = UnsafeMutableBufferPointer(start: samples.baseAddress! + measure * capacity, count: total)
                sigmas[measure] = RobustStatistics.medianAndSigma(values).sigma
            }
        }
        return (sigmas[0], sigmas[1], sigmas[2], sigmas[3])
    }

    // What the local contrast responds to (`Candidates.scan` folds the measures; `clutterSigmas`
    // samples them):
    //
    // - Blob: c = min over four axes (0°, 90°, ±45°) of s − ½·(window ahead + window behind).
    //   Brighter than the mean of the two windows on every axis: compact deposits.
    // - Ridge: c = max over the axes of min(s − window ahead, s − window behind). Brighter than
    //   both windows of at least one axis: streaks along fascia, which the blob measure dims
    //   because a window along a streak lies on the streak. An edge has one brighter window on
    //   every axis, so it stays dark; a slope costs its rise over the window distance.
    //
    // The mean of two opposite windows cancels any linear gradient (the steep soft-tissue slope
    // near the skin, the thickness of a limb), so a deposit on a slope keeps its contrast; the
    // minimum over axes is ~0 on an edge of any direction, because the axis parallel to the edge
    // has both windows at the pixel's own level. Measured on the phantoms against the
    // alternatives: the maximum of the single windows (safe on curved profiles but it loses
    // deposits on slopes: sensitivity 0.54), the axis of least difference (more false
    // positives) and a quadratic fit from windows at d and 2d (far windows land on bone).
    // Window positions are clamped to the film (`ContrastGeometry`).

    /// What the segmentation steps share: the film's geometry, its maps and the candidates'
    /// pixels (`index`, raster order) with their contrast `c` and significance `z`.
    struct SegmentContext {
        let pixels: UnsafeBufferPointer<UInt16>
        let index: UnsafeBufferPointer<Int>
        let c: UnsafeBufferPointer<Float>
        let z: UnsafeBufferPointer<Float>
        let width: Int
        let height: Int
        let noise: NoiseMap
        let anatomy: AnatomyMap
        let scales: PixelScales
        let parameters: DetectionParameters
        let bone: SearchedBone

        init(pixels: UnsafeBufferPointer<UInt16>, index: UnsafeBufferPointer<Int>, c: UnsafeBufferPointer<Float>,
             z: UnsafeBufferPointer<Float>, width: Int, height: Int, noise: NoiseMap, anatomy: AnatomyMap,
             scales: PixelScales, parameters: DetectionParameters) {
            self.pixels = pixels
            self.index = index
            self.c = c
            self.z = z
            self.width = width
            self.height = height
            self.noise = noise
            self.anatomy = anatomy
            self.scales = scales
            self.parameters = parameters
            bone = SearchedBone(anatomy: anatomy, width: width, height: height)
        }

        /// The seed threshold (in σ) of each labelled component (`overBone`, from its statistics):
        /// `boneSeedSigmas` over bone (of the bone's clutter σ), else `seedSigmas`.
        func seeds(overBone: [Bool]) -> [Float] {
            let soft = Float(parameters.seedSigmas), bone = Float(parameters.boneSeedSigmas)
            return overBone.map { $0 ? bone : soft }
        }
    }

    /// Steps 4 (second half) to 6, on the candidates of `scan`: hysteresis, outlines, measures,
    /// splitting, classification. `mask` holds the candidates on entry and the outlines after;
    /// `labels` receives the final deposit ids.
    static func segment(pixels: UnsafeBufferPointer<UInt16>, candidates: Candidates, mask: UnsafeMutableBufferPointer<UInt8>,
                        labels l: UnsafeMutableBufferPointer<Int32>, width: Int, height: Int,
                        noise: NoiseMap, anatomy: AnatomyMap, scales: PixelScales,
                        parameters: DetectionParameters, clock: inout StageClock) -> Segmentation {
        candidates.index.withUnsafeBufferPointer { index in
        candidates.contrast.withUnsafeBufferPointer { c in
        candidates.significance.withUnsafeBufferPointer { z in
            let context = SegmentContext(pixels: pixels, index: index, c: c, z: z, width: width, height: height, noise: noise,
                                         anatomy: anatomy, scales: scales, parameters: parameters)
            let hysteresis = outlineSeededComponents(context, mask: mask, labels: l)
            clock.lap(Stage.label.rawValue)
            var measures = DepositMeasures(pixels: pixels, index: index, contrast: c, significance: z, bone: context.bone)
            let found = ConnectedComponents.label(mask: UnsafeBufferPointer(mask), width: width, height: height, labels: l, statistics: &measures)
            var bodySigmas = zip(noise.sigma, anatomy.body).compactMap { $1 != 0 ? $0 : nil }
            let filmSigma = bodySigmas.isEmpty ? NoiseMap.floor : RobustStatistics.median(&bodySigmas, count: bodySigmas.count)
            var list = plausibleComponents(context, measures: measures, found: found)
            let mainCount = list.count
            if parameters.splitsLargeComponents {
                list += splitRegions(context, componentOf: hysteresis.componentOf, components: hysteresis.components)
            }
            // The deposit classifier keeps what it scores at or above the operating point.
            let featureContext = CandidateFeatures.Context(pixels: pixels, width: width, height: height, spacingMM: scales.spacingMM,
                                                           noise: noise, anatomy: anatomy, filmSigma: filmSigma)
            let needsFeatures = parameters.classifier != nil || parameters.keepsFeatures
            let features = needsFeatures
                ? CandidateFeatures.compute(list.map(\.deposit), elongations: list.map(\.elongation), peaks: list.map(\.peakPixel),
                                           context: featureContext) : []
            let (deposits, keptFeatures, newID, accepted) = accept(list, mainCount: mainCount, features: features, components: found,
                                                                   labels: UnsafeBufferPointer(l), spacingMM: scales.spacingMM, parameters: parameters)
            relabel(mask: mask, labels: l, newID: newID)
            for (k, deposit) in zip(accepted, deposits) where k >= mainCount {
                for i in list[k].pixels { l[i] = Int32(deposit.id) }
            }
            // The measured outline, then the ImageJ-style shape of each deposit from its final pixels.
            var grown = deposits
            OutlineRegrowth.grow(&grown, labels: l, pixels: pixels, width: width, height: height,
                                 fraction: parameters.outlineRegrowFraction, limit: parameters.outlineRegrowLimit)
            let measured = grown.map { deposit in
                var deposit = deposit
                deposit.shape = DepositShape(labels: UnsafeBufferPointer(l), width: width, id: Int32(deposit.id), box: deposit.bbox)
                return deposit
            }
            clock.lap(Stage.measure.rawValue)
            return Segmentation(
                deposits: measured, features: keptFeatures,
                body: BodyMap(cellSize: scales.cellSize, columns: anatomy.columns, rows: anatomy.rows, cells: anatomy.body, bone: anatomy.bone),
                noiseSigma: Double(filmSigma))
        }}}
    }

    /// Step 4, hysteresis: labels the candidates' components, keeps those whose peak reaches
    /// their seed threshold, and outlines each where C ≥ `outlineFraction` × its peak contrast
    /// (`mask` becomes the outline mask; only candidates can be in one). Returns the component
    /// count and, when components are to be split, each candidate pixel's component (the outlines
    /// relabel the plane after this).
    static func outlineSeededComponents(_ context: SegmentContext, mask: UnsafeMutableBufferPointer<UInt8>,
                                        labels l: UnsafeMutableBufferPointer<Int32>) -> (components: Int, componentOf: [Int32]) {
        let index = context.index, c = context.c
        var peaks = PeakContrast(index: index, contrast: c, significance: context.z, bone: context.bone)
        // Only the candidates' labels are read before the outlines are labelled over the whole plane.
        let components = ConnectedComponents.label(mask: UnsafeBufferPointer(mask), width: context.width, height: context.height,
                                                   labels: l, statistics: &peaks, clearsBackground: false)
        let seed = context.seeds(overBone: peaks.overBone)
        let splits = context.parameters.splitsLargeComponents
        var componentOf = [Int32](repeating: 0, count: splits ? index.count : 0)
        let fraction = Float(context.parameters.outlineFraction)
        // Each candidate on its own: bands of the candidate list on all cores.
        seed.withUnsafeBufferPointer { seed in
        peaks.peak.withUnsafeBufferPointer { peak in
        peaks.peakSNR.withUnsafeBufferPointer { peakSNR in
        componentOf.withUnsafeMutableBufferPointer { componentOf in
            nonisolated(unsafe) let seed = seed, peak = peak, peakSNR = peakSNR, componentOf = componentOf, mask = mask, l = l
            ParallelBands.run(index.count, minimumBand: 1 << 14) { candidates in
                for k in candidates {
                    let i = index[k], id = Int(l[i])
                    if splits { componentOf[k] = l[i] }
                    mask[i] = id != 0 && peakSNR[id] >= seed[id] && c[k] >= fraction * peak[id] ? 1 : 0
                }
            }
        }}}}
        return (components, componentOf)
    }

    /// Step 5: the outlined components of plausible size (at least `minDepositAreaMM2`, at most
    /// `maxDepositExtentMM` long, reaching their seed; over bone no longer than
    /// `boneMaxElongation`), with their measures; in label order, which is raster order of their
    /// first pixels.
    static func plausibleComponents(_ context: SegmentContext, measures: DepositMeasures, found: Int) -> [Candidate] {
        let scales = context.scales
        let seed = context.seeds(overBone: measures.overBone)
        var candidates: [Candidate] = []
        for id in 1...max(1, found) where id <= found {
            let box = measures.box(id)
            let extent = (Double(box.width * box.width + box.height * box.height)).squareRoot()
            let peakSNR = measures.peakSNR[id]
            guard measures.area[id] >= scales.minAreaPx, extent <= scales.maxExtentPx, peakSNR >= Double(seed[id]),
                  !measures.overBone[id] || measures.elongation(id) <= context.parameters.boneMaxElongation else { continue }
            let n = Double(measures.area[id])
            candidates.append(Candidate(id: id, first: measures.first[id], deposit: Deposit(
                id: 0, areaPx: measures.area[id], bbox: box,
                centroidX: measures.sumX[id] / n, centroidY: measures.sumY[id] / n,
                mean: measures.sumValue[id] / n, peak: Int(measures.peakValue[id]),
                contrast: measures.sumContrast[id] / n, peakSNR: peakSNR), elongation: measures.elongation(id), pixels: [],
                peakPixel: measures.peakAt[id]))
        }
        return candidates
    }

    /// Step 5, for large components: regions split at their contrast peaks (`PeakSplitter`),
    /// extra candidates beside the components they come from.
    static func splitRegions(_ context: SegmentContext, componentOf: [Int32], components: Int) -> [Candidate] {
        let parameters = context.parameters, spacingMM = context.scales.spacingMM
        let noise = context.noise, width = context.width, cell = context.scales.cellSize
        let splitter = PeakSplitter(width: width, peakRadius: CheckedConversion.pixels(mm: parameters.splitPeakRadiusMM, spacingMM: spacingMM),
                                    floorRadius: CheckedConversion.pixels(mm: parameters.splitFloorRadiusMM, spacingMM: spacingMM, minimum: 3),
                                    minimumExtent: parameters.splitMinimumExtentMM / spacingMM, minimumArea: context.scales.minAreaPx)
        let regions = splitter.split(index: context.index, contrast: context.c, significance: context.z, componentOf: componentOf,
                                     components: components, seed: Float(parameters.seedSigmas), pixels: context.pixels) { i in
            max(noise.sigma[((i / width) / cell) * noise.columns + (i % width) / cell], NoiseMap.floor)
        }
        return regions.map { Candidate(id: 0, first: $0.pixels[0], deposit: $0.deposit, elongation: $0.elongation, pixels: $0.pixels,
                                    peakPixel: $0.peakPixel) }
    }

    /// Step 6, the label image: each outline pixel gets its deposit's id (0 where the classifier
    /// dropped the component). Only outline pixels carry a label: the mask (a byte a pixel) is
    /// read eight bytes at a time and the label plane only where one is set.
    static func relabel(mask: UnsafeMutableBufferPointer<UInt8>, labels: UnsafeMutableBufferPointer<Int32>, newID: [Int32]) {
        newID.withUnsafeBufferPointer { newID in
            nonisolated(unsafe) let newID = newID, l = labels
            let maskBase = UnsafeRawPointer(mask.baseAddress!)
            ParallelBands.run(labels.count, minimumBand: 1 << 16) { pixels in
                var i = pixels.lowerBound
                while i < pixels.upperBound {
                    if i + 8 <= pixels.upperBound && maskBase.loadUnaligned(fromByteOffset: i, as: UInt64.self) == 0 {
                        i += 8
                        continue
                    }
                    if l[i] != 0 { l[i] = newID[Int(l[i])] }
                    i += 1
                }
            }
        }
    }
}
