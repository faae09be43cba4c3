import Radiography

/// Every tunable of the detector, in physical units. Pixel sizes are derived per film from its
/// spacing (or `assumedSpacingMM` when the film has none), so the same parameters work on a
/// 0.05 mm mammogram and a 0.2 mm CR film.
///
/// Since the deposit classifier (`DepositClassifier`) decides what is a deposit, the thresholds
/// below set a *candidate* stage, chosen for recall: on hybrids of the fitting films (real films
/// with inserted deposits, ../shared/eval) the phantom-fitted values (seed 5 σ, grow 2.5 σ, skin
/// margin 2.5 mm, bone seed 7 σ, bone edge margin 4 mm, bone margin 1.5 mm, elongation ≤ 2, small
/// scale against the full clutter σ, bone searched apart) reached 26 % of the deposits with
/// CNR ≥ 3; the values here with bone searched like soft tissue and large components split at
/// their peaks (`PeakSplitter`) reach 80 %, at a median of ~770 candidates per film that the
/// classifier sorts (0.46 without the bone change, 0.48 without the split). The comments
/// on each value give the phantom measurements that first set them.
public struct DetectionParameters: Sendable, Equatable {
    /// Largest deposit reported as one nodule (mm). Sets the outer scale of the local-contrast
    /// filter: a blob this wide still has soft tissue on all four sides of it.
    public var maxDepositDiameterMM: Double = 20
    /// Components longer than this (bounding-box diagonal, mm) are structures, not deposits:
    /// streaks along fascia up to this length are kept.
    public var maxDepositExtentMM: Double = 45
    /// Smallest deposit reported (mm²); specks under 1 mm are ≈ 0.1–0.8 mm².
    public var minDepositAreaMM2: Double = 0.04
    /// Seed threshold: a deposit's peak local contrast must exceed this many noise σ.
    public var seedSigmas: Double = 3.5
    /// Grow threshold: pixels joined to a seed while their local contrast exceeds this many σ.
    public var growSigmas: Double = 2.0
    /// A deposit's outline: pixels whose local contrast is at least this fraction of the
    /// deposit's peak contrast. Phantoms (median area error for deposits ≥ 2 mm², signed and
    /// absolute): 0.15 → −3 % / 12 %, 0.20 → −7 % / 9 %, 0.25 → −11 % / 11 %, 0.35 → −19 % / 19 %.
    /// 0.20 splits the rim of ~20 mm mottled nodules into extra deposits (sample set: 0.54 false
    /// positives per film against 0.15), which would inflate deposit counts: 0.25 it is.
    public var outlineFraction: Double = 0.25
    /// The measured outline (`OutlineRegrowth`): each reported deposit grows to where the film's
    /// 3×3 mean is this fraction of the way from the local background to the deposit's peak.
    /// Held-back hybrids, prototype (median area error for deposits ≥ 2 mm², signed / absolute,
    /// side B; side A): none −24 % / 27 %; −24 % / 30 %; 0.20 −14 % / 22 %; −15 % / 27 %; 0.25
    /// −15 % / 24 %; −17 % / 25 %; 0.30 −17 % / 24 %; −19 % / 25 %. Own phantoms: none −11 % / 12 %,
    /// 0.20 −6 % / 10 %, 0.25 −7 % / 9 %, 0.30 −8 % / 9 %. 0.25, like `outlineFraction`: 0.20 gains
    /// little and grows more into the texture around.
    public var outlineRegrowFraction: Double = 0.25
    /// The growth is dropped when the grown deposit would be larger than this many times its
    /// detected area (a leak into a structure). Prototype on side-A hybrids at fraction 0.3: a limit
    /// of 4 with a window of half the box on each side gave an absolute error of 25 %; 20 with a
    /// window of 2 boxes 28 %, 50 with 4 boxes 29 % (more deposits grown far too large).
    public var outlineRegrowLimit: Double = 4
    /// Soft-tissue band next to the skin line that is not searched (mm), measured per pixel from
    /// the skin level: the skin itself (1–2 mm thick, blurred) is a thin dense line. Phantoms
    /// (24 films): 1.5 mm gave 6.5 false positives per film, 2 mm 1.4, 2.5 mm 0.9; sensitivity
    /// 0.894 → 0.891.
    public var skinMarginMM: Double = 1.0
    /// Bone: a ridge brighter than the soft tissue on both sides by this many noise σ …
    public var boneRidgeSigmas: Double = 40
    /// … over a region longer than this (mm): longer than any deposit, so nodules are not bone.
    public var boneMinExtentMM: Double = 26
    /// A bone grows from its core over cells at least this fraction of the way from the soft
    /// tissue beside it to the core's level …
    public var boneGrowFraction: Double = 0.5
    /// … up to this far from the core (mm).
    public var boneGrowMM: Double = 15
    /// Deposits are not searched within this distance of bone (mm): cortex edges and
    /// partial-volume pixels at the border of the bone mask.
    public var boneMarginMM: Double = 0.5
    /// Seed threshold over bone, in σ of the bone's own clutter (the small-scale blob contrast
    /// over the searched bone cells, the same MAD estimate as for soft tissue). Trabecular texture
    /// makes deposit-sized blobs there that noise statistics do not describe. Phantoms (46 films
    /// at 0.15–0.2 mm: typical, `over_bone` and the sample set; and 8 deposit-free 3000² films at
    /// 0.1 mm), with `boneMaxElongation` 2: 5 σ gave 9 deposits over bone that were not deposits
    /// (2 on deposit-free films) and found 4 of 36 nodules over bone; 6 σ none at 0.15–0.2 mm and
    /// 4 found, but 3 on the 0.1 mm films (peaks of 6.2 σ); 6.5 and 7 σ none anywhere and 3
    /// found. The nodules missed sit in the texture of the epiphyses (2–5 σ) or within
    /// `boneEdgeMarginMM`. Infinity turns the search over bone off.
    public var boneSeedSigmas: Double = 4
    /// Bone is searched only this far inside the bone map's edge (mm): the cortex seen
    /// tangentially makes a bright curved line near the bone's edge (thick along a shaft, thin
    /// round an epiphysis), whose inner side has blob contrast where the bone flares. Phantoms
    /// (46 films as above, 6 σ seed): 3 mm gave 3 false deposits over bone (1 on a deposit-free
    /// film) and found 5 of 36, 4 mm none and 4, 5 mm none and 4.
    public var boneEdgeMarginMM: Double = 1
    /// Largest elongation of a deposit over bone (square root of the ratio of its principal second
    /// moments, `ComponentShape`): trabecular texture makes streaks along the bone, nodules are
    /// round to oval (the phantoms' are at most 1.7 : 1 before lobes). Phantoms (46 films as
    /// above): at a 6 σ seed, no limit gave 13 false deposits over bone (5 on deposit-free films),
    /// 3 and 2.5 none; at 7 σ no limit gave 5 (2), 2 none, with the same nodules found.
    public var boneMaxElongation: Double = 4.0
    /// A collimator blade's inner edge: a step down across 3 mm of at least this many noise σ …
    public var collimationStepSigmas: Double = 30
    /// … and at least this fraction of the film's range (5th to 95th percentile of ~1 mm cell
    /// means), straight across at least 80 % of the film.
    public var collimationStepFraction: Double = 0.15
    /// Spacing used for the detector's scales when a film has none (mm). Areas are then
    /// reported in pixels only.
    public var assumedSpacingMM: Double = 0.15
    /// Search bone like soft tissue (both scales, the body's own clutter σ), leaving the bone map
    /// to the classifier's features: the candidate stage for the deposit classifier, which must
    /// not lose deposits over bone or in a bone map that a real film's anatomy fooled.
    public var searchesBoneAsSoftTissue = true
    /// How much of the soft tissue's own clutter σ the small-scale measures are divided by
    /// (max(noise σ, weight × clutter σ)): 1 makes a speck stand out from the anatomy's texture
    /// around it, 0 only from the noise, leaving texture to the classifier.
    public var smallClutterWeight: Double = 0.5
    /// The same for the large-scale blob measure.
    public var largeClutterWeight: Double = 1
    /// Split large components at their local contrast maxima (`PeakSplitter`): deposits merged
    /// with a bone's or a cortex's component become candidates of their own.
    public var splitsLargeComponents = true
    /// … at maxima of the local contrast within this radius (mm) …
    public var splitPeakRadiusMM: Double = 0.5
    /// … components whose bounding-box diagonal is at least this (mm) …
    public var splitMinimumExtentMM: Double = 4
    /// … each maximum measured against the component's floor this far away (mm), its region kept
    /// within twice that distance.
    public var splitFloorRadiusMM: Double = 1
    /// The deposit classifier that tells deposits from anatomy among the candidates; nil reports
    /// every candidate (and no score). `init()` takes the built-in model.
    public var classifier: DepositClassifier?
    /// Deposits are reported when their score is at least this; nil: the model's own operating
    /// point (`DepositClassifier.threshold`).
    public var minScore: Double?
    /// Keep each reported deposit's feature vector in the result (`detect features`, training).
    public var keepsFeatures = false

