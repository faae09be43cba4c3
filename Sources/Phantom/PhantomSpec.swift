import Radiography

/// What to generate: the scenario of one phantom film. The same spec always gives the same film.
public struct PhantomSpec: Sendable, Equatable {
    public var anatomy: PhantomAnatomy
    public var distribution: PhantomDistribution
    /// Film size in pixels; the limb runs along the longer side.
    public var width: Int
    public var height: Int
    /// Isotropic pixel spacing in mm (projection films: 0.1–0.2 mm).
    public var spacingMM: Double
    /// Everything random (sizes, positions, exposure, noise) follows from this seed.
    public var seed: UInt64
    /// Adds one or two collimator blades: bands along film edges where the beam was blocked.
    public var collimation: Bool
    /// Adds a lead side marker ("R" or "L", 8–12 mm) in the air beside the limb, when there is room.
    public var marker: Bool
    /// Adds two to five metal surgical clips in the limb (`SurgicalClip`): false positives to reject.
    public var clips: Bool
    /// A hard case for the distribution classifier (see `PhantomScenario`); `typical` plants
    /// what `distribution` describes.
    public var scenario: PhantomScenario
    /// Moves the limb this far (mm) across the film, after every random draw, so one side of it
    /// runs off the film: a film that shows only part of a limb. 0 keeps the limb centred (± 4 %).
    public var limbOffsetMM: Double

    public init(
        anatomy: PhantomAnatomy, distribution: PhantomDistribution,
        width: Int = 1200, height: Int = 1500, spacingMM: Double = 0.15, seed: UInt64 = 1,
        collimation: Bool = false, marker: Bool = false, scenario: PhantomScenario = .typical, limbOffsetMM: Double = 0,
        clips: Bool = false
    ) {
        self.anatomy = anatomy
        self.distribution = distribution
        self.width = width
        self.height = height
        self.spacingMM = spacingMM
        self.seed = seed
        self.collimation = collimation
        self.marker = marker
        self.clips = clips
        self.scenario = scenario
        self.limbOffsetMM = limbOffsetMM
    }

    /// Largest film generated (pixels per side): a 41 cm plate at 0.1 mm. Generation needs about
    /// 60 bytes per pixel of working memory (1 GB at 4096²).
    public static let maximumSide = 4096

    /// Throws when the spec cannot make a film: sides of 64…4096 pixels, spacing 0.02…1 mm, a
    /// limb offset beyond ±500 mm, or a scenario that makes another distribution than the spec's.
    /// `PhantomGenerator.make` requires a valid spec.
    public func validate() throws {
        guard (64...Self.maximumSide).contains(width), (64...Self.maximumSide).contains(height) else {
            throw FilmError(.malformed, "phantom size \(width)×\(height) is outside 64…\(Self.maximumSide) pixels per side")
        }
        guard spacingMM.isFinite, (0.02...1.0).contains(spacingMM) else {
            throw FilmError(.malformed, "phantom pixel spacing \(spacingMM) mm is outside 0.02…1 mm")
        }
        guard limbOffsetMM.isFinite, abs(limbOffsetMM) <= 500 else {
            throw FilmError(.malformed, "phantom limb offset \(limbOffsetMM) mm is outside ±500 mm")
        }
        if let required = scenario.distribution, required != distribution {
            throw FilmError(.malformed, "phantom scenario \(scenario.rawValue) makes a \(required.rawValue) film, not \(distribution.rawValue)")
        }
    }
}
