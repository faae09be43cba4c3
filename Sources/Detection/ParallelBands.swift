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

    /// The bands `run` would use, as ranges, for kernels that need them twice (a pass that
    /// copies what each band reads from its neighbours, then the pass that writes).
    @inlinable
    static func layout(_ count: Int, minimumBand: Int, maximumBands: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let bands = max(1, min(maximumBands, count / max(1, minimumBand)))
        return (0..<bands).map { (count * $0 / bands)..<(count * ($0 + 1) / bands) }
    }

    /// Runs `body(index, range)` over precomputed bands, concurrently.
    @inlinable
    static func run(_ bands: [Range<Int>], _ body: (Int, Range<Int>) -> Void) {
        if bands.count == 1 {
            body(0, bands[0])
            return
        }
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: bands.count) { body($0, bands[$0]) }
    }
}
