import Foundation
import Radiography

/// Runs one piece of work per film on its own thread, at most `jobs` at a time, and hands the
/// results back on the calling thread in input order.
///
/// Why this shape:
/// - **Bounded memory.** At most `jobs` films are being worked on, and a film is started only
///   when it is fewer than `window` places ahead of the next result to hand back, so however
///   large the folder, at most `window` finished results wait in memory.
/// - **Same output whatever `jobs`.** Results are handed back in input order, so the JSONL and
///   CSV lines come out in the same order for `--jobs 1` and `--jobs 8` (a slow film holds back
///   the writing of the ones after it, not their analysis, within the window).
/// - **`--timeout`.** A film still running after `timeout` seconds is abandoned: its result
///   becomes `abandoned(index)` and the next film starts. Threads cannot be killed from outside,
///   so the abandoned thread keeps its core and memory until its decoder returns (its result is
///   then thrown away), and the process ends at the end of the batch whatever it is doing. A
///   decoder that loops forever therefore costs one core for the rest of the run; the run itself
///   goes on and finishes.
public final class BatchRunner<Result: Sendable>: @unchecked Sendable {
    public let jobs: Int
    public let timeout: Double?
    public let window: Int

    private let condition = NSCondition()
    private var running: [Int: UInt64] = [:]     // index → start time (ns)
    private var finished: [Int: Result] = [:]
    private var abandonedIndices = Set<Int>()

    /// - Parameters:
    ///   - jobs: films analysed at once (≥ 1).
    ///   - timeout: seconds before a film is abandoned; nil waits for ever.
    ///   - window: how far ahead of the next result to hand back a film may start (≥ jobs);
    ///     default 4 × jobs.
    public init(jobs: Int, timeout: Double? = nil, window: Int? = nil) {
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.window = max(self.jobs, window ?? 4 * self.jobs)
    }

    /// True once film `index` has been given up for the timeout: its work can check this before
    /// doing anything visible (writing an overlay) for a result that will not be reported.
    public func isAbandoned(_ index: Int) -> Bool {
        condition.lock(); defer { condition.unlock() }
        return abandonedIndices.contains(index)
    }

    /// Threads started so far whose work has not returned yet, abandoned ones included.
    public var threadsAlive: Int {
        condition.lock(); defer { condition.unlock() }
        return running.count + abandonedIndices.count
    }

    /// Runs `work(0..<count)` and calls `deliver(i, result)` for i = 0, 1, 2, … on this thread.
    ///
    /// - Parameters:
    ///   - abandoned: the result standing for film i when it ran over the timeout.
    ///   - tick: called on this thread about every `tickInterval` seconds (progress lines).
    public func run(count: Int,
                    work: @escaping @Sendable (Int) -> Result,
                    abandoned: (Int) -> Result,
                    deliver: (Int, Result) -> Void,
                    tickInterval: Double = 0.25,
                    tick: (() -> Void)? = nil) {
        var next = 0, nextToDeliver = 0
        // Checked: a timeout of 1e300 s (or NaN) from a library caller is "never", not a trap.
        func nanoseconds(_ seconds: Double) -> UInt64 {
            UInt64(CheckedConversion.clampedInt(seconds * 1e9, in: 0...(1 << 62), nanValue: 1 << 62))
        }
        var nextTick = DispatchTime.now().uptimeNanoseconds + nanoseconds(tickInterval)
        condition.lock()
        while nextToDeliver < count {
            while running.count < jobs && next < count && next < nextToDeliver + window {
                start(next, work: work)
                next += 1
            }
            if let result = finished.removeValue(forKey: nextToDeliver) {
                condition.unlock()
                deliver(nextToDeliver, result)
                condition.lock()
                nextToDeliver += 1
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            var deadline = tick == nil ? UInt64.max : nextTick
            if let timeout {
                let limit = nanoseconds(timeout)
                for (index, started) in running where now &- started >= limit {
                    running[index] = nil
                    abandonedIndices.insert(index)
                    finished[index] = abandoned(index)
                }
                for started in running.values { deadline = min(deadline, started + limit) }
                if finished[nextToDeliver] != nil { continue }
            }
            if let tick, now >= nextTick {
                condition.unlock()
                tick()
                condition.lock()
                nextTick = DispatchTime.now().uptimeNanoseconds + nanoseconds(tickInterval)
                continue
            }
            if deadline == UInt64.max {
                condition.wait()
            } else {
                let seconds = Double(deadline &- min(deadline, now)) / 1e9
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds + 0.001))
            }
        }
        condition.unlock()
    }

    /// Called with the lock held.
    private func start(_ index: Int, work: @escaping @Sendable (Int) -> Result) {
        running[index] = DispatchTime.now().uptimeNanoseconds
        let thread = Thread { [self] in
            let result = work(index)
            condition.lock()
            if abandonedIndices.remove(index) == nil {
                running[index] = nil
                finished[index] = result
            }
            condition.signal()
            condition.unlock()
        }
        // Decoders and the detector recurse little, but the main thread's 8 MiB is what they
        // were tested with.
        thread.stackSize = 8 << 20
        thread.start()
    }
}
