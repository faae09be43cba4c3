import Foundation
import XCTest
@testable import FilmAnalysis

/// The runner's promises, with synthetic work whose timing the test controls.
final class BatchRunnerTests: XCTestCase {
    /// Counters shared with the worker threads.
    final class Gauge: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var inFlight = 0
        private(set) var maxInFlight = 0
        private(set) var delivered = 0
        private(set) var startedTooEarly: [Int] = []

        func begin(_ index: Int, window: Int) {
            lock.lock(); defer { lock.unlock() }
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            if index >= delivered + window { startedTooEarly.append(index) }
        }
        func end() { lock.lock(); inFlight -= 1; lock.unlock() }
        func deliver() { lock.lock(); delivered += 1; lock.unlock() }
    }

    func testResultsComeBackInInputOrderWithBoundedWork() {
        let gauge = Gauge()
        let runner = BatchRunner<Int>(jobs: 3, window: 6)
        var order: [Int] = [], values: [Int] = []
        runner.run(count: 40, work: { index in
            gauge.begin(index, window: 6)
            // Later films finish first within each group of five.
            usleep(UInt32((5 - index % 5) * 2000))
            gauge.end()
            return index * index
        }, abandoned: { _ in -1 }, deliver: { index, value in
            order.append(index)
            values.append(value)
            gauge.deliver()
        })
        XCTAssertEqual(order, Array(0..<40))
        XCTAssertEqual(values, (0..<40).map { $0 * $0 })
        XCTAssertLessThanOrEqual(gauge.maxInFlight, 3, "at most jobs films at once")
        XCTAssertGreaterThan(gauge.maxInFlight, 1, "films do run in parallel")
        XCTAssertEqual(gauge.startedTooEarly, [], "no film starts more than window places ahead")
    }

    func testSlowFilmIsAbandonedAndTheBatchGoesOn() {
        let runner = BatchRunner<String>(jobs: 2, timeout: 0.1)
        var results: [String] = []
        let start = Date()
        runner.run(count: 6, work: { index in
            if index == 1 { sleep(3) }
            return "ok \(index)"
        }, abandoned: { index in "abandoned \(index)" }, deliver: { _, result in results.append(result) })
        XCTAssertEqual(results, ["ok 0", "abandoned 1", "ok 2", "ok 3", "ok 4", "ok 5"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "the batch does not wait for the abandoned film")
        XCTAssertTrue(runner.isAbandoned(1))
        XCTAssertFalse(runner.isAbandoned(0))
        XCTAssertEqual(runner.threadsAlive, 1, "the abandoned thread is still running")
    }

    func testTickComesAFewTimesASecond() {
        let runner = BatchRunner<Int>(jobs: 1)
        var ticks = 0
        runner.run(count: 3, work: { index in usleep(100_000); return index },
                   abandoned: { $0 }, deliver: { _, _ in }, tickInterval: 0.05, tick: { ticks += 1 })
        XCTAssertGreaterThanOrEqual(ticks, 3)
        XCTAssertLessThanOrEqual(ticks, 12)
    }

    func testNothingToDo() {
        let runner = BatchRunner<Int>(jobs: 4)
        var called = false
        runner.run(count: 0, work: { $0 }, abandoned: { $0 }, deliver: { _, _ in called = true })
        XCTAssertFalse(called)
    }

    /// A library caller's absurd timeout or tick interval means "never" (or as often as possible),
    /// not a trap converting seconds to nanoseconds (issue 12: `--timeout 1e300`).
    func testAbsurdTimeoutsAndTickIntervalsDoNotTrap() {
        for seconds in [1e300, .greatestFiniteMagnitude, .infinity, .nan, -1, 0, 1e-300] {
            let runner = BatchRunner<Int>(jobs: 2, timeout: seconds)
            var results: [Int] = []
            runner.run(count: 4, work: { $0 }, abandoned: { _ in -1 }, deliver: { _, r in results.append(r) },
                       tickInterval: seconds, tick: {})
            XCTAssertEqual(results.count, 4, "timeout \(seconds)")
            if seconds.isNaN || seconds > 1 { XCTAssertEqual(results, [0, 1, 2, 3], "timeout \(seconds)") }
        }
    }
}
