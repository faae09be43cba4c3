import Dispatch
import Foundation
import Radiography

/// The feature vector of each candidate component: what the deposit classifier sees, and all it
/// sees (never pixels). Every feature is a ratio, a count or a length in mm, so that it means the
/// same on a 0.05 mm mammogram and a 0.4 mm chest film, on 8-bit scans and 16-bit DX: contrasts
/// are in units of the local noise σ, sizes in mm, context as fractions.
///
/// Computed per candidate on a small grid around its centroid (`CandidatePatch`): at most
/// 49 × 49 box means whatever the candidate's size, so the cost per candidate is bounded and
/// the features of a 20 mm nodule are measured on the same relative scale as a speck's. The
/// fixed-scale features around the contrast peak (`PeakScales`) read integral images of 512-pixel
/// tiles of the film and the boxes' reach around them (at most 121 pixels: half-widths are capped
/// at 12), one per tile that holds a peak.
/// Candidates are independent of each other, so the vectors do not depend on the thread count.
public enum CandidateFeatures {
    /// Names in vector order: the model file lists the same names, and loading checks them.
    public static let names: [String] = [
        "log_area_mm2",        // ln of the component's area in mm²
        "extent_mm",           // bounding-box diagonal
        "elongation",          // √(λ₁/λ₂) of the component's second moments
        "fill",                // area / bounding-box area
        "peak_snr",            // peak local contrast over max(noise σ, clutter σ), from the candidate stage
        "contrast_snr",        // mean local contrast over the local noise σ
        "centre_ring1_snr",    // centre mean − first ring's mean (1.5–2.5 r), in σ
        "centre_ring2_snr",    // centre mean − second ring's mean (3–4.5 r), in σ
        "worst_sector_snr",    // centre mean − the brightest of 8 sectors of the first ring, in σ
        "sector_spread",       // (brightest − darkest sector) / centre-ring contrast
        "opposite_imbalance",  // largest |sector − opposite sector| / centre-ring contrast
        "ring2_clutter",       // σ of the second ring about a plane fit / noise σ
        "coherence_patch",     // structure-tensor coherence over the patch
        "coherence_ring",      // … over the rings only (the surround's own orientation)
        "hessian_ratio",       // λ_small/λ_large of the Hessian at the centre at the candidate's scale
        "hessian_snr",         // −λ_large × r² / σ: blob strength at that scale
        "gradient_ring_ratio", // mean |∇| on the rings × r / centre-ring contrast: edges nearby
        "over_bone",           // 1 when the centroid's cell is in the bone map
        "bone_fraction_3mm",   // share of bone cells within 3 mm
        "bone_fraction_10mm",  // … within 10 mm
        "body_fraction_5mm",   // share of body cells within 5 mm (low near the skin line)
        "skin_distance_mm",    // distance from the centroid's cell to the nearest non-body cell (≤ 50)
        "border_distance_mm",  // distance to the film's nearest edge (≤ 50)
        "neighbours_5mm",      // other candidates whose centroid lies within 5 mm
        "neighbours_15mm",     // … within 15 mm
        "background_rank",     // share of body cells darker than the surround's level (bone and dense tissue are high)
        "noise_ratio",         // local noise σ / the film's median body σ
        // Around the candidate's contrast peak rather than its centroid (`PeakScales`): a speck
        // that joined a little of its surround, or a bone edge, has its centroid off the speck.
        "peak_offset",         // centroid-to-peak distance / the equal-area radius
    ] + PeakScales.names + [
        "peak_rank",           // share of body cells darker than the peak's 3×3 mean
    ] + RadialProfile.names + FilmRanks.names

    /// Candidate components measured on one film.
    struct Context {
        let pixels: UnsafeBufferPointer<UInt16>
        let width: Int
        let height: Int
        let spacingMM: Double
        let noise: NoiseMap
        let anatomy: AnatomyMap
        let filmSigma: Float
    }

