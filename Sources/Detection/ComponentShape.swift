/// How elongated each deposit found over bone is: the square root of the ratio of the largest to
/// the smallest principal second moment of its pixels (1 for a disc, 2 for an ellipse twice as
/// long as it is wide).
///
/// Why: trabecular texture runs along the bone (trabeculae follow the lines of stress), so the
/// blobs it makes are streaks, while a nodule projected over the bone is round to oval. On the
/// phantoms 14 of the 15 texture blobs over bone that reached 5 σ of the bone's clutter had
/// elongations of 1.9–8, the nodules over bone 1.1–1.4 (`DetectionParameters.boneMaxElongation`).
/// Each pixel counts as a unit square (variance 1/12 along each axis), so a one-pixel-wide line
/// has a finite elongation.
///
/// Every component is measured (the deposit classifier reads the elongation too), from sums
/// gathered in the labelling pass (`DepositMeasures`) or over a split region's pixels
/// (`PeakSplitter`).
enum ComponentShape {
    /// The elongation from a pixel set's sums (count, Σx, Σy, Σx², Σy², Σxy).
    static func elongation(n: Double, sx: Double, sy: Double, sxx: Double, syy: Double, sxy: Double) -> Double {
        guard n > 0 else { return 1 }
        let mx = sx / n, my = sy / n
        let a = sxx / n - mx * mx + 1.0 / 12, c = syy / n - my * my + 1.0 / 12
        let b = sxy / n - mx * my
        let half = (a - c) / 2, root = (half * half + b * b).squareRoot()
        let largest = (a + c) / 2 + root, smallest = max((a + c) / 2 - root, 1.0 / 12)
        return (largest / smallest).squareRoot()
    }
}
