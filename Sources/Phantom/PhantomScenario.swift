/// The hard cases of the distribution classifier, planted on purpose. `typical` is what the
/// spec's distribution plants on its own; every other scenario fixes the label it makes
/// (`distribution`), and `PhantomSpec.validate()` refuses a spec that asks for another one.
///
/// Labels, from the clinical definitions (circumscripta: confined to a small area, possibly at
/// more than one site; universalis: diffuse through the subcutaneous tissue):
/// - `twoDistantClusters` → circumscripta: two confined foci at opposite ends of the limb with
///   free soft tissue between them are two localised lesions, not diffuse involvement.
/// - `sparseSpread` → universalis: only 5–7 nodules, but one in every stretch of the limb: the
///   involvement is diffuse even though the deposits are few.
/// - `largeNodule` → circumscripta: one mass of 12–18 mm (tumoral-like) is the most confined
///   calcinosis there is, however large its area.
/// - `overBone` → circumscripta: 4–8 nodules within 15 mm of a point over a bone shaft or
///   epiphysis, about half projecting onto the bone (subcutaneous deposits in front of it).
public enum PhantomScenario: String, Codable, CaseIterable, Sendable {
    case typical
    case twoDistantClusters = "two_distant_clusters"
    case sparseSpread = "sparse_spread"
    case largeNodule = "large_nodule"
    case overBone = "over_bone"

    /// The distribution this scenario makes; nil for `typical` (the spec's own).
    public var distribution: PhantomDistribution? {
        switch self {
        case .typical: return nil
        case .twoDistantClusters, .largeNodule, .overBone: return .circumscripta
        case .sparseSpread: return .universalis
        }
    }
}