    /// One row per deposit, `names.count` values each, in the deposits' order.
    static func compute(_ deposits: [Deposit], elongations: [Double], peaks: [Int], context c: Context) -> [[Double]] {
        let n = deposits.count
        guard n > 0 else { return [] }
        let cell = c.anatomy.cellSize, columns = c.anatomy.columns, rows = c.anatomy.rows
        let cellMM = Double(cell) * c.spacingMM
        // Sorted body-cell means, for the rank of a candidate's surround level.
        var bodyMeans: [Float] = []
        for k in 0..<c.anatomy.body.count where c.anatomy.body[k] != 0 { bodyMeans.append(c.anatomy.cellMean[k]) }
        bodyMeans.sort()
        let sortedMeans = bodyMeans
        nonisolated(unsafe) let c = c
        let skin = CellDistance.toOutside(c.anatomy.body, columns: columns, rows: rows)
        let neighbours = neighbourCounts(deposits, radiiPx: [5 / c.spacingMM, 15 / c.spacingMM])

        /// The anatomy and noise cell of a pixel.
        @Sendable func cellOf(_ x: Int, _ y: Int) -> Int { min(y / cell, rows - 1) * columns + min(x / cell, columns - 1) }
        let peakPoints = peaks.map { (x: $0 % c.width, y: $0 / c.width) }
        let atPeaks = PeakScales.measure(pixels: c.pixels, width: c.width, height: c.height, spacingMM: c.spacingMM, peaks: peakPoints,
                                         sigmas: peakPoints.map { Double(max(c.noise.sigma[cellOf($0.x, $0.y)], NoiseMap.floor)) })
        var rowsOut = [[Double]](repeating: [], count: n)
        rowsOut.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            // One patch a thread (its grids and arctangent tables reused), candidates taken as threads come free.
            ParallelBands.forEachItem(n, scratch: { CandidatePatch() }) { i, patch in
                let d = deposits[i]
                var f = [Double](repeating: 0, count: names.count)
                let area = Double(d.areaPx), mm2 = c.spacingMM * c.spacingMM
                f[0] = log(area * mm2)
                f[1] = Double(d.bbox.width * d.bbox.width + d.bbox.height * d.bbox.height).squareRoot() * c.spacingMM
                f[2] = elongations[i]
                f[3] = area / Double(d.bbox.width * d.bbox.height)
                f[4] = d.peakSNR
                let cx = min(max(Int(d.centroidX.rounded()), 0), c.width - 1)
                let cy = min(max(Int(d.centroidY.rounded()), 0), c.height - 1)
                let cellIndex = cellOf(cx, cy)
                let sigma = Double(max(c.noise.sigma[cellIndex], NoiseMap.floor))
                f[5] = d.contrast / sigma
                let radius = max(0.5, (area / Double.pi).squareRoot())
                let shape = patch.measure(CandidatePatch.Film(pixels: c.pixels, width: c.width, height: c.height), x: cx, y: cy, radiusPx: radius, sigma: sigma)
                f[6] = shape.ring1
                f[7] = shape.ring2
                f[8] = shape.worstSector
                f[9] = shape.sectorSpread
                f[10] = shape.oppositeImbalance
                f[11] = shape.clutter
                f[12] = shape.coherencePatch
                f[13] = shape.coherenceRing
                f[14] = shape.hessianRatio
                f[15] = shape.hessianStrength
                f[16] = shape.gradientRatio
                f[17] = Double(c.anatomy.bone[cellIndex])
                let ccx = cellIndex % columns, ccy = cellIndex / columns
                f[18] = fraction(c.anatomy.bone, columns: columns, rows: rows, x: ccx, y: ccy, radius: CheckedConversion.pixels(mm: 3, spacingMM: cellMM, minimum: 0, rounding: .up))
                f[19] = fraction(c.anatomy.bone, columns: columns, rows: rows, x: ccx, y: ccy, radius: CheckedConversion.pixels(mm: 10, spacingMM: cellMM, minimum: 0, rounding: .up))
                f[20] = fraction(c.anatomy.body, columns: columns, rows: rows, x: ccx, y: ccy, radius: CheckedConversion.pixels(mm: 5, spacingMM: cellMM, minimum: 0, rounding: .up))
                f[21] = min(50, Double(skin[cellIndex]) * cellMM)
                let border = min(min(cx, c.width - 1 - cx), min(cy, c.height - 1 - cy))
                f[22] = min(50, Double(border) * c.spacingMM)
                f[23] = Double(neighbours[0][i])
                f[24] = Double(neighbours[1][i])
                f[25] = RobustStatistics.rank(of: Float(shape.surroundLevel), in: sortedMeans)
                f[26] = sigma / Double(max(c.filmSigma, NoiseMap.floor))
                let dx = Double(peakPoints[i].x) - d.centroidX, dy = Double(peakPoints[i].y) - d.centroidY
                f[27] = (dx * dx + dy * dy).squareRoot() / radius
                for (k, v) in atPeaks[i].contrasts.enumerated() { f[28 + k] = v }
                f[28 + PeakScales.names.count] = RobustStatistics.rank(of: Float(atPeaks[i].peakMean), in: sortedMeans)
                let profileStart = 29 + PeakScales.names.count
                for k in 0..<RadialProfile.bins { f[profileStart + k] = shape.profile[k] }
                for k in 1..<RadialProfile.bins { f[profileStart + RadialProfile.bins + k - 1] = shape.angular[k] }
                out[i] = f
            }
        }
        FilmRanks.fill(&rowsOut, from: FilmRanks.columns, into: names.count - FilmRanks.names.count)
        return rowsOut
    }

    /// Share of the cells within a square of `radius` cells around (x, y) that are set.
    static func fraction(_ mask: [UInt8], columns: Int, rows: Int, x: Int, y: Int, radius: Int) -> Double {
        var set = 0, total = 0
        for yy in max(0, y - radius)...min(rows - 1, y + radius) {
            for xx in max(0, x - radius)...min(columns - 1, x + radius) {
                total += 1
                set += mask[yy * columns + xx] != 0 ? 1 : 0
            }
        }
        return total == 0 ? 0 : Double(set) / Double(total)
    }

    /// For each radius, how many other candidates have their centroid within it (a grid of
    /// buckets as wide as the largest radius, so the cost stays near linear).
    static func neighbourCounts(_ deposits: [Deposit], radiiPx: [Double]) -> [[Int]] {
        let reach = radiiPx.max() ?? 1
        var buckets: [Int64: [Int]] = [:]
        func key(_ x: Double, _ y: Double) -> (Int64, Int64) { (Int64((x / reach).rounded(.down)), Int64((y / reach).rounded(.down))) }
        for (i, d) in deposits.enumerated() {
            let (bx, by) = key(d.centroidX, d.centroidY)
            buckets[bx << 32 | (by & 0xFFFF_FFFF), default: []].append(i)
        }
        var counts = radiiPx.map { _ in [Int](repeating: 0, count: deposits.count) }
        for (i, d) in deposits.enumerated() {
            let (bx, by) = key(d.centroidX, d.centroidY)
            for ox in -1...1 {
                for oy in -1...1 {
                    for j in buckets[(bx + Int64(ox)) << 32 | ((by + Int64(oy)) & 0xFFFF_FFFF)] ?? [] where j != i {
                        let dx = deposits[j].centroidX - d.centroidX, dy = deposits[j].centroidY - d.centroidY
                        let distance = (dx * dx + dy * dy).squareRoot()
                        for (r, radius) in radiiPx.enumerated() where distance <= radius { counts[r][i] += 1 }
                    }
                }
            }
        }
        return counts
    }
}

