import Radiography

/// What the command line adds to a library error: the option that gets past it. The libraries'
/// messages name no option (a Swift caller has none); the terminal and the reports of `detect`
/// say "(raise it with --max-pixels)" after a film over that limit.
enum CommandLineHints {
    static func hint(for error: FilmError) -> String? {
        guard error.kind == .limit, let limit = error.limit else { return nil }
        switch limit {
        case .pixels: return "raise it with --max-pixels"
        case .fileBytes: return "raise it with --max-file-bytes"
        case .sequenceDepth: return "raise it with --max-sequence-depth"
        case .elements: return "raise it with --max-elements"
        }
    }

    /// `error` as the terminal shows it: a `FilmError` with its hint, anything else as it
    /// describes itself.
    static func text(_ error: any Error) -> String {
        guard var filmError = error as? FilmError else { return "\(error)" }
        filmError.hint = hint(for: filmError)
        return filmError.description
    }
}
