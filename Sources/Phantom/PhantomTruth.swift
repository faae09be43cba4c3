import Foundation

/// Everything the generator knows about a film, as the detector's tests score against it.
///
/// JSON keys are snake_case and spelled out in `CodingKeys`, so any JSON reader (Python's
/// `json`, a default `JSONDecoder`) reads the file without key strategies. Pixel coordinates:
/// x = column, y = row, origin at the centre of the top-left pixel; boxes are `[x, y, w, h]`
/// in whole pixels.
public struct PhantomTruth: Codable, Sendable, Equatable {
    /// Generator name and model version; a change of the physical model bumps it.
    public var generator: String
    public var anatomy: PhantomAnatomy
    /// The label of the film as made: the spec's distribution, or `none` if no deposit fitted.
    public var distribution: PhantomDistribution
    public var seed: UInt64
    public var width: Int
    public var height: Int
    /// `[row, column]` spacing in mm (DICOM order).
    public var pixelSpacingMM: [Double]
    public var deposits: [Deposit]
    public var bones: [Bone]
    public var markers: [Marker]
    /// Collimator blades (empty when the spec asked for none).
    public var collimation: [CollimatorBlade]
    public var detector: Detector

    public init(generator: String, anatomy: PhantomAnatomy, distribution: PhantomDistribution,
                seed: UInt64, width: Int, height: Int, pixelSpacingMM: [Double], deposits: [Deposit],
                bones: [Bone], markers: [Marker], collimation: [CollimatorBlade], detector: Detector) {
        self.generator = generator
        self.anatomy = anatomy
        self.distribution = distribution
        self.seed = seed
        self.width = width
        self.height = height
        self.pixelSpacingMM = pixelSpacingMM
        self.deposits = deposits
        self.bones = bones
        self.markers = markers
        self.collimation = collimation
        self.detector = detector
    }

    enum CodingKeys: String, CodingKey {
        case generator, anatomy, distribution, seed, width, height
        case pixelSpacingMM = "pixel_spacing_mm"
        case deposits, bones, markers, collimation, detector
    }

    /// The shape class of a deposit; clusters are several `cluster` deposits sharing a `group`.
    public enum DepositKind: String, Codable, Sendable, CaseIterable {
        /// Dense dot, 0.3–1 mm.
        case speck
        /// Round or oval nodule, 1–20 mm.
        case nodule
        /// One of 5–15 small nodules (0.8–3 mm) lying within 10–20 mm of each other.
        case cluster
        /// Thin line along a fascia, 0.5–1.5 mm wide and 8–40 mm long, parallel to the limb.
        case streak
    }

    /// One calcium deposit: an ellipsoid in the soft tissue, measured on its label mask.
    public struct Deposit: Codable, Sendable, Equatable {
        /// 1-based; the value of this deposit's pixels in the label mask.
        public var id: Int
        public var kind: DepositKind
        /// For `cluster` deposits, the number of the cluster they belong to (1-based); nil otherwise.
        public var group: Int?
        /// Mean `[x, y]` of the mask pixels, in pixels.
        public var centroid: [Double]
        /// `[x, y, w, h]` of the mask pixels.
        public var bbox: [Int]
        /// Pixels in the label mask (pixel centres inside the projected outline).
        public var areaPx: Int
        /// `area_px` × pixel area.
        public var areaMM2: Double
        /// Expected peak contrast over the local noise: (noiseless blurred film with the deposit −
        /// without it) at its maximum, over the quantum + electronic + rounding noise σ of the film
        /// there, in film units. About 3 is at the edge of visibility; 50 is obvious.
        public var peakSNR: Double
        /// Linear attenuation coefficient of the deposit, per mm.
        public var muPerMM: Double
        /// Full in-plane axes `[length, width]` of the ellipsoid in mm, and its depth along the beam.
        public var sizeMM: [Double]
        public var depthMM: Double
        /// Only in the `over_bone` scenario: true when at least half of the deposit's footprint
        /// projects onto bone. Absent (nil) otherwise, so other truth files are unchanged.
        public var overBone: Bool?

        public init(id: Int, kind: DepositKind, group: Int?, centroid: [Double], bbox: [Int],
                    areaPx: Int, areaMM2: Double, peakSNR: Double, muPerMM: Double,
                    sizeMM: [Double], depthMM: Double, overBone: Bool? = nil) {
            self.id = id
            self.kind = kind
            self.group = group
            self.centroid = centroid
            self.bbox = bbox
            self.areaPx = areaPx
            self.areaMM2 = areaMM2
            self.peakSNR = peakSNR
            self.muPerMM = muPerMM
            self.sizeMM = sizeMM
            self.depthMM = depthMM
            self.overBone = overBone
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, group, centroid, bbox
            case areaPx = "area_px"
            case areaMM2 = "area_mm2"
            case peakSNR = "peak_snr"
            case muPerMM = "mu_per_mm"
            case sizeMM = "size_mm"
            case depthMM = "depth_mm"
            case overBone = "over_bone"
        }
    }

