import Detection
import Foundation
import Radiography
import XCTest

/// The one stage clock: declared stages first (at 0 s until charged), a stage entered twice
/// charged once, recorded stages appended.
final class StageClockTests: XCTestCase {
    func testStagesKeepTheirOrderAndAccumulate() {
        var clock = StageClock(stages: ["background", "threshold"])
        XCTAssertEqual(clock.laps.map(\.stage), ["background", "threshold"])
        XCTAssertEqual(clock.laps.map(\.seconds), [0, 0])
        clock.lap("threshold")
        let first = clock.laps[1].seconds
        usleep(2000)
        clock.lap("decode")
        clock.lap("threshold")
        clock.record([("label", 1.5)])
        XCTAssertEqual(clock.laps.map(\.stage), ["background", "threshold", "decode", "label"])
        XCTAssertEqual(clock.laps[0].seconds, 0)
        XCTAssertGreaterThanOrEqual(clock.laps[1].seconds, first)
        XCTAssertGreaterThan(clock.laps[2].seconds, 0.001)
        XCTAssertEqual(clock.laps[3].seconds, 1.5)
    }

    func testDetectorReportsEveryStageInOrder() {
        let film = Radiograph(width: 64, height: 64, pixels: [UInt16](repeating: 100, count: 64 * 64), bitsStored: 12, format: .png)
        XCTAssertEqual(DepositDetector.detect(film).stageSeconds.map(\.stage), DepositDetector.Stage.allCases.map(\.rawValue))
    }
}