    public init() {
        classifier = DepositClassifier.standard
    }

    /// Default parameters with this classifier (nil: none). `detect features` uses nil, so it
    /// never loads the built-in model: it must run when a new feature list awaits its model.
    public init(classifier: DepositClassifier?) {
        self.classifier = classifier
    }
}

/// The parameters converted to pixels for one film.
struct PixelScales {
    let spacingMM: Double
    let cellSize: Int
    let smallSurround: (radius: Int, distance: Int)
    let largeSurround: (radius: Int, distance: Int)
    let minAreaPx: Int
    let maxExtentPx: Double
    let skinMarginCells: Int
    let boneMarginPx: Int
    let boneEdgeMarginCells: Int

    init(_ p: DetectionParameters, spacingMM: Double) {
        self.spacingMM = spacingMM
        func px(_ mm: Double) -> Int { CheckedConversion.pixels(mm: mm, spacingMM: spacingMM) }
        // About 1 mm cells for the body and bone map and the local noise map.
        cellSize = max(4, px(1.0))
        // Small scale: specks and nodules up to ~4 mm; windows 1.5 mm wide, 3 mm away.
        let smallRadius = max(1, px(0.75))
        smallSurround = (smallRadius, max(smallRadius + 2, px(3.0)))
        // Large scale: nodules up to maxDepositDiameter; windows 4 mm wide beyond the blob's edge.
        let largeRadius = max(2, px(2.0))
        largeSurround = (largeRadius, px(p.maxDepositDiameterMM / 2) + largeRadius + 1)
        minAreaPx = CheckedConversion.pixels(mm: p.minDepositAreaMM2, spacingMM: spacingMM * spacingMM, minimum: 3,
                                             maximum: CheckedConversion.maximumPixelLength * CheckedConversion.maximumPixelLength)
        maxExtentPx = p.maxDepositExtentMM / spacingMM
        skinMarginCells = CheckedConversion.pixels(mm: p.skinMarginMM, spacingMM: Double(cellSize) * spacingMM, minimum: 0, rounding: .up)
        boneMarginPx = px(p.boneMarginMM)
        // Bounded (a margin wider than any film leaves no bone to search), so that no value traps.
        boneEdgeMarginCells = CheckedConversion.pixels(mm: p.boneEdgeMarginMM, spacingMM: Double(cellSize) * spacingMM,
                                                       minimum: 0, rounding: .up)
    }
}
