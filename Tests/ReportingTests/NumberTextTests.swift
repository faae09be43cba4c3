import Radiography
import XCTest

/// The one number formatter, in each of its forms.
final class NumberTextTests: XCTestCase {
    func testFixedRoundsHalfAwayFromZeroAndNeverPrintsMinusZero() {
        XCTAssertEqual(NumberText.fixed(0.125, decimals: 2), "0.13")
        XCTAssertEqual(NumberText.fixed(-0.0004, decimals: 3), "0.000")
        XCTAssertNil(NumberText.fixed(.nan, decimals: 2))
    }

    func testSentenceForms() {
        XCTAssertEqual(NumberText.short(72.36), "72.4")
        XCTAssertEqual(NumberText.short(9.10, decimals: 2), "9.1")
        XCTAssertEqual(NumberText.short(70), "70")
        XCTAssertEqual(NumberText.short(.infinity), "n/a")
        XCTAssertEqual(NumberText.whole(14.5), "15")
        XCTAssertEqual(NumberText.whole(.nan), "n/a")
        XCTAssertEqual(NumberText.whole(1e300), "n/a")
        XCTAssertEqual(NumberText.percent(0.254), "25 %")
        XCTAssertEqual(NumberText.plain(3), "3")
        XCTAssertEqual(NumberText.plain(0.15), "0.15")
        XCTAssertEqual(NumberText.plain(1e300), "1e+300")
    }
}
