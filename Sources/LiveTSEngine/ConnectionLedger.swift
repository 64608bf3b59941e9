import LiveTSNet

/// What one WebSocket connection has in the host's hands and may still
/// ask of it: the messages not yet answered (by ref, with their bytes),
/// the views it has joined, and its rate budgets. The engine keeps one per
/// connection that has sent a live message. Loop thread only.
struct ConnectionLedger {
    struct Unanswered {
        let bytes: Int
        /// Set for a join, so a refused join frees its place among the views.
        let joining: [UInt8]?
        /// A join's page fingerprint: the browser still has the page's
        /// first render of the view, whose fingerprint this is.
        var fingerprint: [UInt8]? = nil
    }

    private(set) var unanswered: [UInt64: Unanswered] = [:]
    private(set) var unansweredBytes = 0
    /// Components this connection has joined (or is joining) and not left.
    var views: Set<[UInt8]> = []
    var events: TokenBucket
    var joins: TokenBucket
    /// Rate refusals in the current window, which opened at `abuseWindowStart`.
    private var rateRefusals = 0
    private var abuseWindowStart: UInt64
    /// Why reads are paused: this connection's own backlog, or the server's.
    var pausedForOwnBacklog = false
    var pausedForServerBacklog = false

    init(limits: LiveLimits, now: UInt64) {
        events = TokenBucket(rate: limits.eventRate, burst: limits.eventBurst, now: now)
        joins = TokenBucket(rate: limits.joinRate, burst: limits.joinBurst, now: now)
        abuseWindowStart = now
    }

    func isAwaiting(_ ref: UInt64) -> Bool { unanswered[ref] != nil }

    mutating func handedToHost(ref: UInt64, bytes: Int, joining: [UInt8]?, fingerprint: [UInt8]? = nil) {
        unanswered[ref] = Unanswered(bytes: bytes, joining: joining, fingerprint: fingerprint)
        unansweredBytes += bytes
    }

    /// Forgets `ref`; what it had held, or nil if it was not awaited.
    mutating func answer(_ ref: UInt64) -> Unanswered? {
        guard let entry = unanswered.removeValue(forKey: ref) else { return nil }
        unansweredBytes -= entry.bytes
        return entry
    }

    func isOverBacklog(_ limits: LiveLimits) -> Bool {
        unanswered.count >= limits.maxUnansweredMessages || unansweredBytes > limits.maxHostQueueBytes
    }

    /// Counts a rate refusal; true once they are sustained: more in one
    /// window than a whole burst, which no well-behaved client reaches
    /// (it would have to ignore its own refused replies).
    mutating func rateRefusedIsAbuse(now: UInt64, burst: Int) -> Bool {
        if now &- abuseWindowStart >= ConnectionLedger.abuseWindowMs {
            abuseWindowStart = now
            rateRefusals = 0
        }
        rateRefusals += 1
        return rateRefusals > burst
    }

    static let abuseWindowMs: UInt64 = 10_000
}
