import CLibUV

/// This node's view of presence: the table, who it is, and when each other
/// node was last heard from. Loop thread only.
struct PresenceTracker {
    let nodeID = RedisNode.makeID()
    var table = PresenceTable()
    var lastSeen: [[UInt8]: UInt64] = [:]
    /// Set while the server stops: closing connections then untrack
    /// silently, since the "bye" message covers them for other nodes.
    var silenced = false

    /// A node silent for this many heartbeats is considered dead.
    static let missedHeartbeats: UInt64 = 3
}

/// Presence in the manner of Phoenix.Presence. Joins and leaves reach every
/// subscriber of the topic as a publish of
/// `{"presence_diff":{"joins":{key:[meta…]},"leaves":{key:[meta…]}}}`,
/// delivered on each node from its own table, so a diff is never
/// forwarded between nodes twice.
extension LiveEngine {
    public func presenceTrack(connection: UInt64, topic: [UInt8], key: [UInt8], meta: [UInt8]) {
        loop.post { [self] in
            guard http.hasConnection(connection), !presence.silenced else { return }
            let entry = PresenceEntry(node: presence.nodeID, conn: connection, topic: topic, key: key, meta: meta)
            var diffs = PresenceDiffs()
            presence.table.upsert(entry, into: &diffs)
            guard !diffs.isEmpty else { return }
            deliverPresence(diffs)
            redis?.publishPresence(.join, RedisEnvelope.encode([entry]))
        }
    }

    public func presenceUntrack(connection: UInt64, topic: [UInt8], key: [UInt8]) {
        loop.post { [self] in
            var diffs = PresenceDiffs()
            presence.table.remove(node: presence.nodeID, conn: connection, topic: topic, key: key, into: &diffs)
            announceLocalLeaves(diffs)
        }
    }

    /// `{key:[meta…]}` of every node's entries on `topic`; nil if the loop is gone.
    public func presenceList(topic: [UInt8]) -> [UInt8]? {
        if loop.isOnLoopThread { return presence.table.list(topic) }
        return loop.runAndWait { [self] in presence.table.list(topic) }
    }

    /// From didClose: a closed connection's presences leave.
    func presenceConnectionClosed(_ connection: UInt64) {
        var diffs = PresenceDiffs()
        presence.table.removeConnection(node: presence.nodeID, conn: connection, into: &diffs)
        announceLocalLeaves(diffs)
    }

    private func announceLocalLeaves(_ diffs: PresenceDiffs) {
        guard !diffs.isEmpty, !presence.silenced else { return }
        deliverPresence(diffs)
        redis?.publishPresence(.leave, RedisEnvelope.encode(diffs.values.flatMap(\.leaves)))
    }

    /// Diffs reach subscribers in batches (PresenceBatch): the first change
    /// of a quiet moment opens a window, and what changed meanwhile goes out
    /// as one diff per topic when it ends.
    func deliverPresence(_ diffs: PresenceDiffs) {
        guard !presence.silenced else { return }
        presenceBatch.add(diffs)
        guard !presenceBatch.isEmpty else { return }
        presenceFlushTimer.arm(loop: loop.loop, afterMs: PresenceBatch.windowMs)
    }

    func flushPresenceBatch() {
        let batch = presenceBatch.take()
        guard !presence.silenced else { return }
        for (topic, diff) in batch { deliverLocally(topic: topic, data: diff.json) }
    }

    // MARK: - Other nodes, through Redis

    func presenceFromNode(_ node: [UInt8], kind: RedisEnvelope.PresenceKind, body: ArraySlice<UInt8>) {
        presence.lastSeen[node] = uv_now(loop.loop)
        var diffs = PresenceDiffs()
        switch kind {
        case .join:
            guard let entries = RedisEnvelope.decode(body, node: node) else { return }
            for entry in entries { presence.table.upsert(entry, into: &diffs) }
        case .leave:
            guard let entries = RedisEnvelope.decode(body, node: node) else { return }
            for e in entries { presence.table.remove(node: node, conn: e.conn, topic: e.topic, key: e.key, into: &diffs) }
        case .state:
            guard let entries = RedisEnvelope.decode(body, node: node) else { return }
            presence.table.replaceNode(node, with: entries, into: &diffs)
        case .request:
            announcePresenceState()
        case .bye:
            presence.lastSeen[node] = nil
            presence.table.removeNode(node, into: &diffs)
        }
        deliverPresence(diffs)
    }

    /// The full local state doubles as the heartbeat: it repairs whatever
    /// joins or leaves another node missed.
    func announcePresenceState() {
        redis?.publishPresence(.state, RedisEnvelope.encode(presence.table.entries(of: presence.nodeID)))
    }

    /// Every heartbeat: announce, then drop the entries of nodes silent for
    /// `missedHeartbeats` heartbeats (a crashed process, or our own Redis
    /// outage; either way the entries return with the next full state).
    func presenceHeartbeat(intervalMs: UInt64) {
        announcePresenceState()
        let now = uv_now(loop.loop)
        let limit = intervalMs * PresenceTracker.missedHeartbeats
        var diffs = PresenceDiffs()
        for (node, seen) in presence.lastSeen where now &- seen > limit {
            presence.lastSeen[node] = nil
            presence.table.removeNode(node, into: &diffs)
        }
        deliverPresence(diffs)
    }
}
