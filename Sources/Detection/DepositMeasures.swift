/// Area, box, centroid and second-moment sums, sample and contrast statistics, first pixel and
/// whether it lies over bone, per deposit, gathered while `ConnectedComponents` writes the
/// outlines' final ids.
///
/// Every sum but the contrast's adds integers below 2⁵³ in a `Double`, which is exact in any
/// order; the contrast sum is a band's pixels in raster order, then the bands in band order,
/// which the fixed band layout makes independent of the thread count.
struct DepositMeasures: ComponentStatistics {
    let pixels: UnsafeBufferPointer<UInt16>
    let contrast: UnsafeBufferPointer<Float>
    let significance: UnsafeBufferPointer<Float>
    let bone: SearchedBone
    var cursor: CandidateCursor
    var area: [Int] = []
    var minX: [Int] = [], minY: [Int] = [], maxX: [Int] = [], maxY: [Int] = []
    var sumX: [Double] = [], sumY: [Double] = [], sumValue: [Double] = [], sumContrast: [Double] = []
    /// Σx², Σy², Σxy of the pixel positions, for the elongation (`ComponentShape`).
    var sumXX: [Double] = [], sumYY: [Double] = [], sumXY: [Double] = []
    /// Raster index of the first pixel; whether any pixel lies in the searched bone.
    var first: [Int] = []
    var overBone: [Bool] = []
    var peakValue: [UInt16] = []
    var peakSNR: [Double] = []
    /// Where the local contrast is largest (raster index; the first such pixel in raster order):
    /// the centre of a speck that joined a little of its surround, for `CandidateFeatures`.
    var peakAt: [Int] = [], peakContrast: [Float] = []

    /// A prototype with no components: `ConnectedComponents.label` makes the accumulators from it.
    init(pixels: UnsafeBufferPointer<UInt16>, index: UnsafeBufferPointer<Int>, contrast: UnsafeBufferPointer<Float>,
         significance: UnsafeBufferPointer<Float>, bone: SearchedBone) {
        self.pixels = pixels
        cursor = CandidateCursor(index: index, start: 0)
        self.contrast = contrast
        self.significance = significance
        self.bone = bone
    }

    func empty(count: Int, start: Int) -> DepositMeasures {
        var measures = DepositMeasures(pixels: pixels, index: cursor.index, contrast: contrast, significance: significance, bone: bone)
        measures.cursor = CandidateCursor(index: cursor.index, start: start)
        let n = count + 1
        measures.area = [Int](repeating: 0, count: n)
        measures.minX = [Int](repeating: .max, count: n)
        measures.minY = measures.minX
        measures.maxX = [Int](repeating: .min, count: n)
        measures.maxY = measures.maxX
        measures.sumX = [Double](repeating: 0, count: n)
        measures.sumY = measures.sumX
        measures.sumValue = measures.sumX
        measures.sumContrast = measures.sumX
        measures.sumXX = measures.sumX
        measures.sumYY = measures.sumX
        measures.sumXY = measures.sumX
        measures.first = [Int](repeating: .max, count: n)
        measures.overBone = [Bool](repeating: false, count: n)
        measures.peakValue = [UInt16](repeating: 0, count: n)
        measures.peakSNR = [Double](repeating: 0, count: n)
        measures.peakAt = [Int](repeating: .max, count: n)
        measures.peakContrast = [Float](repeating: -.infinity, count: n)
        return measures
    }

    mutating func add(label: Int, x: Int, y: Int, index: Int) {
        let k = cursor.seek(index)
        area[label] += 1
        minX[label] = min(minX[label], x); maxX[label] = max(maxX[label], x)
        minY[label] = min(minY[label], y); maxY[label] = max(maxY[label], y)
        let fx = Double(x), fy = Double(y)
        sumX[label] += fx; sumY[label] += fy
        sumXX[label] += fx * fx; sumYY[label] += fy * fy; sumXY[label] += fx * fy
        first[label] = min(first[label], index)
        if bone.contains(x: x, y: y) { overBone[label] = true }
        sumValue[label] += Double(pixels[index])
        sumContrast[label] += Double(contrast[k])
        peakValue[label] = max(peakValue[label], pixels[index])
        peakSNR[label] = max(peakSNR[label], Double(significance[k]))
        // Raster order within a band: strictly larger keeps the first pixel of a tie.
        if contrast[k] > peakContrast[label] {
            peakContrast[label] = contrast[k]
            peakAt[label] = index
        }
    }

    func elongation(_ id: Int) -> Double {
        ComponentShape.elongation(n: Double(area[id]), sx: sumX[id], sy: sumY[id], sxx: sumXX[id], syy: sumYY[id], sxy: sumXY[id])
    }

