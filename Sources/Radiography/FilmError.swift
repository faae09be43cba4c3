/// Why a film could not be read or analysed: a `kind` for programs, a message for people.
///
/// The message says what is wrong with the file, not where it is (callers that know the path
/// print `path: message`, so one line names the file and the problem), and it names no option of
/// any front end: a library caller has no `--max-pixels`. A front end says how to get past the
/// error in `hint` (the command line sets "raise it with --max-pixels" on a `.limit` error), and
/// `description` is the message followed by that hint in parentheses.
public struct FilmError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for a program to act on (retry, skip, raise a limit, report a bug).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The file ends before what its own structure promises (a cut copy or download).
        case truncated
        /// A well-formed file in a variant detect does not read (a transfer syntax, a bit depth,
        /// a colour model, an unknown format).
        case unsupported
        /// Over one of the caller's `DecodeLimits` (`limit` says which): raising it reads the file.
        case limit
        /// The file contradicts its format or itself: lying lengths, impossible values, corrupt
        /// codestreams, an invalid facts table.
        case malformed
        /// The file system: missing, unreadable, not a regular file, a write that failed.
        case io
    }

    /// The `DecodeLimits` bound a `.limit` error is over.
    public enum Limit: String, Sendable, Codable, CaseIterable {
        case pixels, fileBytes, sequenceDepth, elements
    }

    public var kind: Kind
    public var message: String
    /// For `.limit`: which `DecodeLimits` bound; nil otherwise, and for a limit of another kind
    /// (a batch's per-film time limit, whose message names it).
    public var limit: Limit?
    /// How to get past this error in the front end that reports it; nil from the library.
    public var hint: String?

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// An error over the caller's `limit`.
    public static func overLimit(_ limit: Limit, _ message: String) -> FilmError {
        var error = FilmError(.limit, message)
        error.limit = limit
        return error
    }

    /// A C codec's failure, from the message `_CCodecs` returns: the shim ends the message of a
    /// stream that stops early with "truncated)" ("premature end of data (the file is truncated)"),
    /// which is the only channel it has for the difference; anything else is `.malformed`.
    public static func codecFailure(_ message: String) -> FilmError {
        FilmError(message.hasSuffix("truncated)") ? .truncated : .malformed, message)
    }

    /// The same error with `prefix` before its message ("DICOM: ", "PNG: "): kind, limit and hint kept.
    public func prefixed(_ prefix: String) -> FilmError {
        var copy = self
        copy.message = prefix + message
        return copy
    }

    public var description: String { hint.map { "\(message) (\($0))" } ?? message }
}
