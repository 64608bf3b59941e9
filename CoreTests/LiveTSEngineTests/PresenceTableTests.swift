import XCTest
@testable import LiveTSEngine

final class PresenceTableTests: XCTestCase {
    private let room = Array("room".utf8)
    private let lobby = Array("lobby".utf8)
    private let here = Array("node-a".utf8)
    private let there = Array("node-b".utf8)

    private func entry(_ key: String, topic: String = "room", node: String = "node-a", conn: UInt64 = 1,
                       meta: String = "{}") -> PresenceEntry {
        PresenceEntry(node: Array(node.utf8), conn: conn, topic: Array(topic.utf8), key: Array(key.utf8), meta: Array(meta.utf8))
    }

    /// Each topic's diff as the JSON its subscribers get.
    private func json(_ diffs: PresenceDiffs) -> [String: String] {
        Dictionary(uniqueKeysWithValues: diffs.map { (String(decoding: $0.key, as: UTF8.self), String(decoding: $0.value.json, as: UTF8.self)) })
    }

    private func list(_ table: PresenceTable, _ topic: [UInt8]) -> String {
        String(decoding: table.list(topic), as: UTF8.self)
    }

    func testTrackingIsAJoinAndTrackingAgainUnchangedIsNothing() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("ann", meta: #"{"typing":false}"#), into: &diffs)
        XCTAssertEqual(json(diffs), ["room": #"{"presence_diff":{"joins":{"ann":[{"typing":false}]},"leaves":{}}}"#])
        diffs = [:]
        table.upsert(entry("ann", meta: #"{"typing":false}"#), into: &diffs)
        XCTAssertTrue(diffs.isEmpty)
        XCTAssertEqual(table.count, 1)
    }

    /// As Phoenix reports an update: the old meta leaves, the new one joins.
    func testAChangedMetaIsALeaveOfTheOldAndAJoinOfTheNew() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("ann", meta: "1"), into: &diffs)
        diffs = [:]
        table.upsert(entry("ann", meta: "2"), into: &diffs)
        XCTAssertEqual(json(diffs), ["room": #"{"presence_diff":{"joins":{"ann":[2]},"leaves":{"ann":[1]}}}"#])
        XCTAssertEqual(list(table, room), #"{"ann":[2]}"#)
        XCTAssertEqual(table.count, 1)
    }

    func testUntrackingIsALeaveAndUntrackingWhatIsNotThereIsNothing() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("ann"), into: &diffs)
        diffs = [:]
        table.remove(node: here, conn: 1, topic: room, key: Array("ann".utf8), into: &diffs)
        XCTAssertEqual(json(diffs), ["room": #"{"presence_diff":{"joins":{},"leaves":{"ann":[{}]}}}"#])
        diffs = [:]
        table.remove(node: here, conn: 1, topic: room, key: Array("ann".utf8), into: &diffs)
        table.remove(node: here, conn: 2, topic: room, key: Array("bob".utf8), into: &diffs)
        XCTAssertTrue(diffs.isEmpty)
        XCTAssertEqual(table.count, 0)
        XCTAssertEqual(list(table, room), "{}")
        XCTAssertEqual(table.nodes, [], "a node with nothing tracked is forgotten")
    }

    /// One user in two tabs is one key with two metas; closing one tab
    /// leaves the other.
    func testAClosedConnectionLeavesOnlyWhatItTracked() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("ann", conn: 1, meta: #""tab 1""#), into: &diffs)
        table.upsert(entry("ann", conn: 2, meta: #""tab 2""#), into: &diffs)
        table.upsert(entry("ann", topic: "lobby", conn: 1), into: &diffs)
        XCTAssertEqual(list(table, room), #"{"ann":["tab 1","tab 2"]}"#)
        diffs = [:]
        table.removeConnection(node: here, conn: 1, into: &diffs)
        XCTAssertEqual(json(diffs), [
            "room": #"{"presence_diff":{"joins":{},"leaves":{"ann":["tab 1"]}}}"#,
            "lobby": #"{"presence_diff":{"joins":{},"leaves":{"ann":[{}]}}}"#,
        ])
        XCTAssertEqual(list(table, room), #"{"ann":["tab 2"]}"#)
        XCTAssertEqual(list(table, lobby), "{}")
    }

    /// Connection numbers are per node: a dead node takes only its own.
    func testADeadNodeLeavesWithEverythingItHeldAndNothingElse() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("ann", node: "node-a", conn: 1), into: &diffs)
        table.upsert(entry("bob", node: "node-b", conn: 1), into: &diffs)
        table.upsert(entry("cid", topic: "lobby", node: "node-b", conn: 2), into: &diffs)
        XCTAssertEqual(Set(table.nodes), [here, there])
        diffs = [:]
        table.removeNode(there, into: &diffs)
        XCTAssertEqual(json(diffs), [
            "room": #"{"presence_diff":{"joins":{},"leaves":{"bob":[{}]}}}"#,
            "lobby": #"{"presence_diff":{"joins":{},"leaves":{"cid":[{}]}}}"#,
        ])
        XCTAssertEqual(table.nodes, [here])
        XCTAssertEqual(list(table, room), #"{"ann":[{}]}"#)
    }

    /// A node's full-state announcement: what it no longer has leaves, what
    /// is new joins, what is unchanged says nothing.
    func testReplacingANodeReportsOnlyTheDifference() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("ann", node: "node-b", meta: "1"), into: &diffs)
        table.upsert(entry("bob", node: "node-b"), into: &diffs)
        table.upsert(entry("ann", topic: "lobby", node: "node-b"), into: &diffs)
        table.upsert(entry("own"), into: &diffs)
        diffs = [:]
        table.replaceNode(there, with: [entry("ann", node: "node-b", meta: "2"), entry("bob", node: "node-b"),
                                        entry("cid", node: "node-b", conn: 3)], into: &diffs)
        XCTAssertEqual(json(diffs), [
            "room": #"{"presence_diff":{"joins":{"ann":[2],"cid":[{}]},"leaves":{"ann":[1]}}}"#,
            "lobby": #"{"presence_diff":{"joins":{},"leaves":{"ann":[{}]}}}"#,
        ])
        XCTAssertEqual(Set(table.entries(of: there).map { String(decoding: $0.key, as: UTF8.self) }), ["ann", "bob", "cid"])
        XCTAssertEqual(table.entries(of: here), [entry("own")], "another node's announcement leaves ours alone")
    }

    func testAListIsSortedByKeyThenNodeThenConnection() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry("zoe", meta: "1"), into: &diffs)
        table.upsert(entry("ann", node: "node-b", conn: 1, meta: "4"), into: &diffs)
        table.upsert(entry("ann", node: "node-a", conn: 9, meta: "3"), into: &diffs)
        table.upsert(entry("ann", node: "node-a", conn: 2, meta: "2"), into: &diffs)
        XCTAssertEqual(list(table, room), #"{"ann":[2,3,4],"zoe":[1]}"#)
    }

    func testKeysAreEscapedInDiffsAndLists() {
        var table = PresenceTable()
        var diffs = PresenceDiffs()
        table.upsert(entry(#"a"b\c"#), into: &diffs)
        XCTAssertEqual(list(table, room), #"{"a\"b\\c":[{}]}"#)
        XCTAssertEqual(json(diffs)["room"], #"{"presence_diff":{"joins":{"a\"b\\c":[{}]},"leaves":{}}}"#)
    }

    /// Metas are spliced into JSON unparsed, so anything but one JSON value
    /// would break every subscriber's message.
    func testOnlyOneJSONValueIsAMeta() {
        for good in ["{}", "null", "1", #""x""#, #"{"a":[1,{"b":null}]}"#, " [ ] "] {
            XCTAssertTrue(PresenceEntry.isValidMeta(Array(good.utf8)), good)
        }
        for bad in ["", "{", "1,2", "{}{}", "undefined", "'x'", #"{"a":1,}"#] {
            XCTAssertFalse(PresenceEntry.isValidMeta(Array(bad.utf8)), bad)
        }
        XCTAssertFalse(PresenceEntry.isValidMeta([0x22, 0xFF, 0x22]), "not UTF-8")
        XCTAssertTrue(PresenceEntry.isValidKey(Array("ann ü".utf8)))
        XCTAssertFalse(PresenceEntry.isValidKey([0xC3]), "a key becomes a JSON object key, so it must be UTF-8")
    }
}
