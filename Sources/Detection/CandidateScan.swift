import Dispatch

/// The hysteresis candidates, in raster order: pixels of the search region whose folded
/// significance exceeds `growSigmas`, with their folded contrast and significance.
///
/// Everything downstream (peaks, outlines, measures) reads contrast and significance only at
/// these pixels, so they are kept here instead of in two film-sized planes: on the phantoms a few
/// per cent of the pixels, 16 bytes each.
struct Candidates {
    var index: [Int] = []
    var contrast: [Float] = []
    var significance: [Float] = []

    /// One pass over the film, row bands in parallel: the local contrast of both scales (blob and
    /// ridge at the small scale, blob at the large), folded in this order into contrast = max and
    /// significance = max of contrast / max(local noise σ, the measure's clutter σ), exactly as
    /// `DepositDetector` documents; a region bit stays set only for a candidate.
    ///
    /// Over bone (`boneCells`, ~1 mm cells) only the small-scale blob counts, against
    /// max(local noise σ, `boneClutter`): the ridge measure answers the cortex lines and the large
    /// windows land on the bone's own profile (cortex, bone ends), so both are multiplied by 0 in
    /// the contrast and divided by infinity in the significance. With no bone clutter estimate
    /// (`boneClutter` 0: too few bone samples) nothing over bone can become a candidate. Soft
    /// tissue keeps the same bits as without bone search (× 1 and the same divisors).
    ///
    /// The interior of a row (no window column leaves the film at either scale) runs eight pixels
    /// at a time; the borders take the clamped path, which gives the same bits. Bands append to
    /// their own lists, concatenated in band order, so the lists are in raster order whatever
    /// the thread count.
    static func scan(pixels: UnsafeBufferPointer<UInt16>, smallMeans: UnsafeBufferPointer<Float>, largeMeans: UnsafeBufferPointer<Float>,
                     width: Int, height: Int, smallDistance: Int, largeDistance: Int,
                     clutter: (smallBlob: Float, smallRidge: Float, largeBlob: Float), boneClutter: Float,
                     boneCells: UnsafeBufferPointer<UInt8>, noise: NoiseMap, grow: Float,
                     region bits: RowBits) -> Candidates {
        nonisolated(unsafe) let pixels = pixels, smallMeans = smallMeans, largeMeans = largeMeans
        let small = ContrastGeometry(width: width, height: height, distance: smallDistance)
        let large = ContrastGeometry(width: width, height: height, distance: largeDistance)
        let cell = noise.cellSize, columns = noise.columns
        let reach = max(small.distance, large.distance)
        let interior = min(width, reach)..<max(min(width, reach), width - reach)
        let lock = DispatchSemaphore(value: 1)
        nonisolated(unsafe) var bands: [Int: Candidates] = [:]
        precondition(boneCells.count >= noise.sigma.count)
        nonisolated(unsafe) let boneCells = boneCells
        noise.sigma.withUnsafeBufferPointer { sigma in
            nonisolated(unsafe) let sigma = sigma
            ParallelBands.run(height, minimumBand: 16) { rows in
                var found = Candidates()
                // Per row: the three divisors, the weight of the ridge and large-scale measures (1 in
                // soft tissue, 0 over bone), and S (recomputed from the samples: its plane now
                // holds the large scale's means).
                let divisors = UnsafeMutableBufferPointer<Float>.allocate(capacity: 5 * width)
                let columnSums = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
                // The row's region as bytes (1 = searched), turned into the candidate bytes.
                let region = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: width + 8)
                defer {
                    divisors.deallocate()
                    columnSums.deallocate()
                    region.deallocate()
                }
                let s = UnsafeMutableBufferPointer(rebasing: divisors[(3 * width)..<(4 * width)])
                let smallBlobDivisor = UnsafeMutableBufferPointer(rebasing: divisors[0..<width])
                let smallRidgeDivisor = UnsafeMutableBufferPointer(rebasing: divisors[width..<(2 * width)])
                let largeBlobDivisor = UnsafeMutableBufferPointer(rebasing: divisors[(2 * width)..<(3 * width)])
                let softWeight = UnsafeMutableBufferPointer(rebasing: divisors[(4 * width)..<(5 * width)])
                let boneDivisor: Float = boneClutter > 0 ? boneClutter : .infinity
                for y in rows {
                    // Only the stretch of the row from its first region pixel to its last is
                    // worked on: rows with nothing to search (air, collimation) cost one look at
                    // their bits, and the air beside a limb none.
                    let words = bits.words.baseAddress! + y * bits.wordsPerRow
                    guard let firstWord = (0..<bits.wordsPerRow).first(where: { words[$0] != 0 }) else { continue }
                    let lastWord = (firstWord..<bits.wordsPerRow).last(where: { words[$0] != 0 })!
                    let span = (firstWord * 64 + words[firstWord].trailingZeroBitCount)..<(lastWord * 64 + 64 - words[lastWord].leadingZeroBitCount)
                    let row = y * width, cellRow = (y / cell) * columns
                    for cx in (span.lowerBound / cell)...((span.upperBound - 1) / cell) {
                        let sigmaHere = sigma[cellRow + cx]
                        let overBone = boneCells[cellRow + cx] != 0
                        let a = overBone ? max(sigmaHere, boneDivisor) : max(sigmaHere, clutter.smallBlob)
                        let b = overBone ? Float.infinity : max(sigmaHere, clutter.smallRidge)
                        let c = overBone ? Float.infinity : max(sigmaHere, clutter.largeBlob)
                        let weight: Float = overBone ? 0 : 1
                        for x in max(span.lowerBound, cx * cell)..<min(span.upperBound, (cx + 1) * cell) {
                            smallBlobDivisor[x] = a
                            smallRidgeDivisor[x] = b
                            largeBlobDivisor[x] = c
                            softWeight[x] = weight
                        }
                    }
                    BoxFilter.mean3x3Row(pixels, width: width, height: height, y: y, columns: span,
                                         columnSums: columnSums, into: s.baseAddress!)
                    bits.unpack(row: y, words: firstWord...lastWord, width: width, into: region.baseAddress!)
                    let smallRows = small.rows(y), largeRows = large.rows(y)
                    @inline(__always) func clamped(_ x: Int) {
                        guard region[x] != 0 else { return }
                        let i = row + x, value = s[x]
                        let near = small.surround(smallMeans, rows: smallRows, x: x)
                        let far = large.surround(largeMeans, rows: largeRows, x: x).blob
                        let blob = value - near.blob, ridge = value - near.ridge, farBlob = value - far
                        let contrast = max(max(blob, ridge * softWeight[x]), farBlob * softWeight[x])
                        let significance = max(max(blob / smallBlobDivisor[x], ridge / smallRidgeDivisor[x]), farBlob / largeBlobDivisor[x])
                        let candidate = significance > grow    // region[x] is set (guard above)
                        region[x] = candidate ? 1 : 0
                        if candidate { found.append(i, contrast, significance) }
                    }
                    let vectorStart = max(interior.lowerBound, span.lowerBound)
                    let vectorEnd = vectorStart + (max(0, min(interior.upperBound, span.upperBound) - vectorStart) / 8) * 8
                    for x in span.lowerBound..<max(span.lowerBound, min(vectorStart, span.upperBound)) { clamped(x) }
                    let regionBase = UnsafeMutableRawPointer(region.baseAddress!)
                    let threshold = SIMD8<Float>(repeating: grow)
                    var x = vectorStart
                    while x < vectorEnd {
                        // Most of a film is outside the region (air, bone, the skin margin): eight
                        // region bytes are tested as one word before any window is read, and lanes
                        // are looked at one by one only when one is above the threshold.
                        if regionBase.loadUnaligned(fromByteOffset: x, as: UInt64.self) == 0 {
                            x += 8
                            continue
                        }
                        let i = row + x
                        let value = Lanes.load(s, x)
                        let near = small.interiorSurround8(smallMeans, rows: smallRows, x: x)
                        let far = large.interiorSurround8(largeMeans, rows: largeRows, x: x).blob
                        let blob = value - near.blob, ridge = value - near.ridge, farBlob = value - far
                        let weight = Lanes.load(softWeight, x)
                        let contrast = Lanes.max(Lanes.max(blob, ridge * weight), farBlob * weight)
                        let significance = Lanes.max(
                            Lanes.max(blob / Lanes.load(smallBlobDivisor, x), ridge / Lanes.load(smallRidgeDivisor, x)),
                            farBlob / Lanes.load(largeBlobDivisor, x))
                        let above = significance .> threshold
                        if any(above) {
                            for lane in 0..<8 {
                                let candidate = region[x + lane] != 0 && above[lane]
                                region[x + lane] = candidate ? 1 : 0
                                if candidate { found.append(i + lane, contrast[lane], significance[lane]) }
                            }
                        } else {
                            regionBase.storeBytes(of: UInt64(0), toByteOffset: x, as: UInt64.self)
                        }
                        x += 8
                    }
                    for x in min(max(vectorEnd, span.lowerBound), span.upperBound)..<span.upperBound { clamped(x) }
                    bits.pack(row: y, words: firstWord...lastWord, width: width, from: region.baseAddress!)
                }
                lock.wait()
                bands[rows.lowerBound] = found
                lock.signal()
            }
        }
        // The bands' lists copied into one, in band order, the bands on all cores (the copy writes
        // fresh pages, which cost more than the copying).
        let order = bands.keys.sorted()
        var offsets = [0]
        for start in order { offsets.append(offsets.last! + bands[start]!.index.count) }
        let total = offsets.last!
        var parts = order.map { bands[$0]! }
        bands = [:]
        // Each list of the bands is freed as soon as it is copied: the detector's peak memory is
        // here, with both film-sized planes still in use.
        var all = Candidates()
        all.index = gathered(parts.map(\.index), offsets: offsets, total: total)
        for p in parts.indices { parts[p].index = [] }
        all.contrast = gathered(parts.map(\.contrast), offsets: offsets, total: total)
        for p in parts.indices { parts[p].contrast = [] }
        all.significance = gathered(parts.map(\.significance), offsets: offsets, total: total)
        return all
    }

    /// `parts` joined (part p at `offsets[p]`), the parts copied concurrently.
    private static func gathered<Element>(_ parts: [[Element]], offsets: [Int], total: Int) -> [Element] {
        [Element](unsafeUninitializedCapacity: total) { buffer, count in
            nonisolated(unsafe) let buffer = buffer
            ParallelBands.forEachItem(parts.count, scratch: {}) { p, _ in
                parts[p].withUnsafeBufferPointer { part in
                    guard let source = part.baseAddress else { return }
                    (buffer.baseAddress! + offsets[p]).initialize(from: source, count: part.count)
                }
            }
            count = total
        }
    }

    @inline(__always)
    mutating func append(_ i: Int, _ c: Float, _ z: Float) {
        index.append(i)
        contrast.append(c)
        significance.append(z)
    }
}