/// Chessboard distance (in cells) from each cell to the nearest cell that is not set; cells at
/// the grid's edge count the outside as unset.
enum CellDistance {
    /// Two raster passes, each taking a cell's four neighbours already visited (Rosenfeld and
    /// Pfaltz's chamfer with unit weights, exact for the chessboard distance): a shortest
    /// chessboard path turns at most once, from diagonal steps to straight ones, and each leg is
    /// followed by one of the passes. The outside enters as distance 1 at the edge cells.
    static func toOutside(_ mask: [UInt8], columns: Int, rows: Int) -> [Int32] {
        var distance = [Int32](repeating: 0, count: mask.count)
        distance.withUnsafeMutableBufferPointer { d in
            mask.withUnsafeBufferPointer { mask in
                for y in 0..<rows {
                    for x in 0..<columns {
                        let k = y * columns + x
                        guard mask[k] != 0 else { continue }
                        var best: Int32 = x == 0 || y == 0 || x == columns - 1 || y == rows - 1 ? 1 : .max
                        if x > 0 { best = min(best, d[k - 1] + 1) }
                        if y > 0 {
                            for xx in max(0, x - 1)...min(columns - 1, x + 1) { best = min(best, d[k - columns + xx - x] + 1) }
                        }
                        d[k] = best
                    }
                }
                for y in stride(from: rows - 1, through: 0, by: -1) {
                    for x in stride(from: columns - 1, through: 0, by: -1) {
                        let k = y * columns + x
                        guard mask[k] != 0 else { continue }
                        var best = d[k]
                        if x < columns - 1 { best = min(best, d[k + 1] + 1) }
                        if y < rows - 1 {
                            for xx in max(0, x - 1)...min(columns - 1, x + 1) { best = min(best, d[k + columns + xx - x] + 1) }
                        }
                        d[k] = best
                    }
                }
            }
        }
        return distance
    }
}

/// Box contrasts at fixed physical scales around a candidate's contrast peak: at each scale s
/// (`scalesMM`), D = the mean of a box of half-width s / (2 × spacing), rounded (at 0.1 mm boxes
/// 3, 7, 13 and 25 pixels wide), minus the mean of the square ring around it out to 4 times its
/// half-width, measured at the peak and at 12 points on a circle 6 half-widths away.
/// Three features per scale: D over the box mean's noise σ; D over the spread of the 12 D's (with
/// the noise): how far the candidate stands out from the texture of its own neighbourhood at that
/// scale, which is what tells a speck from trabecular bone or film grain; and the largest of the
/// 12 over D (a brighter twin nearby: texture, a vessel, a bone edge).
/// Sums of samples from integral images (`IntegralRegion`), integers, so the features are exact.
struct PeakScales {
    /// On 122k candidates of the side-A fitting hybrids (5-fold grouped out-of-fold, first stage
    /// only), these scales at the peak added 0.02 to the share of CNR ≥ 3 deposits found at 2
    /// false candidates per film and 0.04 at 1; at the centroid instead, 0.003 and 0.02.
    static let scalesMM = [0.3, 0.6, 1.2, 2.4]
    /// Half-widths are capped (pixels), so a fine-pitch mammogram's patch stays bounded.
    static let maximumHalf = 12
    static let surroundHalves = 4
    static let ringHalves = 6
    static let ringPoints = 12
    static let names: [String] = ["0_3", "0_6", "1_2", "2_4"].flatMap { tag in
        ["box_\(tag)mm_snr", "box_\(tag)mm_texture_z", "box_\(tag)mm_ring_max"]
    }
    /// Film tiles (pixels a side) that share one integral image: at 0.1 mm a tile's image is
    /// 754² sums for 512² pixels of peaks (256: 498² for 256², twice the sums in all).
    static let tile = 512

