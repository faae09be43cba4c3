/// One of N deterministic parts of a batch, for cluster array jobs.
///
/// A film belongs to shard `fnv1a64(relative path) mod N`, where the relative path is the film's
/// path inside the folder that was given (or the path as given, for a film named directly).
/// FNV-1a 64 over the UTF-8 bytes is fixed by its definition (offset basis 0xcbf29ce484222325,
/// prime 0x100000001b3), unlike Swift's `Hasher`, which is seeded per process: every task of an
/// array job, on any machine, puts each film in the same shard, and adding films to the archive
/// does not move the others between shards.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 0-based.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw BatchUsageError("the number of shards must be at least 1 (got \(count))") }
        guard (0..<count).contains(index) else {
            throw BatchUsageError("shard index \(index) is outside 0…\(count - 1) (shards count from 0)")
        }
        self.index = index
        self.count = count
    }

    /// `"K/N"`, K counted from 0.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw BatchUsageError("--shard takes K/N, e.g. 0/4 for the first of four shards (got '\(text)')")
        }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(relativePath: String) -> Bool {
        Int(Self.fnv1a64(relativePath) % UInt64(count)) == index
    }

    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Where the shard came from, for the line printed at the start of a run.
    public enum Origin: String, Sendable {
        case option = "--shard"
        case slurm = "SLURM_ARRAY_TASK_ID"
        case kubernetes = "JOB_COMPLETION_INDEX"
    }

    /// The shard of this process: `--shard K/N` if given; else a Kubernetes Indexed Job's
    /// `JOB_COMPLETION_INDEX` with `--shards N`; else a Slurm array task's
    /// (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`) / `SLURM_ARRAY_TASK_STEP` (so
    /// `--array=1-4` and `--array=0-30:2` work as well as `0-3`) of `SLURM_ARRAY_TASK_COUNT` (or
    /// `--shards N`); else nil, the whole batch.
    public static func resolve(option: String?, shards: Int?, environment: [String: String]) throws -> (Shard, Origin)? {
        if let option {
            return (try Shard(parsing: option), .option)
        }
        if let text = environment["JOB_COMPLETION_INDEX"], let shards {
            guard let k = Int(text) else { throw BatchUsageError("JOB_COMPLETION_INDEX is not a number ('\(text)')") }
            return (try Shard(index: k, count: shards), .kubernetes)
        }
        if let text = environment["SLURM_ARRAY_TASK_ID"] {
            guard let id = Int(text) else { throw BatchUsageError("SLURM_ARRAY_TASK_ID is not a number ('\(text)')") }
            let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
            let step = max(1, environment["SLURM_ARRAY_TASK_STEP"].flatMap { Int($0) } ?? 1)
            guard let n = shards ?? environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) else {
                throw BatchUsageError("SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT: give --shards N")
            }
            guard (id - minimum) % step == 0 else {
                throw BatchUsageError("SLURM_ARRAY_TASK_ID \(id) is not on the array's range from \(minimum) by \(step): use --array=A-B or A-B:STEP")
            }
            return (try Shard(index: (id - minimum) / step, count: n), .slurm)
        }
        if shards != nil {
            throw BatchUsageError("--shards N needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID in the environment (or use --shard K/N)")
        }
        return nil
    }
}
