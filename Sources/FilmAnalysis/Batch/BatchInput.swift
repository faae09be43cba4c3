import Radiography

/// One film of a batch: where it is, and where it sits relative to what the user named.
public struct BatchInput: Sendable, Hashable {
    /// The path as written in reports: the folder as given joined with the path inside it, or
    /// the file as given. Resume and merge match films by this string, so shards and resumed runs
    /// must name their inputs the same way.
    public var path: String
    /// The path inside the folder that was given (`knee/a.dcm`), or the path as given for a file
    /// named directly. Shards hash it; overlays mirror it.
    public var relativePath: String
    /// True when the film was found inside a folder (so it has been recognised by content).
    public var foundInFolder: Bool
    /// The format its first bytes show, as the walk read them for a film found in a folder; nil
    /// for a file named directly, which is not read before its analysis (`InputWalker.format(ofFileAt:)`
    /// reads them when they are needed first).
    public var format: ImageFormat?

    public init(path: String, relativePath: String, foundInFolder: Bool, format: ImageFormat? = nil) {
        self.path = path
        self.relativePath = relativePath
        self.foundInFolder = foundInFolder
        self.format = format
    }
}