    /// One peak's features in `names` order and the 3×3 mean at the peak.
    struct Measured {
        var contrasts: [Double]
        var peakMean: Double
    }

    /// Every peak's features; `sigmas`: the local noise σ of the 3×3 mean (`NoiseMap`) at each.
    /// The peaks are grouped by `tile`; each group's integral image covers its tile and the reach
    /// of the boxes around it (cut to the film), so every box of its peaks is read from it. Sums
    /// are integers, so each value is the same whatever the tiles and threads. One integral image
    /// per candidate instead cost 1.6 G instructions on a 3000² knee phantom at 0.1 mm (thousands
    /// of candidates, up to 243² sums each).
    static func measure(pixels: UnsafeBufferPointer<UInt16>, width: Int, height: Int, spacingMM: Double,
                        peaks: [(x: Int, y: Int)], sigmas: [Double]) -> [Measured] {
        precondition(peaks.count == sigmas.count)
        guard !peaks.isEmpty else { return [] }
        let halves = scalesMM.map { max(1, min(maximumHalf, Int(($0 / (2 * spacingMM)).rounded()))) }
        let reach = (ringHalves + surroundHalves) * (halves.max() ?? 1) + 1
        let tilesAcross = (width + tile - 1) / tile
        var groups: [Int: [Int]] = [:]
        for (i, p) in peaks.enumerated() { groups[(p.y / tile) * tilesAcross + p.x / tile, default: []].append(i) }
        let keys = groups.keys.sorted(), members = keys.map { groups[$0]! }
        var out = [Measured](repeating: Measured(contrasts: [], peakMean: 0), count: peaks.count)
        out.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out, pixels = pixels
            // One integral image a thread, reused from tile to tile: a fresh one a tile (2.3 MB at
            // 0.1 mm) cost more in zeroing and first-touched pages than in sums.
            ParallelBands.forEachItem(keys.count, scratch: { IntegralRegion() }) { g, region in
                let tx = keys[g] % tilesAcross, ty = keys[g] / tilesAcross
                region.cover(pixels, width: width, height: height,
                             x0: tx * tile - reach, y0: ty * tile - reach, x1: tx * tile + tile - 1 + reach, y1: ty * tile + tile - 1 + reach)
                for i in members[g] {
                    out[i] = measure(region, halves: halves, width: width, height: height,
                                     x: peaks[i].x, y: peaks[i].y, sigmaS: sigmas[i])
                }
            }
        }
        return out
    }

    /// An integral image of the samples over a rectangle of the film, in wrapping 32-bit sums:
    /// a box's sum is then exact modulo 2³², and the largest box (97² samples below 2¹⁶) sums to
    /// less than 2³².
    struct IntegralRegion {
        var sums: [UInt32] = []
        var x0 = 0, y0 = 0, x1 = -1, y1 = -1, w = 0

        /// Covers the rectangle [x0, x1] × [y0, y1] cut to the film.
        mutating func cover(_ pixels: UnsafeBufferPointer<UInt16>, width: Int, height: Int, x0: Int, y0: Int, x1: Int, y1: Int) {
            self.x0 = max(0, x0); self.x1 = min(width - 1, x1)
            self.y0 = max(0, y0); self.y1 = min(height - 1, y1)
            let x0 = self.x0, y0 = self.y0
            let w = self.x1 - x0 + 2, h = self.y1 - y0 + 2
            self.w = w
            if sums.count < w * h { sums = [UInt32](repeating: 0, count: w * h) }
            sums.withUnsafeMutableBufferPointer { sums in
                let sums = sums.baseAddress!, samples = pixels.baseAddress!
                for i in 0..<w { sums[i] = 0 }
                for row in 1..<h {
                    var running: UInt32 = 0
                    let line = samples + (y0 + row - 1) * width + x0 - 1
                    let above = sums + (row - 1) * w, here = sums + row * w
                    here[0] = 0
                    for i in 1..<w {
                        running &+= UInt32(line[i])
                        here[i] = above[i] &+ running
                    }
                }
            }
        }

        /// Sum and count of the box of half-width `half` around (bx, by), cut to the region.
        func box(_ bx: Int, _ by: Int, _ half: Int) -> (sum: Int, count: Int) {
            let left = max(x0, bx - half) - x0, right = min(x1, bx + half) - x0 + 1
            let top = max(y0, by - half) - y0, bottom = min(y1, by + half) - y0 + 1
            guard right > left, bottom > top else { return (0, 0) }
            let s = sums[bottom * w + right] &- sums[top * w + right] &- sums[bottom * w + left] &+ sums[top * w + left]
            return (Int(s), (right - left) * (bottom - top))
        }
    }

    /// One peak's features from a region that covers every box around it.
    static func measure(_ region: IntegralRegion, halves: [Int], width: Int, height: Int, x: Int, y: Int, sigmaS: Double) -> Measured {
        func difference(_ bx: Int, _ by: Int, _ half: Int) -> Double {
            let inner = region.box(bx, by, half), outer = region.box(bx, by, surroundHalves * half)
            let ring = outer.count - inner.count
            guard inner.count > 0, ring > 0 else { return 0 }
            return Double(inner.sum) / Double(inner.count) - Double(outer.sum - inner.sum) / Double(ring)
        }
        var out: [Double] = []
        out.reserveCapacity(names.count)
        for half in halves {
            let centre = difference(x, y, half)
            var sum = 0.0, squares = 0.0, largest = -Double.infinity
            for k in 0..<ringPoints {
                let angle = 2 * Double.pi * Double(k) / Double(ringPoints)
                let distance = Double(ringHalves * half)
                let rx = min(max(x + Int((distance * cos(angle)).rounded()), 0), width - 1)
                let ry = min(max(y + Int((distance * sin(angle)).rounded()), 0), height - 1)
                let v = difference(rx, ry, half)
                sum += v
                squares += v * v
                largest = max(largest, v)
            }
            let n = Double(ringPoints)
            let spread = max(0, squares / n - (sum / n) * (sum / n))
            // σ of S is the 3×3 mean's: a sample's is 3 times that, a box mean's that over its side.
            let noise = 3 * sigmaS / Double(2 * half + 1)
            out.append(centre / noise)
            out.append(centre / (spread + noise * noise).squareRoot())
            out.append(largest / max(abs(centre), noise))
        }
        let peak = region.box(x, y, 1)
        return Measured(contrasts: out, peakMean: peak.count > 0 ? Double(peak.sum) / Double(peak.count) : 0)
    }
}

