/// Requests per client address that reach the host: a token bucket each.
/// A bucket that has refilled is forgotten, since a new one would be the
/// same, so memory follows the addresses active in the last few seconds,
/// not every address ever seen. Loop thread only.
final class PageRateLimiter {
    private let rate: Int
    private let burst: Int
    private var buckets: [[UInt8]: TokenBucket] = [:]
    private var sweptAt: UInt64 = 0
    /// Forgetting full buckets scans them all; once a second is plenty.
    private static let sweepEveryMs: UInt64 = 1_000

    init(rate: Int, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    var trackedAddresses: Int { buckets.count }

    /// nil when the request may go on; else the seconds Retry-After should say.
    func take(_ address: [UInt8], now: UInt64) -> Int? {
        var bucket = buckets[address] ?? TokenBucket(rate: rate, burst: burst, now: now)
        defer { buckets[address] = bucket }
        return bucket.take(now: now) ? nil : bucket.secondsUntilToken(now: now)
    }

    func sweep(now: UInt64) {
        guard now &- sweptAt >= Self.sweepEveryMs else { return }
        sweptAt = now
        buckets = buckets.filter { !$0.value.isFull(now: now) }
    }
}
