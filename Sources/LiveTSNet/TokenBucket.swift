/// A token bucket: `burst` tokens at most, refilled at `rate` per second.
/// Time is the loop's clock in milliseconds; refilling is computed from the
/// time elapsed when the bucket is used, so an idle bucket costs nothing.
/// Thousandths of a token are kept, so low rates refill smoothly.
public struct TokenBucket {
    public let rate: Int
    public let burst: Int
    /// Tokens held, in thousandths.
    private var milliTokens: Int
    private var updatedAt: UInt64

    /// A full bucket. A rate or burst below 1 is taken as 1.
    public init(rate: Int, burst: Int, now: UInt64) {
        self.rate = max(1, rate)
        self.burst = max(1, burst)
        milliTokens = self.burst * 1000
        updatedAt = now
    }

    /// Takes one token; false when none is left (the caller refuses).
    public mutating func take(now: UInt64) -> Bool {
        refill(now: now)
        guard milliTokens >= 1000 else { return false }
        milliTokens -= 1000
        return true
    }

    /// Full again by `now`: a bucket in this state can be forgotten, since
    /// a new one would behave the same.
    public func isFull(now: UInt64) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.milliTokens >= burst * 1000
    }

    /// Seconds until one token is back: what Retry-After should say.
    public func secondsUntilToken(now: UInt64) -> Int {
        var copy = self
        copy.refill(now: now)
        let missing = max(0, 1000 - copy.milliTokens)
        // rate tokens per second = rate milli-tokens per millisecond.
        let milliseconds = (missing + rate - 1) / rate
        return max(1, (milliseconds + 999) / 1000)
    }

    private mutating func refill(now: UInt64) {
        guard now > updatedAt else { return }
        let elapsed = now - updatedAt
        updatedAt = now
        let cap = burst * 1000
        // Clamp before multiplying: a bucket idle for days must not overflow.
        let gained = elapsed >= UInt64(cap) ? cap : Int(elapsed) * rate
        milliTokens = min(cap, milliTokens + gained)
    }
}
