/// The engine's side of the Redis bridge (see RedisBridge for the protocol
/// and the outage behaviour).
extension LiveEngine: RedisBridgeDelegate {
    /// Presence heartbeat period; a node unheard for three of them is dropped.
    public static let presenceHeartbeatMs: UInt64 = 1500

    /// Before start. The bridge starts with the loop thread: the closure
    /// waits in the loop's queue until the loop runs (and is dropped if the
    /// server never starts).
    public func useRedis(_ endpoint: RedisEndpoint) {
        guard redis == nil, !isRunning else { return }
        let bridge = RedisBridge(endpoint: endpoint, nodeID: presence.nodeID, loop: loop.loop,
                                 heartbeatMs: LiveEngine.presenceHeartbeatMs)
        bridge.delegate = self
        redis = bridge
        loop.post { bridge.start() }
    }

    /// The node id other servers see in this server's messages.
    public var nodeID: String { String(decoding: presence.nodeID, as: UTF8.self) }

    func bridgeDidConnect() {
        // Our state first, then ask everyone for theirs: after a restart of
        // Redis or of this node, presence converges within one round trip.
        announcePresenceState()
        redis?.publishPresence(.request)
        announceRedisLink()
    }

    func bridgeDidDisconnect() {
        announceRedisLink()
    }

    /// Tells this node's subscribers of `redisLinkTopic` that the link went
    /// up or down, so a host can re-sync state it keeps itself (messages
    /// published during an outage are not replayed).
    private func announceRedisLink() {
        guard let redis else { return }
        let text = "{\"connected\":\(redis.connected),\"reconnects\":\(redis.reconnects)}"
        deliverLocally(topic: LiveEngine.redisLinkTopic, data: Array(text.utf8))
    }

    func bridgeReceived(topic: [UInt8], data: [UInt8]) {
        deliverLocally(topic: topic, data: data)
    }

    func bridgeReceivedPresence(node: [UInt8], kind: RedisEnvelope.PresenceKind, body: ArraySlice<UInt8>) {
        presenceFromNode(node, kind: kind, body: body)
    }

    func bridgeTick() {
        presenceHeartbeat(intervalMs: LiveEngine.presenceHeartbeatMs)
    }
}
