import Foundation

/// Scattered radiation reaching the detector: a broad glow that lowers contrast over thick tissue,
/// spills over the skin line into the air and into the collimated band.
///
/// Model: each patient region sends toward the detector a share of the photons it scatters,
/// `N_in · (1 − e^(−A)) · e^(−A/2)` (interactions, attenuated on the way out), spread by a
/// Gaussian of σ 15–25 mm (the spread of single scatter over a limb's thickness). The field is
/// scaled so that behind the soft tissue at the limb's centre scatter / primary equals the
/// scene's ratio (0.1–0.5 by anatomy, as measured on extremity films with and without grid).
/// It is computed on a ~1 mm grid and interpolated: it has no detail finer than centimetres.
enum ScatterField {
    static func counts(projection: Projection, scene: PhantomScene) -> [Float] {
        let spec = scene.spec, detector = scene.detector
        let width = spec.width, height = spec.height, s = spec.spacingMM
        let factor = max(1, Int((1 / s).rounded()))
        let cw = (width + factor - 1) / factor, ch = (height + factor - 1) / factor
        var source = [Float](repeating: 0, count: cw * ch)
        var cellCount = [Float](repeating: 0, count: cw * ch)
        let marker = Projection.Tissue.marker.rawValue
        let blade = scene.bladeIntegral
        projection.integral.withUnsafeBufferPointer { integral in
        projection.beamOpen.withUnsafeBufferPointer { beamOpen in
        projection.tissue.withUnsafeBufferPointer { tissue in
        source.withUnsafeMutableBufferPointer { source in
        cellCount.withUnsafeMutableBufferPointer { cellCount in
            for row in 0..<height {
                let heel = DetectorModel.heelFactor(row: row, column: 0, width: width, height: height, heel: detector.heel)
                let heelAtEnd = DetectorModel.heelFactor(row: row, column: width - 1, width: width, height: height, heel: detector.heel)
                let heelStep = width > 1 ? (heelAtEnd - heel) / Double(width - 1) : 0
                for col in 0..<width {
                    let i = row * width + col
                    let open = Double(beamOpen[i])
                    // The patient's own line integral: without the blade's share and without the
                    // marker, which lies on the detector behind the patient.
                    let body = tissue[i] == marker ? 0 : max(Double(integral[i]) - (1 - open) * blade, 0)
                    let incident = detector.n0 * open * (heel + heelStep * Double(col))
                    let c = (row / factor) * cw + col / factor
                    source[c] += Float(incident * (1 - exp(-body)) * exp(-body / 2))
                    cellCount[c] += 1
                }
            }
        }}}}}
        for c in source.indices where cellCount[c] > 0 { source[c] /= cellCount[c] }
        let sigma = detector.scatterSigmaMM / (Double(factor) * s)
        GaussianFilter.blur(&source, width: cw, height: ch, sigmaX: sigma, sigmaY: sigma)

        // Scale: scatter/primary at the limb's centre, primary behind its soft tissue.
        let centre = scene.limb.filmPoint(u: 0, v: 0)
        let cx = min(max(centre.x / s / Double(factor), 0), Double(cw - 1))
        let cy = min(max(centre.y / s / Double(factor), 0), Double(ch - 1))
        let atCentre = Double(source[Int(cy) * cw + Int(cx)])
        let scale = atCentre > 0 ? detector.scatterToPrimary * scene.primaryBehindSoftTissue / atCentre : 0

        var field = [Float](repeating: 0, count: width * height)
        let gain = Float(scale)
        source.withUnsafeBufferPointer { source in
        field.withUnsafeMutableBufferPointer { field in
            for row in 0..<height {
                let gy = min(max((Double(row) + 0.5) / Double(factor) - 0.5, 0), Double(ch - 1))
                let y0 = min(Int(gy), ch - 1), y1 = min(y0 + 1, ch - 1), fy = Float(gy - Double(y0))
                for col in 0..<width {
                    let gx = min(max((Double(col) + 0.5) / Double(factor) - 0.5, 0), Double(cw - 1))
                    let x0 = min(Int(gx), cw - 1), x1 = min(x0 + 1, cw - 1), fx = Float(gx - Double(x0))
                    let top = source[y0 * cw + x0] + (source[y0 * cw + x1] - source[y0 * cw + x0]) * fx
                    let bottom = source[y1 * cw + x0] + (source[y1 * cw + x1] - source[y1 * cw + x0]) * fx
                    field[row * width + col] = gain * (top + (bottom - top) * fy)
                }
            }
        }}
        return field
    }
}
