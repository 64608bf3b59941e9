import XCTest
@testable import LiveTSNet

final class TokenBucketTests: XCTestCase {
    func testBurstThenRefusal() {
        var bucket = TokenBucket(rate: 10, burst: 3, now: 1_000)
        XCTAssertTrue(bucket.take(now: 1_000))
        XCTAssertTrue(bucket.take(now: 1_000))
        XCTAssertTrue(bucket.take(now: 1_000))
        XCTAssertFalse(bucket.take(now: 1_000))
        XCTAssertFalse(bucket.isFull(now: 1_000))
    }

    func testRefillsAtRate() {
        var bucket = TokenBucket(rate: 10, burst: 1, now: 0)
        XCTAssertTrue(bucket.take(now: 0))
        XCTAssertFalse(bucket.take(now: 99))
        XCTAssertTrue(bucket.take(now: 100))
    }

    func testFullAfterIdleAndNoOverflow() {
        var bucket = TokenBucket(rate: 20, burst: 100, now: 0)
        for _ in 0..<100 { XCTAssertTrue(bucket.take(now: 0)) }
        XCTAssertFalse(bucket.isFull(now: 4_999))
        XCTAssertTrue(bucket.isFull(now: 5_000))
        XCTAssertTrue(bucket.isFull(now: UInt64.max / 2))
    }

    func testRetryAfterSeconds() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: 0)
        XCTAssertTrue(bucket.take(now: 0))
        XCTAssertEqual(bucket.secondsUntilToken(now: 0), 1)
        var slow = TokenBucket(rate: 1, burst: 1, now: 0)
        _ = slow.take(now: 0)
        XCTAssertEqual(slow.secondsUntilToken(now: 500), 1)
    }
}
