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
/// Every component is measured (the deposit classifier reads the elongation too), from the
/// candidate list (every outline pixel is a candidate), so the cost is a pass over a few per cent
/// of the pixels.
struct ComponentShape {
    /// Per deposit label (0 unused): whether it lies over bone.
    var isBone: [Bool]
    private var n: [Double], sx: [Double], sy: [Double], sxx: [Double], syy: [Double], sxy: [Double]

    /// `candidates` calls its argument with every candidate pixel (index, column, row), in
    /// raster order; `overBone` says whether a pixel lies in the searched bone.
    init(labels: UnsafeBufferPointer<Int32>, count: Int, candidates: ((Int, Int, Int) -> Void) -> Void,
         overBone: (_ x: Int, _ y: Int) -> Bool) {
        var isBone = [Bool](repeating: false, count: count + 1)
        var n = [Double](repeating: 0, count: count + 1)
        var sx = n, sy = n, sxx = n, syy = n, sxy = n
        isBone.withUnsafeMutableBufferPointer { isBone in
        n.withUnsafeMutableBufferPointer { n in
        sx.withUnsafeMutableBufferPointer { sx in
        sy.withUnsafeMutableBufferPointer { sy in
        sxx.withUnsafeMutableBufferPointer { sxx in
        syy.withUnsafeMutableBufferPointer { syy in
        sxy.withUnsafeMutableBufferPointer { sxy in
        withoutActuallyEscaping(overBone) { overBone in
            candidates { i, px, py in
                let id = Int(labels[i])
                guard id != 0 else { return }
                if overBone(px, py) { isBone[id] = true }
                let x = Double(px), y = Double(py)
                n[id] += 1
                sx[id] += x; sy[id] += y
                sxx[id] += x * x; syy[id] += y * y; sxy[id] += x * y
            }
        }}}}}}}}
        self.isBone = isBone
        self.n = n
        self.sx = sx; self.sy = sy; self.sxx = sxx; self.syy = syy; self.sxy = sxy
    }

    func elongation(_ id: Int) -> Double {
        Self.elongation(n: n[id], sx: sx[id], sy: sy[id], sxx: sxx[id], syy: syy[id], sxy: sxy[id])
    }

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
