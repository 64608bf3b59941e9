import LiveTSHTML
import LiveTSNet

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

    func bridgeIsDown() {
        announceRedisLink()
    }

    /// Tells this node's subscribers of `redisLinkTopic` that the link went
    /// up or down (and why), so a host can report it and re-sync state it
    /// keeps itself: messages published during an outage are not replayed.
    private func announceRedisLink() {
        guard let state = redisLinkState() else { return }
        deliverLocally(topic: LiveEngine.redisLinkTopic, data: state)
    }

    /// The link as `redisLinkTopic` tells it; nil with no Redis, or before the first attempt has an outcome.
    func redisLinkState() -> [UInt8]? {
        guard let redis, redis.connected || redis.downReason != nil else { return nil }
        var text = Array("{\"connected\":\(redis.connected),\"reconnects\":\(redis.reconnects)".utf8)
        if !redis.connected, let reason = redis.downReason {
            text += Array(",\"error\":".utf8)
            // hiredis and Redis words are ASCII in practice; anything else must not break the JSON.
            appendJSONString(UTF8Validator.isValid(reason) ? reason : Array("unreadable error".utf8), to: &text)
        }
        text.append(UInt8(ascii: "}"))
        return text
    }

    func bridgeReceived(topic: [UInt8], data: [UInt8]) {
        traffic.remotePublishes &+= 1
        deliverLocally(topic: topic, data: data)
    }

    func bridgeReceivedPresence(node: [UInt8], kind: RedisEnvelope.PresenceKind, body: ArraySlice<UInt8>) {
        presenceFromNode(node, kind: kind, body: body)
    }

    func bridgeTick() {
        presenceHeartbeat(intervalMs: LiveEngine.presenceHeartbeatMs)
    }
}
