import Foundation

/// One deposit's shape in pixels, from its own pixels in the final label image: what the
/// ImageJ-style measures (perimeter, circularity, Feret diameters, fitted ellipse, equivalent
/// diameter) are made of, in mm or in pixels, by `measures(rowSpacing:columnSpacing:)`.
///
/// Where scikit-image's `regionprops` has the measure, the definition is its one, so that
/// `scripts/regionprops-check` can hold detect to an independent implementation:
/// - perimeter: `regionprops`' `perimeter` (scikit-image's `perimeter` with the 4-neighbourhood):
///   the border pixels (those with a 4-neighbour outside) weighted by their configuration of
///   border neighbours, 1 for a straight run, √2 for a diagonal step, (1 + √2)/2 for a corner.
///   It runs through the centres of the border pixels, so it is shorter than the outline of the
///   pixel squares; a region of one or two pixels has perimeter 0.
/// - second moments: the variances and covariance of the pixel centres (`inertia_tensor`, no
///   1/12 for the pixel's own extent), from which the ellipse's axes are 4√λ.
/// - Feret diameters: over the convex hull of `feret_diameter_max`'s points, the midpoints of the
///   pixel edges between the convex hull image (`image_convex`) and the outside.
///
/// Computed once per deposit on its bounding box: deposits are few and small (30 discs of radius
/// 8–37 px took about 2.5 ms, against 60–110 ms for the whole measure stage of a film).
public struct DepositShape: Sendable, Equatable {
    /// Pixels in the deposit, as counted here (equal to `Deposit.areaPx`).
    public var areaPx: Int
    /// scikit-image's `perimeter` (4-neighbourhood), in px (see above).
    public var perimeterPx: Double
    /// The pixel centres' variances and covariance (px²): x = column, y = row, y down.
    public var varianceX: Double
    public var varianceY: Double
    public var covarianceXY: Double
    /// The convex hull the Feret diameters are taken over, counter-clockwise by the numbers
    /// (clockwise on a y-down screen); px, x = column, origin at the centre of the top-left pixel
    /// (as `Deposit.centroidX`).
    public var feretHull: [ConvexHull.Point]

    public init(areaPx: Int, perimeterPx: Double, varianceX: Double, varianceY: Double, covarianceXY: Double,
                feretHull: [ConvexHull.Point]) {
        self.areaPx = areaPx
        self.perimeterPx = perimeterPx
        self.varianceX = varianceX
        self.varianceY = varianceY
        self.covarianceXY = covarianceXY
        self.feretHull = feretHull
    }

    /// The measures with each pixel `rowSpacing` tall and `columnSpacing` wide (mm, or 1 and 1
    /// for pixels): lengths in that unit, the angle and circularity without one.
    ///
    /// Lengths are exact under non-square pixels where they are geometry (Feret diameters over
    /// the scaled hull, the ellipse from the scaled moments); the perimeter, a weighted count of
    /// pixel configurations, is scaled by √(row × column), so that the circularity is the same
    /// in mm and in pixels.
    public func measures(rowSpacing: Double, columnSpacing: Double) -> ShapeMeasures {
        let sx = columnSpacing, sy = rowSpacing
        let perimeter = perimeterPx * (sx * sy).squareRoot()
        let area = Double(areaPx) * sx * sy
        // ImageJ's circularity, clamped to 1 as ImageJ does (small digitised discs can exceed it).
        let circularity = perimeter > 0 ? min(1, 4 * Double.pi * area / (perimeter * perimeter)) : nil

        let a = varianceX * sx * sx, c = varianceY * sy * sy, b = covarianceXY * sx * sy
        let half = (a - c) / 2, root = (half * half + b * b).squareRoot()
        let largest = (a + c) / 2 + root, smallest = max((a + c) / 2 - root, 0)
        // The major axis's direction from +x towards +y (y down), then ImageJ's angle:
        // counter-clockwise on screen from the x axis, 0 ≤ angle < 180.
        let down = 0.5 * atan2(2 * b, a - c) * 180 / Double.pi
        var angle = (-down).truncatingRemainder(dividingBy: 180)
        if angle < 0 { angle += 180 }
        if angle >= 180 { angle = 0 }

        // An affine map keeps a hull a hull: scale its vertices.
        let hull = feretHull.map { ConvexHull.Point(x: $0.x * sx, y: $0.y * sy) }
        return ShapeMeasures(perimeter: perimeter, circularity: circularity,
                             feretMax: ConvexHull.diameter(hull), feretMin: ConvexHull.width(hull),
                             majorAxis: 4 * largest.squareRoot(), minorAxis: 4 * smallest.squareRoot(), angleDegrees: angle,
                             equivalentDiameter: (4 * area / Double.pi).squareRoot())
    }
}

/// A deposit's ImageJ-style measures in one unit of length (mm, or px): see `DepositShape`.
public struct ShapeMeasures: Sendable, Equatable {
    public var perimeter: Double
    /// 4π area / perimeter², at most 1; nil when the perimeter is 0.
    public var circularity: Double?
    /// Largest and smallest caliper widths (Feret's diameters) over the hull.
    public var feretMax: Double
    public var feretMin: Double
    /// Full axes of the ellipse with the same second moments.
    public var majorAxis: Double
    public var minorAxis: Double
    /// The major axis, degrees counter-clockwise on screen from the x axis, 0 ≤ angle < 180
    /// (ImageJ's convention); 0 when the moments have no direction (a disc).
    public var angleDegrees: Double
    /// The diameter of the disc with the same area, √(4 area / π).
    public var equivalentDiameter: Double
}
