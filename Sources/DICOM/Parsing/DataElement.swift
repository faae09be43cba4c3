import Radiography

/// One element the reader kept: where its value lies in the file, not a copy of it.
struct DataElement: Sendable {
    let tag: Tag
    /// The VR written in the file (explicit VR) or looked up (implicit VR); nil when implicit
    /// and not in `ElementDictionary`.
    let vr: VR?
    /// For undefined-length elements, the bytes between the header and the closing
    /// Sequence Delimitation Item (for Pixel Data: the encapsulated fragments).
    let value: Range<Int>
    let hasUndefinedLength: Bool
}
