import Radiography

/// The one place where the detector's parameters are checked.
///
/// Every `Double` field has a range in which the detector is defined (lengths up to a metre,
/// σ multiples up to 1000, fractions 0–1); outside it the mm→pixel scales would be absurd and
/// NaN or ±infinity would reach integer conversions. `validated()` refuses such a value with a
/// message naming the field (for the command line and library callers that want to know);
/// `DepositDetector.detect` always runs on `clampedToRanges`, so a caller that skipped the
/// check gets bounded behaviour, never a trap.
extension DetectionParameters {
    /// One checked field: its name as `detect features --set` spells it, where it lives and its
    /// range; `allowsInfinity` for the one field whose documented "off" value is +∞.
    public struct Field: Sendable {
        public let name: String
        public let keyPath: WritableKeyPath<DetectionParameters, Double> & Sendable
        public let range: ClosedRange<Double>
        public let allowsInfinity: Bool

        init(_ name: String, _ keyPath: WritableKeyPath<DetectionParameters, Double> & Sendable,
             _ range: ClosedRange<Double>, allowsInfinity: Bool = false) {
            self.name = name
            self.keyPath = keyPath
            self.range = range
            self.allowsInfinity = allowsInfinity
        }

        func accepts(_ v: Double) -> Bool { range.contains(v) || (allowsInfinity && v == .infinity) }

        /// NaN → the default value; otherwise the nearest bound (+∞ kept where it means "off").
        func clamp(_ v: Double, default d: Double) -> Double {
            if v.isNaN { return d }
            if allowsInfinity && v == .infinity { return v }
            return min(max(v, range.lowerBound), range.upperBound)
        }
    }

    /// Lengths up to 1 m (a film is at most ~0.43 m), σ multiples up to 1000, fractions 0–1,
    /// clutter weights up to 100, the assumed spacing in `PixelSpacing.plausibleRangeMM`.
    public static let fields: [Field] = [
        Field("max_diameter_mm", \.maxDepositDiameterMM, 0...1000),
        Field("max_extent_mm", \.maxDepositExtentMM, 0...1000),
        Field("min_area_mm2", \.minDepositAreaMM2, 0...1_000_000),
        Field("seed_sigmas", \.seedSigmas, 0...1000),
        Field("grow_sigmas", \.growSigmas, 0...1000),
        Field("outline_fraction", \.outlineFraction, 0...1),
        Field("outline_regrow_fraction", \.outlineRegrowFraction, 0...1),
        Field("outline_regrow_limit", \.outlineRegrowLimit, 1...1000),
        Field("skin_margin_mm", \.skinMarginMM, 0...1000),
        Field("bone_ridge_sigmas", \.boneRidgeSigmas, 0...1000),
        Field("bone_min_extent_mm", \.boneMinExtentMM, 0...1000),
        Field("bone_grow_fraction", \.boneGrowFraction, 0...1),
        Field("bone_grow_mm", \.boneGrowMM, 0...1000),
        Field("bone_margin_mm", \.boneMarginMM, 0...1000),
        Field("bone_seed_sigmas", \.boneSeedSigmas, 0...1000, allowsInfinity: true),
        Field("bone_edge_margin_mm", \.boneEdgeMarginMM, 0...1000),
        Field("bone_max_elongation", \.boneMaxElongation, 0...1000),
        Field("collimation_step_sigmas", \.collimationStepSigmas, 0...1000),
        Field("collimation_step_fraction", \.collimationStepFraction, 0...1),
        Field("assumed_spacing_mm", \.assumedSpacingMM, PixelSpacing.plausibleRangeMM),
        Field("small_clutter_weight", \.smallClutterWeight, 0...100),
        Field("large_clutter_weight", \.largeClutterWeight, 0...100),
        Field("split_peak_radius_mm", \.splitPeakRadiusMM, 0...1000),
        Field("split_extent_mm", \.splitMinimumExtentMM, 0...1000),
        Field("split_floor_mm", \.splitFloorRadiusMM, 0...1000),
    ]

    /// Every field outside its range, one message each ("seed_sigmas is nan; it must be from 0 to 1000").
    public var problems: [String] {
        var out: [String] = []
        for field in Self.fields where !field.accepts(self[keyPath: field.keyPath]) {
            out.append("\(field.name) is \(self[keyPath: field.keyPath]); it must be from \(NumberText.plain(field.range.lowerBound)) to \(NumberText.plain(field.range.upperBound))"
                       + (field.allowsInfinity ? " (or infinity)" : ""))
        }
        if let minScore, !(0...1).contains(minScore) {
            out.append("min_score is \(minScore); it must be from 0 to 1")
        }
        return out
    }

    /// These parameters, or an error listing every field outside its range.
    public func validated() throws -> DetectionParameters {
        let problems = problems
        guard problems.isEmpty else { throw FilmError(.malformed, "detection parameters: " + problems.joined(separator: "; ")) }
        return self
    }

    /// Every field brought into its range (NaN to its default, others to the nearest bound).
    public var clampedToRanges: DetectionParameters {
        var copy = self
        let defaults = DetectionParameters(classifier: nil)
        for field in Self.fields {
            copy[keyPath: field.keyPath] = field.clamp(self[keyPath: field.keyPath], default: defaults[keyPath: field.keyPath])
        }
        if let minScore { copy.minScore = minScore.isNaN ? nil : min(max(minScore, 0), 1) }
        return copy
    }

    /// The spacing the detector's scales use for this film (mm): the film's mean spacing when it
    /// is in `PixelSpacing.plausibleRangeMM`, else `assumedSpacingMM` (clamped to that range).
    public func spacingMM(for film: Radiograph) -> Double {
        if let spacing = film.spacing, spacing.isInPlausibleRange { return spacing.mean }
        return clampedToRanges.assumedSpacingMM
    }
}
