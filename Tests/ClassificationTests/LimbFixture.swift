import Detection

/// A synthetic detector result with a body of known size: a 60 mm × 200 mm limb on 1 mm cells
/// (spacing 0.1 mm, cells of 10 px) with a 10 mm wide bone along its middle, and deposits placed
/// by hand in mm, so every expected figure follows from the geometry.
enum LimbFixture {
    static let spacingMM = 0.1
    /// Body cells x 20..<80, y 10..<210; bone x 45..<55 over the same rows.
    static let bodyAreaMM2 = 60.0 * 200
    static let boneAreaMM2 = 10.0 * 200

    /// `sizeMM` is the side of the deposit's square box.
    static func detection(_ deposits: [(x: Double, y: Double, sizeMM: Double)], columns: Int = 100, rows: Int = 220,
                          bodyX: Range<Int> = 20..<80, bodyY: Range<Int> = 10..<210, boneX: Range<Int> = 45..<55) -> DetectionResult {
        var cells = [UInt8](repeating: 0, count: columns * rows)
        var bone = cells
        for y in bodyY {
            for x in bodyX { cells[y * columns + x] = 1 }
            for x in boneX where bodyX.contains(x) { bone[y * columns + x] = 1 }
        }
        let list = deposits.enumerated().map { i, d -> Deposit in
            let side = max(1, Int((d.sizeMM / spacingMM).rounded()))
            let x0 = Int((d.x / spacingMM).rounded()) - side / 2, y0 = Int((d.y / spacingMM).rounded()) - side / 2
            return Deposit(id: i + 1, areaPx: side * side, bbox: PixelBox(x: x0, y: y0, width: side, height: side),
                           centroidX: Double(x0) + Double(side - 1) / 2, centroidY: Double(y0) + Double(side - 1) / 2,
                           mean: 1000, peak: 1100, contrast: 100, peakSNR: 20)
        }
        return DetectionResult(deposits: list, labels: LabelImage(width: 1, height: 1, labels: [0]),
                               body: BodyMap(cellSize: 10, columns: columns, rows: rows, cells: cells, bone: bone),
                               noiseSigma: 3, spacingMM: spacingMM)
    }
}