    /// One bone on the film, described for a person reading the truth file.
    public struct Bone: Codable, Sendable, Equatable {
        public var name: String
        /// Shaft outer radius and medulla radius in mm.
        public var outerRadiusMM: Double
        public var medullaRadiusMM: Double
        /// Widest half-width of its epiphysis (0 for a shaft that runs off the film).
        public var epiphysisRadiusMM: Double
        public var description: String

        public init(name: String, outerRadiusMM: Double, medullaRadiusMM: Double,
                    epiphysisRadiusMM: Double, description: String) {
            self.name = name
            self.outerRadiusMM = outerRadiusMM
            self.medullaRadiusMM = medullaRadiusMM
            self.epiphysisRadiusMM = epiphysisRadiusMM
            self.description = description
        }

        enum CodingKeys: String, CodingKey {
            case name
            case outerRadiusMM = "outer_radius_mm"
            case medullaRadiusMM = "medulla_radius_mm"
            case epiphysisRadiusMM = "epiphysis_radius_mm"
            case description
        }
    }

    /// A lead letter lying on the detector beside the limb (`text` its letter), or a metal
    /// surgical clip in the limb (`text` "clip").
    public struct Marker: Codable, Sendable, Equatable {
        public var text: String
        /// `[x, y, w, h]` in pixels.
        public var bbox: [Int]
        public init(text: String, bbox: [Int]) {
            self.text = text
            self.bbox = bbox
        }
    }

    /// A collimator blade: the beam is blocked beyond a straight line near one film edge.
    public struct CollimatorBlade: Codable, Sendable, Equatable {
        /// `top`, `bottom`, `left` or `right`.
        public var edge: String
        /// Depth of the blocked band from that edge, in pixels, at the middle of the edge.
        public var depthPx: Double
        /// Tilt of the blade's line against the edge, in degrees.
        public var angleDeg: Double
        public init(edge: String, depthPx: Double, angleDeg: Double) {
            self.edge = edge
            self.depthPx = depthPx
            self.angleDeg = angleDeg
        }
        enum CodingKeys: String, CodingKey {
            case edge
            case depthPx = "depth_px"
            case angleDeg = "angle_deg"
        }
    }

    /// The detector model, enough to predict the noise of any pixel from its value:
    /// `N = n0 · exp(−(v − offset) / gain)` counts (primary + scatter), σ_v² = gain² · (N + e²) / N² + 1/12.
    public struct Detector: Codable, Sendable, Equatable {
        /// Reference incident counts per pixel (the log's reference: air at the reference reads `offset`).
        public var n0: Double
        /// Film units per unit of attenuation line integral.
        public var gain: Double
        /// Film value of unattenuated beam at the reference intensity.
        public var offset: Double
        /// Electronic noise σ in counts.
        public var electronicNoise: Double
        /// σ of the Gaussian blur (detector + focal spot) in pixels.
        public var blurSigmaPx: Double
        /// Anode heel effect: incident counts vary by this fraction from one end of the long axis to the other.
        public var heel: Double
        /// Scatter / primary behind the soft tissue at the limb's centre, and the spread of the
        /// scatter (Gaussian σ in mm).
        public var scatterToPrimary: Double
        public var scatterSigmaMM: Double
        public var bitsStored: Int

        public init(n0: Double, gain: Double, offset: Double, electronicNoise: Double,
                    blurSigmaPx: Double, heel: Double, scatterToPrimary: Double, scatterSigmaMM: Double, bitsStored: Int) {
            self.n0 = n0
            self.gain = gain
            self.offset = offset
            self.electronicNoise = electronicNoise
            self.blurSigmaPx = blurSigmaPx
            self.heel = heel
            self.scatterToPrimary = scatterToPrimary
            self.scatterSigmaMM = scatterSigmaMM
            self.bitsStored = bitsStored
        }

        enum CodingKeys: String, CodingKey {
            case n0, gain, offset
            case electronicNoise = "electronic_noise"
            case blurSigmaPx = "blur_sigma_px"
            case heel
            case scatterToPrimary = "scatter_to_primary"
            case scatterSigmaMM = "scatter_sigma_mm"
            case bitsStored = "bits_stored"
        }

        /// Expected noise σ in film units at film value `v` (before clamping to 12 bits).
        public func noiseSigma(atValue v: Double) -> Double {
            let counts = n0 * exp(-(v - offset) / gain)
            return (gain * gain * (counts + electronicNoise * electronicNoise) / (counts * counts) + 1.0 / 12.0).squareRoot()
        }
    }
}