/// What `CandidatePatch.measure` finds around one candidate (contrasts in noise σ).
struct PatchShape {
    var ring1 = 0.0, ring2 = 0.0, worstSector = 0.0, sectorSpread = 0.0, oppositeImbalance = 0.0
    var clutter = 0.0, coherencePatch = 0.0, coherenceRing = 0.0
    var hessianRatio = 0.0, hessianStrength = 0.0, gradientRatio = 0.0
    var surroundLevel = 0.0
    /// `RadialProfile`: each annulus's mean level and its spread over the 8 sectors.
    var profile = [Double](repeating: .nan, count: RadialProfile.bins)
    var angular = [Double](repeating: .nan, count: RadialProfile.bins)
}

/// How a candidate's contrasts rank among those of every candidate of its own film: the share of
/// the film's candidates below it (ties counted half, itself included half), 0–1. A film of
/// dense trabecular texture or fibroglandular strands yields hundreds of candidates of some
/// contrast, a smooth soft-tissue film few; a deposit stands out from its own film's candidates
/// where a fixed contrast in noise σ does not tell it from texture. Computed from the film alone
/// (never from truth), after every candidate's own features.
///
/// Out-of-fold on side A of training/split.txt and phantoms (first stage, 5 folds by base film,
/// with `RadialProfile`), CNR ≥ 3 deposits found at 1 / 2 / 5 false candidates per film: no ranks
/// 0.362 / 0.446 / 0.542; ranks of peak_snr, contrast_snr, centre_ring1_snr, hessian_snr and the
/// texture z at 0.3–1.2 mm 0.445 / 0.508 / 0.589; with centre_ring2_snr, worst_sector_snr, the
/// box contrasts at all four scales and the texture z at 2.4 mm too (these 14) 0.452 / 0.525 / 0.598.
enum FilmRanks {
    static let ranked = ["peak_snr", "contrast_snr", "centre_ring1_snr", "centre_ring2_snr", "worst_sector_snr", "hessian_snr",
                         "box_0_3mm_snr", "box_0_6mm_snr", "box_1_2mm_snr", "box_2_4mm_snr",
                         "box_0_3mm_texture_z", "box_0_6mm_texture_z", "box_1_2mm_texture_z", "box_2_4mm_texture_z"]
    static let names = ranked.map { "film_rank_\($0)" }
    /// The ranked features' positions in `CandidateFeatures.names` (all precede the ranks).
    static let columns: [Int] = ranked.map { name in CandidateFeatures.names.firstIndex(of: name)! }

    /// Writes, for each of `columns`, every row's rank among all rows into the columns from `start`.
    /// NaN ranks below every number.
    static func fill(_ rows: inout [[Double]], from columns: [Int], into start: Int) {
        let n = rows.count
        guard n > 0 else { return }
        for (k, column) in columns.enumerated() {
            let values = rows.map { $0[column].isNaN ? -Double.infinity : $0[column] }
            let order = values.indices.sorted { values[$0] < values[$1] }
            var first = 0
            while first < n {
                var last = first
                while last + 1 < n && values[order[last + 1]] == values[order[first]] { last += 1 }
                // `first` rows lie below this run of ties, `last - first + 1` tie (itself included).
                let rank = (Double(first) + 0.5 * Double(last - first + 1)) / Double(n)
                for q in first...last { rows[order[q]][start + k] = rank }
                first = last + 1
            }
        }
    }
}

