import XCTest
@testable import LiveTSEngine

final class HTMLSpliceTests: XCTestCase {
    private func apply(_ base: String, _ splices: [(Int, Int, String)]) -> String? {
        HTMLSplice.apply(splices.map { HTMLSplice(offset: $0.0, removed: $0.1, text: Array($0.2.utf8)) }, to: Array(base.utf8))
            .map { String(decoding: $0, as: UTF8.self) }
    }

    func testSplicesApplyInOrderAgainstTheBase() {
        XCTAssertEqual(apply("<p>0</p><p>a</p>", [(3, 1, "12"), (11, 1, "bc")]), "<p>12</p><p>bc</p>")
        XCTAssertEqual(apply("<p>0</p>", []), "<p>0</p>")
        XCTAssertEqual(apply("<p>0</p>", [(0, 0, "<i></i>"), (8, 0, "!")]), "<i></i><p>0</p>!")
        XCTAssertEqual(apply("<p>0</p>", [(0, 8, "")]), "")
    }

    func testSplicesThatDoNotFitTheBaseAreRefused() {
        XCTAssertNil(apply("<p>0</p>", [(9, 0, "x")]), "past the end")
        XCTAssertNil(apply("<p>0</p>", [(3, 6, "x")]), "removes past the end")
        XCTAssertNil(apply("<p>0</p>", [(4, 1, "x"), (3, 0, "y")]), "out of order")
        XCTAssertNil(apply("<p>0</p>", [(3, 2, "x"), (4, 0, "y")]), "overlapping")
        // "é" is two bytes: neither end of a splice may fall between them.
        XCTAssertNil(apply("<p>é</p>", [(4, 0, "x")]))
        XCTAssertNil(apply("<p>é</p>", [(3, 1, "x")]))
        XCTAssertEqual(apply("<p>é</p>", [(3, 2, "e")]), "<p>e</p>")
    }
}
