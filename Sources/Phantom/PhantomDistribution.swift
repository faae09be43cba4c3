/// How the calcium deposits of a phantom are spread, as the truth label the classifier is scored on.
///
/// - `none`: no deposit at all (bone, skin and markers only): the film false positives are counted on.
/// - `circumscripta`: all deposits in one small area (a cluster and a few nodules within a
///   radius of 12–25 mm), near the joint when the film has one.
/// - `universalis`: specks, nodules, clusters and streaks spread along the whole limb.
public enum PhantomDistribution: String, Codable, CaseIterable, Sendable {
    case none
    case circumscripta
    case universalis
}