/// The candidate's radial profile, rotation-free: the patch's box means in `bins` annuli of
/// width w = max(r / 2, one grid step, 1 pixel) around the centroid (r the equal-area radius), so
/// out to 3 r on a nodule and 6 pixels on a speck. Per annulus: its mean above the second ring's,
/// over the centre's (`profile_bin*`: a calcified sphere's chord profile is a dome with a sharp
/// edge; soft-tissue overlap, a vessel or trabecular texture falls off otherwise), and the
/// standard deviation of its 8 sectors' means over the same contrast (`angular_bin*`: high where
/// an edge, a line or a neighbour crosses the annulus). An empty annulus or sector-poor ring is
/// missing (NaN), which the trees send their learnt way.
///
/// Out-of-fold on side A of training/split.txt and phantoms (first stage, 5 folds by base film),
/// CNR ≥ 3 deposits found at 1 / 2 / 5 false candidates per film: 0.336 / 0.436 / 0.533 without
/// it, 0.364 / 0.439 / 0.539 with it; a small gain alone, which `FilmRanks` builds on.
enum RadialProfile {
    static let bins = 6
    static let names: [String] = (0..<bins).map { "profile_bin\($0)" } + (1..<bins).map { "angular_bin\($0)" }
}

/// A grid of box means around a candidate, spaced so that the second ring (4.5 radii) fits in
/// at most 24 steps: a speck is sampled pixel by pixel, a 20 mm nodule every few pixels.
struct CandidatePatch {
    /// The film's samples, all a patch reads.
    struct Film {
        let pixels: UnsafeBufferPointer<UInt16>
        let width: Int
        let height: Int
    }
    static let maximumHalf = 24
    static let side = 2 * maximumHalf + 1
    var values = [Double](repeating: 0, count: side * side)
    /// Row sums for `boxMeansUnclamped`: up to side + 4 rows of side sums.
    var rowSums = [Int](repeating: 0, count: (side + 4) * side)
    /// The first ring's sector (0–7) of each grid point, a table for each grid step, −1 where not
    /// yet needed: an arctangent a point once per step and thread, not once per candidate.
    var sectorTables: [Int: [Int8]] = [:]

    mutating func measure(_ c: Film, x: Int, y: Int, radiusPx r: Double, sigma: Double) -> PatchShape {
        let ring1 = (inner: max(1.5 * r, r + 1), outer: max(2.5 * r, r + 3))
        let ring2 = (inner: max(3 * r, r + 4), outer: max(4.5 * r, r + 8))
        let reach = ring2.outer + 1
        let step = max(1, Int((reach / Double(Self.maximumHalf)).rounded(.up)))
        let half = min(Self.maximumHalf, Int((reach / Double(step)).rounded(.up)) + 1)
        let box = max(1, min(step / 2, 2))
        let inside = x - half * step - box >= 0 && x + half * step + box < c.width
            && y - half * step - box >= 0 && y + half * step + box < c.height
        if step == 1 && inside {
            boxMeansUnclamped(c, x: x, y: y, half: half, box: box)
        } else if inside {
            boxMeansInside(c, x: x, y: y, half: half, step: step, box: box, within: ring2.outer + 1.5 * Double(step))
        } else {
            boxMeansClamped(c, x: x, y: y, half: half, step: step, box: box, within: ring2.outer + 1.5 * Double(step))
        }
        // Taken out of the dictionary while it is written, so that writing does not copy it.
        var sectors = sectorTables.removeValue(forKey: step) ?? [Int8](repeating: -1, count: Self.side * Self.side)
        defer { sectorTables[step] = sectors }
        return values.withUnsafeBufferPointer { values in
            sectors.withUnsafeMutableBufferPointer { sectors in
                Self.summarise(values, sectors: sectors, half: half, step: step, radiusPx: r, ring1: ring1, ring2: ring2, sigma: sigma)
            }
        }
    }

    /// Box means at the grid points (clamped to the film), where they are read: within `within`
    /// pixels of the centre (the second ring and one step beyond it: the gradients' neighbours;
    /// the Hessian's points lie well inside). The corners of the square are never read.
    private mutating func boxMeansClamped(_ c: Film, x: Int, y: Int, half: Int, step: Int, box: Int, within: Double) {
        let side = Self.side, centre = Self.maximumHalf
        let readSquared = within * within / Double(step * step)
        values.withUnsafeMutableBufferPointer { values in
            for j in -half...half {
                for i in -half...half where Double(i * i + j * j) <= readSquared {
                    let px = min(max(x + i * step, 0), c.width - 1), py = min(max(y + j * step, 0), c.height - 1)
                    var sum = 0, count = 0
                    for yy in max(0, py - box)...min(c.height - 1, py + box) {
                        let rowBase = yy * c.width
                        for xx in max(0, px - box)...min(c.width - 1, px + box) {
                            sum += Int(c.pixels[rowBase + xx])
                            count += 1
                        }
                    }
                    values[(centre + j) * side + centre + i] = count > 0 ? Double(sum) / Double(count) : 0
                }
            }
        }
    }

