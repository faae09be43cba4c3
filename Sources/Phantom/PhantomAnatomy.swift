/// The limb a phantom shows, in a frontal (AP) projection with the limb along the film's long side.
///
/// Each anatomy fixes the soft-tissue size and the bones (see `PhantomScene`): a forearm has two
/// parallel shafts (radius, ulna); a knee and an elbow have a joint with bulbous epiphyses and a
/// 2–4 mm joint space; a thigh has one thick femoral shaft in a wide soft-tissue cylinder.
public enum PhantomAnatomy: String, Codable, CaseIterable, Sendable {
    case forearm
    case knee
    case thigh
    case elbow
}
