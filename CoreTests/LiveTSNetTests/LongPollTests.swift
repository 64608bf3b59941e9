import XCTest
@testable import LiveTSNet

/// The long-poll session's state machine and body format, without sockets.
final class LongPollTests: XCTestCase {
    private let settings: LongPollSettings = {
        var s = LongPollSettings()
        s.holdMs = 25_000
        s.graceMs = 20_000
        return s
    }()

    private func session(now: UInt64 = 0) -> LongPollSession {
        LongPollSession(id: 7, token: Array("0123456789abcdef0123456789abcdef".utf8), address: Array("10.0.0.1".utf8), now: now)
    }

    private func body(_ messages: String...) -> [UInt8] {
        var out: [UInt8] = []
        for m in messages { LongPollFrames.append(Array(m.utf8), to: &out) }
        return out
    }

    func testFramesRoundTripAnyByteAndRefuseMalformedOrOversized() {
        let encoded = body("[\"e\",1]", "line\nfeed", "", "é")
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "7\n[\"e\",1]9\nline\nfeed0\n2\né")
        XCTAssertEqual(try LongPollFrames.decode(encoded, maxMessageBytes: 100).get(),
                       ["[\"e\",1]", "line\nfeed", "", "é"].map { Array($0.utf8) })
        XCTAssertEqual(try LongPollFrames.decode([], maxMessageBytes: 100).get(), [])
        for bad in ["3\nab", "x\nabc", "3abc", "\nabc", "3", "99999999999\n", "-1\n"] {
            XCTAssertEqual(LongPollFrames.decode(Array(bad.utf8), maxMessageBytes: 1 << 30), .failure(.malformed), bad)
        }
        XCTAssertEqual(LongPollFrames.decode(body("12345"), maxMessageBytes: 4), .failure(.tooBig))
        XCTAssertEqual(try LongPollFrames.decode(body("1234"), maxMessageBytes: 4).get().count, 1)
    }

    func testCredentialsParseOnlyTheirOwnShapeAndTokensDiffer() {
        let token = LongPollCredential.newToken()
        XCTAssertEqual(token.count, 32)
        XCTAssertNotEqual(token, LongPollCredential.newToken())
        let credential = LongPollCredential(id: 42, token: token)
        XCTAssertEqual(LongPollCredential(credential.text), credential)
        for bad in ["", "42", "42.", ".0123456789abcdef0123456789abcdef", "0.0123456789abcdef0123456789abcdef",
                    "42.0123456789ABCDEF0123456789ABCDEF", "42.0123456789abcdef0123456789abcde",
                    "42.0123456789abcdef0123456789abcdef0", "x.0123456789abcdef0123456789abcdef",
                    "99999999999999999999999.0123456789abcdef0123456789abcdef"] {
            XCTAssertNil(LongPollCredential(Array(bad.utf8)), bad)
        }
    }

    func testOnlyTheSessionsOwnTokenIsAccepted() {
        let s = session()
        XCTAssertTrue(s.accepts(LongPollCredential(id: 7, token: s.token)))
        var wrong = s.token
        wrong[31] = wrong[31] == UInt8(ascii: "f") ? UInt8(ascii: "e") : UInt8(ascii: "f")
        XCTAssertFalse(s.accepts(LongPollCredential(id: 7, token: wrong)))
        XCTAssertFalse(s.accepts(LongPollCredential(id: 8, token: s.token)), "another session's id")
    }

    func testAGetIsHeldUntilMessagesComeAndTheyGoTogether() {
        let s = session()
        XCTAssertEqual(s.poll(request: 1, now: 10), [])
        XCTAssertTrue(s.enqueue(Array("a".utf8), limit: 100))
        XCTAssertTrue(s.enqueue(Array("bc".utf8), limit: 100))
        XCTAssertEqual(s.flush(now: 20), .deliver(request: 1, body: body("a", "bc")))
        XCTAssertNil(s.held)
        XCTAssertEqual(s.outboxBytes, 0)
        XCTAssertNil(s.flush(now: 21), "nothing is held now")
        // Messages that came while no GET was held go at once to the next.
        XCTAssertTrue(s.enqueue(Array("d".utf8), limit: 100))
        XCTAssertEqual(s.poll(request: 2, now: 30), [.deliver(request: 2, body: body("d"))])
    }

    func testANewerGetReplacesTheHeldOne() {
        let s = session()
        XCTAssertEqual(s.poll(request: 1, now: 0), [])
        XCTAssertEqual(s.poll(request: 2, now: 5), [.superseded(request: 1)])
        XCTAssertEqual(s.held?.request, 2)
        XCTAssertTrue(s.enqueue(Array("x".utf8), limit: 100))
        XCTAssertEqual(s.flush(now: 6), .deliver(request: 2, body: body("x")))
    }

    func testAGetWhoseConnectionClosedLeavesItsMessagesForTheNext() {
        let s = session()
        _ = s.poll(request: 1, now: 0)
        XCTAssertTrue(s.enqueue(Array("kept".utf8), limit: 100))
        XCTAssertNil(s.flush(now: 1, isPending: { _ in false }))
        XCTAssertNil(s.held)
        XCTAssertEqual(s.poll(request: 2, now: 2), [.deliver(request: 2, body: body("kept"))])
    }

    func testTheHoldEndsIn204AndTheSessionExpiresAfterTheGrace() {
        let s = session(now: 0)
        _ = s.poll(request: 1, now: 1_000)
        XCTAssertEqual(s.sweep(now: 25_999, settings: settings, isPending: { _ in true }), .none)
        XCTAssertEqual(s.sweep(now: 26_000, settings: settings, isPending: { _ in true }), .answer(.nothing(request: 1)))
        // The browser polls again at once: no expiry while it does.
        _ = s.poll(request: 2, now: 26_100)
        XCTAssertEqual(s.sweep(now: 60_000, settings: settings, isPending: { _ in true }), .answer(.nothing(request: 2)))
        XCTAssertEqual(s.sweep(now: 79_999, settings: settings, isPending: { _ in true }), .none)
        XCTAssertEqual(s.sweep(now: 80_000, settings: settings, isPending: { _ in true }), .expired)
    }

    func testTheGraceStartsWhenAHeldGetsConnectionCloses() {
        let s = session(now: 0)
        _ = s.poll(request: 1, now: 0)
        XCTAssertEqual(s.sweep(now: 5_000, settings: settings, isPending: { _ in false }), .none)
        XCTAssertNil(s.held)
        XCTAssertEqual(s.sweep(now: 24_999, settings: settings, isPending: { _ in false }), .none)
        XCTAssertEqual(s.sweep(now: 25_000, settings: settings, isPending: { _ in false }), .expired)
        XCTAssertEqual(session(now: 0).sweep(now: 20_000, settings: settings, isPending: { _ in true }), .expired,
                       "a session never polled expires too")
    }

    func testUnfetchedBytesAreCappedLikeASocketsOutbound() {
        let s = session()
        XCTAssertTrue(s.enqueue([UInt8](repeating: 1, count: 60), limit: 100))
        XCTAssertTrue(s.enqueue([UInt8](repeating: 1, count: 40), limit: 100))
        XCTAssertFalse(s.enqueue([1], limit: 100))
        XCTAssertEqual(s.outboxBytes, 100)
    }

    func testAPostsMessagesWaitWhileTheHostIsBehindAndOnlyOnePostAtATime() {
        let s = session()
        XCTAssertTrue(s.receive([[1], [2], [3]], opcode: .text, request: 5))
        XCTAssertFalse(s.receive([[9]], opcode: .text, request: 6), "a second POST while the first is handed over")
        XCTAssertEqual(s.nextMessage()?.message, [1])
        s.pausedForHost = true
        XCTAssertNil(s.nextMessage())
        XCTAssertNil(s.finishedPost(), "not all handed over")
        s.pausedForHost = false
        XCTAssertEqual(s.nextMessage()?.message, [2])
        XCTAssertEqual(s.nextMessage()?.message, [3])
        XCTAssertNil(s.nextMessage())
        XCTAssertEqual(s.finishedPost(), 5)
        XCTAssertNil(s.finishedPost())
        XCTAssertTrue(s.receive([[4]], opcode: .binary, request: 6))
        XCTAssertEqual(s.nextMessage()?.opcode, .binary)
    }

    func testClosingAnswersEveryWaitingRequestAndStopsTheMessages() {
        let s = session()
        _ = s.poll(request: 1, now: 0)
        XCTAssertTrue(s.receive([[1], [2]], opcode: .text, request: 2))
        XCTAssertEqual(s.nextMessage()?.message, [1])
        XCTAssertEqual(Set(s.close()), [1, 2])
        XCTAssertTrue(s.isClosed)
        XCTAssertNil(s.nextMessage())
        XCTAssertEqual(s.close(), [])
    }

    func testThePathFollowsTheWebSocketsAndIsGoneWhenDisabled() {
        var s = LongPollSettings()
        XCTAssertEqual(s.path(webSocketPath: Array("/live".utf8)), Array("/live/poll".utf8))
        XCTAssertEqual(s.path(webSocketPath: nil), Array("/live/poll".utf8))
        s.enabled = false
        XCTAssertNil(s.path(webSocketPath: Array("/live".utf8)))
    }
}