    /// The same box means as `boxMeansClamped` for a grid whose boxes all lie inside the film
    /// (most candidates larger than a speck): nothing to clamp, every box has (2·box + 1)²
    /// pixels, read row by row through a pointer. Integer sums, so the same bits.
    private mutating func boxMeansInside(_ c: Film, x: Int, y: Int, half: Int, step: Int, box: Int, within: Double) {
        let side = Self.side, centre = Self.maximumHalf, width = c.width
        let readSquared = within * within / Double(step * step)
        let count = Double((2 * box + 1) * (2 * box + 1))
        let pixels = c.pixels.baseAddress!
        values.withUnsafeMutableBufferPointer { values in
            for j in -half...half {
                let rowBase = pixels + (y + j * step - box) * width + x - box
                for i in -half...half where Double(i * i + j * j) <= readSquared {
                    var p = rowBase + i * step
                    var sum = 0
                    if box == 1 {
                        for _ in 0..<3 {
                            sum += Int(p[0]) + Int(p[1]) + Int(p[2])
                            p += width
                        }
                    } else {
                        for _ in 0..<(2 * box + 1) {
                            for dx in 0...(2 * box) { sum += Int(p[dx]) }
                            p += width
                        }
                    }
                    values[(centre + j) * side + centre + i] = Double(sum) / count
                }
            }
        }
    }

    /// The same box means for a grid one pixel apart that stays inside the film with its boxes
    /// (most candidates: specks and small nodules): each row's sums over 2·box + 1 columns once,
    /// then 2·box + 1 of them down each column. Integer sums, so the means have the same bits as
    /// summing every box on its own.
    private mutating func boxMeansUnclamped(_ c: Film, x: Int, y: Int, half: Int, box: Int) {
        let side = Self.side, centre = Self.maximumHalf, width = 2 * half + 1
        let count = Double((2 * box + 1) * (2 * box + 1))
        let rows = 2 * half + 1 + 2 * box
        values.withUnsafeMutableBufferPointer { values in
            rowSums.withUnsafeMutableBufferPointer { sums in
                for r in 0..<rows {
                    let base = (y - half - box + r) * c.width + x - half
                    for i in 0..<width {
                        var sum = 0
                        for dx in -box...box { sum += Int(c.pixels[base + i + dx]) }
                        sums[r * width + i] = sum
                    }
                }
                for j in 0..<width {
                    for i in 0..<width {
                        var sum = 0
                        for dy in 0...(2 * box) { sum += sums[(j + dy) * width + i] }
                        values[(centre - half + j) * side + centre - half + i] = Double(sum) / count
                    }
                }
            }
        }
    }

