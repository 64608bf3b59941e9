import Glibc

/// What the engine did, counted for a host's metrics (lts_server_stats_v2):
/// the diffs of component updates, with their time on the loop thread and
/// the size of the patches they produced, and pub/sub traffic. Loop thread
/// only, like every other counter of the engine.
public struct Traffic {
    /// Component updates diffed.
    public var diffs: UInt64 = 0
    /// Their time on the loop thread, in nanoseconds: parsing the new HTML,
    /// diffing it against the kept tree and encoding the patch operations.
    public var diffNanos: UInt64 = 0
    /// Bytes of the patch operations they produced.
    public var patchBytes: UInt64 = 0
    /// Publishes from this host (lts_publish).
    public var publishes: UInt64 = 0
    /// Publishes from other nodes, received through Redis.
    public var remotePublishes: UInt64 = 0
    /// Messages handed to a subscriber here: a component, a raw connection
    /// or the host; one publish to three subscribers is three.
    public var deliveries: UInt64 = 0

    public init() {}

    /// A monotonic clock reading in nanoseconds, for timing a diff.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    mutating func diffed(since start: UInt64, patchBytes bytes: Int) {
        diffs &+= 1
        diffNanos &+= Traffic.now() &- start
        patchBytes &+= UInt64(bytes)
    }
}
