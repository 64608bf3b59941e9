import XCTest
@testable import LiveTSEngine

final class ConnectionLedgerTests: XCTestCase {
    func testTheBacklogCountsMessagesAndBytesUntilTheirRefIsAnswered() {
        var limits = LiveLimits()
        limits.maxUnansweredMessages = 3
        limits.maxHostQueueBytes = 1000
        var ledger = ConnectionLedger(limits: limits, now: 0)
        ledger.handedToHost(ref: 1, bytes: 400, joining: nil)
        ledger.handedToHost(ref: 2, bytes: 400, joining: nil)
        XCTAssertFalse(ledger.isOverBacklog(limits))
        ledger.handedToHost(ref: 3, bytes: 400, joining: nil)
        XCTAssertTrue(ledger.isOverBacklog(limits), "1,200 bytes, and 3 messages")
        XCTAssertNil(ledger.answer(99), "an answer to a ref never handed over changes nothing")
        XCTAssertEqual(ledger.answer(2)?.bytes, 400)
        XCTAssertNil(ledger.answer(2), "a ref is answered once")
        XCTAssertFalse(ledger.isOverBacklog(limits))
        XCTAssertEqual(ledger.unansweredBytes, 800)
    }

    func testARefusedJoinSaysWhichViewItHeld() {
        var ledger = ConnectionLedger(limits: LiveLimits(), now: 0)
        ledger.handedToHost(ref: 5, bytes: 10, joining: Array("v".utf8))
        XCTAssertEqual(ledger.answer(5)?.joining, Array("v".utf8))
    }

    func testRateRefusalsBecomeAbuseOnlyPastABurstInOneWindow() {
        var ledger = ConnectionLedger(limits: LiveLimits(), now: 0)
        for _ in 0..<5 { XCTAssertFalse(ledger.rateRefusedIsAbuse(now: 100, burst: 5)) }
        XCTAssertTrue(ledger.rateRefusedIsAbuse(now: 200, burst: 5))
        XCTAssertFalse(ledger.rateRefusedIsAbuse(now: 200 + ConnectionLedger.abuseWindowMs, burst: 5), "a new window starts over")
    }
}
