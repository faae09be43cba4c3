/// A batch that cannot start because of how it was asked for (a bad `--shard`, an output that
/// `--resume` cannot read): the command line turns it into a usage error, exit code 2.
public struct BatchUsageError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
