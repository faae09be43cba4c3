import Dispatch

/// Splits `0..<count` into contiguous bands and runs `body` on each, concurrently.
///
/// Bands are a pure function of `count`, `minimumBand` and `maximumBands`, never of timing, and
/// every kernel writes only its own band and adds in a fixed order: results are identical
/// whatever the number of bands or cores (`DeterminismTests` checks one band against many).
@usableFromInline
enum ParallelBands {
    /// Upper bound on the bands of one kernel. A task-local value so that a test can run the
    /// detector with one band (serial) and compare; production code never sets it.
    @usableFromInline @TaskLocal static var maximumBands = 32

    /// Runs `body(range)` over bands of at least `minimumBand` items.
    @inlinable
    static func run(_ count: Int, minimumBand: Int = 64, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let bands = max(1, min(maximumBands, count / max(1, minimumBand)))
        if bands == 1 {
            body(0..<count)
            return
        }
        // Each band writes only its own rows or columns; the caller guarantees that.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: bands) { band in
            let start = count * band / bands
            let end = count * (band + 1) / bands
            body(start..<end)
        }
    }
}
