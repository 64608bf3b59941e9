import XCTest
@testable import LiveTSEngine

final class PresenceBatchTests: XCTestCase {
    private func entry(_ key: String, conn: UInt64 = 1, meta: String = "{}") -> PresenceEntry {
        PresenceEntry(node: [1], conn: conn, topic: Array("room".utf8), key: Array(key.utf8), meta: Array(meta.utf8))
    }

    private func diffs(joins: [PresenceEntry] = [], leaves: [PresenceEntry] = []) -> PresenceDiffs {
        [Array("room".utf8): PresenceDiff(joins: joins, leaves: leaves)]
    }

    private func json(_ batch: inout PresenceBatch) -> [String] {
        batch.take().map { String(decoding: $0.1.json, as: UTF8.self) }
    }

    func testJoinsOfAWindowGoOutAsOneDiff() {
        var batch = PresenceBatch()
        for key in ["a", "b", "c"] { batch.add(diffs(joins: [entry(key)])) }
        XCTAssertEqual(json(&batch), [#"{"presence_diff":{"joins":{"a":[{}],"b":[{}],"c":[{}]},"leaves":{}}}"#])
        XCTAssertTrue(batch.isEmpty)
        XCTAssertEqual(json(&batch), [])
    }

    func testAJoinAndLeaveOfOneEntryCancel() {
        var batch = PresenceBatch()
        batch.add(diffs(joins: [entry("a")]))
        batch.add(diffs(leaves: [entry("a")]))
        XCTAssertEqual(json(&batch), [], "nobody needs to hear of a visit shorter than the window")
    }

    /// An entry present before the window that leaves and comes back must
    /// not end as a leave: subscribers would drop someone still there.
    func testALeaveAndRejoinOfOneEntryCancel() {
        var batch = PresenceBatch()
        batch.add(diffs(leaves: [entry("a")]))
        batch.add(diffs(joins: [entry("a")]))
        XCTAssertEqual(json(&batch), [])
    }

    func testAMetaChangeStaysALeaveAndAJoin() {
        var batch = PresenceBatch()
        batch.add(diffs(joins: [entry("a", meta: #"{"s":2}"#)], leaves: [entry("a", meta: #"{"s":1}"#)]))
        XCTAssertEqual(json(&batch), [#"{"presence_diff":{"joins":{"a":[{"s":2}]},"leaves":{"a":[{"s":1}]}}}"#])
    }

    func testTwoTabsOfOneKeyAreTwoMetas() {
        var batch = PresenceBatch()
        batch.add(diffs(joins: [entry("a", conn: 1)]))
        batch.add(diffs(joins: [entry("a", conn: 2)]))
        batch.add(diffs(leaves: [entry("a", conn: 1)]))
        XCTAssertEqual(json(&batch), [#"{"presence_diff":{"joins":{"a":[{}]},"leaves":{}}}"#])
    }
}