    /// The features from the grid of box means (`values`, `half` points each side of the centre,
    /// `step` pixels apart; `sectors` as `CandidatePatch.sectorTables` holds for that step).
    private static func summarise(_ values: UnsafeBufferPointer<Double>, sectors: UnsafeMutableBufferPointer<Int8>, half: Int, step: Int, radiusPx r: Double,
                           ring1: (inner: Double, outer: Double), ring2: (inner: Double, outer: Double),
                           sigma: Double) -> PatchShape {
        let side = Self.side, centre = Self.maximumHalf
        func value(_ i: Int, _ j: Int) -> Double { values[(centre + j) * side + centre + i] }

        var centreSum = 0.0, centreCount = 0.0
        var ring1Sum = 0.0, ring1Count = 0.0
        var sectorSum = SIMD8<Double>(), sectorCount = SIMD8<Double>()
        // Ring 2: sums for the plane fit (v = a + b·dx + c·dy; dx, dy symmetric so the normal
        // equations decouple).
        var r2n = 0.0, r2v = 0.0, r2vv = 0.0, r2xv = 0.0, r2yv = 0.0, r2xx = 0.0, r2yy = 0.0
        var jxx = 0.0, jyy = 0.0, jxy = 0.0, rxx = 0.0, ryy = 0.0, rxy = 0.0
        var ringGradient = 0.0, ringGradientCount = 0.0
        let s = Double(step)
        let binWidth = max(0.5 * r, s, 1)
        var binSum = [Double](repeating: 0, count: RadialProfile.bins), binCount = binSum
        var binSectorSum = [SIMD8<Double>](repeating: SIMD8(), count: RadialProfile.bins), binSectorCount = binSectorSum
        // Points beyond the second ring add to nothing (every region below lies within it); the
        // test on squares, with a margin, skips them before the square root.
        let beyond = ring2.outer * ring2.outer * (1 + 1e-9) + 1e-9
        for j in -half...half {
            for i in -half...half {
                let dx = Double(i) * s, dy = Double(j) * s
                let squared = dx * dx + dy * dy
                guard squared <= beyond else { continue }
                let d = squared.squareRoot()
                let v = value(i, j)
                if d <= max(r, 0.5 * s) || (i == 0 && j == 0) {
                    centreSum += v
                    centreCount += 1
                }
                let inRing1 = d >= ring1.inner && d <= ring1.outer
                let bin = Int(d / binWidth)
                if inRing1 || bin < RadialProfile.bins {
                    let point = (centre + j) * side + centre + i
                    if sectors[point] < 0 {
                        var angle = atan2(dy, dx) + Double.pi
                        if angle >= 2 * Double.pi { angle = 0 }
                        sectors[point] = Int8(min(7, Int(angle / (2 * Double.pi) * 8)))
                    }
                    let k = Int(sectors[point])
                    if inRing1 {
                        ring1Sum += v
                        ring1Count += 1
                        sectorSum[k] += v
                        sectorCount[k] += 1
                    }
                    if bin < RadialProfile.bins {
                        binSum[bin] += v
                        binCount[bin] += 1
                        binSectorSum[bin][k] += v
                        binSectorCount[bin][k] += 1
                    }
                }
                if d >= ring2.inner && d <= ring2.outer {
                    r2n += 1; r2v += v; r2vv += v * v
                    r2xv += dx * v; r2yv += dy * v; r2xx += dx * dx; r2yy += dy * dy
                }
                if abs(i) < half && abs(j) < half && d <= ring2.outer {
                    let gx = (value(i + 1, j) - value(i - 1, j)) / (2 * s)
                    let gy = (value(i, j + 1) - value(i, j - 1)) / (2 * s)
                    jxx += gx * gx; jyy += gy * gy; jxy += gx * gy
                    if d >= ring1.inner {
                        rxx += gx * gx; ryy += gy * gy; rxy += gx * gy
                        ringGradient += (gx * gx + gy * gy).squareRoot()
                        ringGradientCount += 1
                    }
                }
            }
        }
        var shape = PatchShape()
        let centreMean = centreSum / max(1, centreCount)
        let ring1Mean = ring1Count > 0 ? ring1Sum / ring1Count : centreMean
        let ring2Mean = r2n > 0 ? r2v / r2n : ring1Mean
        let contrast = centreMean - ring1Mean
        let scale = max(contrast, sigma)
        shape.ring1 = contrast / sigma
        shape.ring2 = (centreMean - ring2Mean) / sigma
        var brightest = -Double.infinity, darkest = Double.infinity, imbalance = 0.0
        var sectors = [Double](repeating: ring1Mean, count: 8)
        for k in 0..<8 where sectorCount[k] > 0 { sectors[k] = sectorSum[k] / sectorCount[k] }
        for k in 0..<8 {
            brightest = max(brightest, sectors[k])
            darkest = min(darkest, sectors[k])
            if k < 4 { imbalance = max(imbalance, abs(sectors[k] - sectors[k + 4])) }
        }
        shape.worstSector = (centreMean - brightest) / sigma
        shape.sectorSpread = (brightest - darkest) / scale
        shape.oppositeImbalance = imbalance / scale
        if r2n > 3 {
            let b = r2xx > 0 ? r2xv / r2xx : 0
            let cc = r2yy > 0 ? r2yv / r2yy : 0
            // Residual variance about the plane: Σv² − n·mean² − b·Σxv − c·Σyv (dx, dy centred).
            let residual = max(0, r2vv - r2v * r2v / r2n - b * r2xv - cc * r2yv) / r2n
            shape.clutter = residual.squareRoot() / sigma
        }
        func coherence(_ xx: Double, _ yy: Double, _ xy: Double) -> Double {
            let trace = xx + yy
            return trace > 0 ? ((xx - yy) * (xx - yy) + 4 * xy * xy).squareRoot() / trace : 0
        }
        shape.coherencePatch = coherence(jxx, jyy, jxy)
        shape.coherenceRing = coherence(rxx, ryy, rxy)
        let h = max(1, min(half - 1, Int((r / s).rounded())))
        let v0 = value(0, 0)
        let dxx = value(h, 0) + value(-h, 0) - 2 * v0
        let dyy = value(0, h) + value(0, -h) - 2 * v0
        let dxy = (value(h, h) + value(-h, -h) - value(h, -h) - value(-h, h)) / 4
        let mean = (dxx + dyy) / 2, spread = (((dxx - dyy) / 2) * ((dxx - dyy) / 2) + dxy * dxy).squareRoot()
        let strong = mean - spread, weak = mean + spread
        shape.hessianRatio = strong < 0 ? max(-1, min(1, weak / strong)) : -1
        shape.hessianStrength = -strong / sigma
        let ringWidth = ring1.outer - ring1.inner + s
        shape.gradientRatio = ringGradientCount > 0 ? ringGradient / ringGradientCount * ringWidth / scale : 0
        shape.surroundLevel = ring1Mean
        let profileScale = max(centreMean - ring2Mean, sigma)
        for k in 0..<RadialProfile.bins where binCount[k] > 0 {
            shape.profile[k] = (binSum[k] / binCount[k] - ring2Mean) / profileScale
            guard k > 0 else { continue }
            var n = 0.0, sum = 0.0, squares = 0.0
            for q in 0..<8 where binSectorCount[k][q] > 0 {
                let m = binSectorSum[k][q] / binSectorCount[k][q]
                n += 1; sum += m; squares += m * m
            }
            if n >= 4 { shape.angular[k] = max(0, squares / n - (sum / n) * (sum / n)).squareRoot() / profileScale }
        }
        return shape
    }
}
