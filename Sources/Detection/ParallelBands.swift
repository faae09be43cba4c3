import Dispatch
import Foundation

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

    /// Runs `body(item, &scratch)` for each of `0..<count` on one thread per core (at most
    /// `maximumBands`), each taking the next item when it is done with one, so uneven items
    /// (a bone-sized component beside specks) balance themselves; list the largest first. Each
    /// thread makes its `scratch` once (`makeScratch`) and reuses it from item to item, so buffers
    /// are allocated and first touched once a thread, not once an item. Each item must write
    /// only its own results: which thread takes it then never changes them.
    @inlinable
    static func forEachItem<Scratch>(_ count: Int, scratch makeScratch: () -> Scratch, _ body: (Int, inout Scratch) -> Void) {
        guard count > 0 else { return }
        let threads = max(1, min(count, maximumBands, ProcessInfo.processInfo.activeProcessorCount))
        if threads == 1 {
            var scratch = makeScratch()
            for item in 0..<count { body(item, &scratch) }
            return
        }
        // The next item to take, under a lock (not `Synchronization.Atomic`, which macOS has only
        // from 15): one lock an item, nothing beside an item's work.
        let lock = NSLock()
        nonisolated(unsafe) var next = 0
        nonisolated(unsafe) let body = body, makeScratch = makeScratch
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var scratch = makeScratch()
            while true {
                lock.lock()
                let item = next
                next += 1
                lock.unlock()
                guard item < count else { return }
                body(item, &scratch)
            }
        }
    }
}
