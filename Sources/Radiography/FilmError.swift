/// Why a film could not be read or analysed, written for the person at the terminal.
///
/// The message says what is wrong with the file, not where it is: callers that know the path
/// print `path: message`, so one line names the file and the problem.
public struct FilmError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