    mutating func merge(_ band: DepositMeasures, component c: Int, into id: Int) {
        area[id] += band.area[c]
        minX[id] = min(minX[id], band.minX[c]); maxX[id] = max(maxX[id], band.maxX[c])
        minY[id] = min(minY[id], band.minY[c]); maxY[id] = max(maxY[id], band.maxY[c])
        sumX[id] += band.sumX[c]; sumY[id] += band.sumY[c]
        sumXX[id] += band.sumXX[c]; sumYY[id] += band.sumYY[c]; sumXY[id] += band.sumXY[c]
        first[id] = min(first[id], band.first[c])
        overBone[id] = overBone[id] || band.overBone[c]
        sumValue[id] += band.sumValue[c]
        sumContrast[id] += band.sumContrast[c]
        peakValue[id] = max(peakValue[id], band.peakValue[c])
        peakSNR[id] = max(peakSNR[id], band.peakSNR[c])
        // Largest contrast, then the earlier pixel: the same whatever order the bands merge in.
        if band.peakContrast[c] > peakContrast[id] || (band.peakContrast[c] == peakContrast[id] && band.peakAt[c] < peakAt[id]) {
            peakContrast[id] = band.peakContrast[c]
            peakAt[id] = band.peakAt[c]
        }
    }

    func box(_ id: Int) -> PixelBox {
        PixelBox(x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1)
    }
}

/// Peak contrast (absolute and in σ) per hysteresis component: maxima, so the merge order of
/// the bands cannot show.
struct PeakContrast: ComponentStatistics {
    let contrast: UnsafeBufferPointer<Float>
    let significance: UnsafeBufferPointer<Float>
    let bone: SearchedBone
    var cursor: CandidateCursor
    var peak: [Float] = []
    var peakSNR: [Float] = []
    /// Whether any pixel lies in the searched bone.
    var overBone: [Bool] = []

    /// A prototype with no components: `ConnectedComponents.label` makes the accumulators from it.
    init(index: UnsafeBufferPointer<Int>, contrast: UnsafeBufferPointer<Float>, significance: UnsafeBufferPointer<Float>,
         bone: SearchedBone) {
        cursor = CandidateCursor(index: index, start: 0)
        self.contrast = contrast
        self.significance = significance
        self.bone = bone
    }

    func empty(count: Int, start: Int) -> PeakContrast {
        var peaks = PeakContrast(index: cursor.index, contrast: contrast, significance: significance, bone: bone)
        peaks.cursor = CandidateCursor(index: cursor.index, start: start)
        peaks.peak = [Float](repeating: 0, count: count + 1)
        peaks.peakSNR = peaks.peak
        peaks.overBone = [Bool](repeating: false, count: count + 1)
        return peaks
    }

    mutating func add(label: Int, x: Int, y: Int, index: Int) {
        let k = cursor.seek(index)
        peak[label] = max(peak[label], contrast[k])
        peakSNR[label] = max(peakSNR[label], significance[k])
        if bone.contains(x: x, y: y) { overBone[label] = true }
    }

    mutating func merge(_ band: PeakContrast, component c: Int, into id: Int) {
        peak[id] = max(peak[id], band.peak[c])
        peakSNR[id] = max(peakSNR[id], band.peakSNR[c])
        overBone[id] = overBone[id] || band.overBone[c]
    }
}

/// Which pixels lie in the searched bone (`AnatomyMap.boneSearchable`), through the cell column
/// of each film column and the first cell of each film row's cell row: a pixel's cell without a
/// division. The search regions of bone and soft tissue are apart, so each component lies in
/// one of them.
struct SearchedBone {
    let cells: [UInt8]
    let cellColumn: [Int]
    let cellRowStart: [Int]

    init(anatomy: AnatomyMap, width: Int, height: Int) {
        cells = anatomy.boneSearchable
        cellColumn = (0..<width).map { $0 / anatomy.cellSize }
        cellRowStart = (0..<height).map { ($0 / anatomy.cellSize) * anatomy.columns }
    }

    @inline(__always) func contains(x: Int, y: Int) -> Bool {
        cells[cellRowStart[y] + cellColumn[x]] != 0
    }
}

/// Walks the candidate list alongside a labelling pass: a band visits its pixels in raster
/// order and the candidates are in raster order, so the candidate of each visited pixel is found
/// by moving a cursor forward (every labelled pixel is a candidate). The cursor starts at the
/// band's first candidate, found by binary search.
struct CandidateCursor {
    let index: UnsafeBufferPointer<Int>
    var k: Int

    /// A cursor at the first candidate at or after raster index `start`.
    init(index: UnsafeBufferPointer<Int>, start: Int) {
        self.index = index
        var low = 0, high = index.count
        while low < high {
            let middle = (low + high) / 2
            if index[middle] < start { low = middle + 1 } else { high = middle }
        }
        k = low
    }

    /// The candidate at raster index `i`, which must be one (a labelled pixel) and must not come
    /// before the previous one asked for.
    @inline(__always)
    mutating func seek(_ i: Int) -> Int {
        while index[k] < i { k += 1 }
        return k
    }
}
