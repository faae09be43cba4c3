/// Linear attenuation coefficients (per mm) of the phantom's materials at an effective beam
/// energy near 45 keV, the range of extremity radiography (50–60 kVp, filtered).
///
/// Why these values: NIST XCOM mass attenuation at 40–50 keV times density gives water
/// 0.023–0.027 /mm, adipose ≈ 0.020, cortical bone (1.92 g/cm³) 0.08–0.13, hydroxyapatite
/// (3.1 g/cm³) ≈ 0.28. Real extremity films transmit 5–20 % behind bone; a cortex of 0.5 /mm
/// would transmit 0.25 % through a 12 mm cortical tangent and saturate every bone edge, so the
/// cortex is kept physical and the deposits' density range is what spans the contrast range.
enum Attenuation {
    static let fat = 0.020
    static let muscle = 0.025
    static let skin = 0.027
    /// Fatty/red marrow of a diaphysis.
    static let marrow = 0.026
    /// Cancellous bone with marrow in an epiphysis.
    static let spongiosa = 0.040
    static let cortex = 0.10
    /// Calcinosis deposits: chalky (mixed with soft tissue) to dense hydroxyapatite.
    static let depositLow = 0.06
    static let depositHigh = 0.30
    /// What a deposit displaces: the mean of fat and muscle.
    static let displacedSoftTissue = 0.0225
    /// Largest line integral through one deposit (its μ × depth): a large chalky mass is about as
    /// opaque as a bone, not as a lead marker.
    static let maximumDepositIntegral = 1.5
    /// Fractional low-frequency variation of muscle density (layering, vessels, fasciae).
    static let muscleVariation = 0.04
    /// Trabecular texture amplitude per mm of medulla: 0.6 % of cortex in a shaft, 3 % in an epiphysis (over a 50 mm epiphyseal path that is ±0.15 in A, a visible grain, not static).
    static let textureShaft = 0.0006
    static let textureEpiphysis = 0.003
}
