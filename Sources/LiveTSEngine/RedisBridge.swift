import CHiredis
import CLibUV
import LiveTSNet

/// What the bridge hands to the engine, always on the loop thread.
protocol RedisBridgeDelegate: AnyObject {
    func bridgeDidConnect()
    /// The link is down (`downReason` says why): just lost, or an attempt
    /// failed for a reason other than the last one reported, so a long
    /// outage is one or two calls, not one per attempt. Not called on close.
    func bridgeIsDown()
    func bridgeReceived(topic: [UInt8], data: [UInt8])
    func bridgeReceivedPresence(node: [UInt8], kind: RedisEnvelope.PresenceKind, body: ArraySlice<UInt8>)
    func bridgeTick()
}

/// Links one server to the others through Redis pub/sub, on the server's own
/// uv loop: one connection PSUBSCRIBEs, one PUBLISHes (a subscribed Redis
/// connection cannot publish).
///
/// One PSUBSCRIBE of "livets:*" rather than a SUBSCRIBE per topic with local
/// subscribers: it is a single subscription to restore after a reconnect,
/// components joining and leaving cause no SUBSCRIBE/UNSUBSCRIBE traffic, and
/// it avoids a hiredis 0.14 race where an UNSUBSCRIBE reply arriving after a
/// re-SUBSCRIBE of the same channel drops that channel's callback. The cost
/// is that a node also receives publishes for topics it has no subscriber
/// for and drops them after one hash lookup, which suits the handful of
/// nodes a shared Redis serves.
///
/// When Redis goes away both connections are dropped and reopened together
/// after an exponential backoff (100 ms doubling to 5 s, with jitter so a
/// restarted Redis is not hit by every node at once). A connection attempt
/// that has not completed within 2 s counts as failed. While disconnected,
/// publishes are delivered locally only and counted in `droppedPublishes`.
///
/// With a password in the URL, both connections send AUTH first; hiredis
/// answers commands in order, so the PSUBSCRIBE after it runs
/// authenticated. A refused AUTH (or NOAUTH without one) fails the attempt
/// like a refused connection, with Redis's words as the reason, and is
/// retried with the same backoff: the password may be about to change.
final class RedisBridge {
    let endpoint: RedisEndpoint
    let nodeID: [UInt8]
    /// Not weak (see LiveEngine.host): the engine owns the bridge and closes it on its loop thread.
    unowned(unsafe) var delegate: RedisBridgeDelegate?
    /// How often presence heartbeats go out and silent nodes are swept.
    let heartbeatMs: UInt64

    private(set) var connected = false
    private(set) var reconnects: UInt64 = 0
    private(set) var droppedPublishes: UInt64 = 0
    /// The reason last handed to `bridgeIsDown`; cleared when the link is up.
    private(set) var downReason: [UInt8]?

    private let loop: UnsafeMutablePointer<uv_loop_t>
    private var subscriber: UnsafeMutablePointer<redisAsyncContext>?
    private var publisher: UnsafeMutablePointer<redisAsyncContext>?
    private var subscribed = false
    private var publisherUp = false
    private var everConnected = false
    private var attempt = 0
    private var closed = false
    private var started = false
    private var random: UInt64
    private let retryTimer: UnsafeMutablePointer<uv_timer_t>
    private let tickTimer: UnsafeMutablePointer<uv_timer_t>
    private enum TimerPurpose { case retry, deadline, closing }
    private var timerPurpose = TimerPurpose.retry

    static let initialBackoffMs: UInt64 = 100
    static let maxBackoffMs: UInt64 = 5000
    static let connectDeadlineMs: UInt64 = 2000
    /// How long stop waits for Redis to take the final messages.
    static let closeGraceMs: UInt64 = 500

    init(endpoint: RedisEndpoint, nodeID: [UInt8], loop: UnsafeMutablePointer<uv_loop_t>, heartbeatMs: UInt64) {
        self.endpoint = endpoint
        self.nodeID = nodeID
        self.loop = loop
        self.heartbeatMs = heartbeatMs
        retryTimer = .allocate(capacity: 1)
        tickTimer = .allocate(capacity: 1)
        random = nodeID.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    deinit {
        // The loop has run the timers' close callbacks by now (the engine
        // drops the bridge only after its loop thread has been joined).
        retryTimer.deallocate()
        tickTimer.deallocate()
    }

    private var opaqueSelf: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Loop thread.
    func start() {
        guard !started, !closed else { return }
        started = true
        uv_timer_init(loop, retryTimer)
        uv_timer_init(loop, tickTimer)
        retryTimer.pointee.data = opaqueSelf
        tickTimer.pointee.data = opaqueSelf
        uv_timer_start(tickTimer, { timer in
            guard let data = timer?.pointee.data else { return }
            let bridge = Unmanaged<RedisBridge>.fromOpaque(data).takeUnretainedValue()
            if !bridge.closed { bridge.delegate?.bridgeTick() }
        }, heartbeatMs, heartbeatMs)
        connect()
    }

    // MARK: - Sending

    /// One PUBLISH of a local publish, for the other nodes.
    func publish(topic: [UInt8], data: [UInt8]) {
        guard connected, let publisher else {
            droppedPublishes += 1
            return
        }
        command(publisher, [Array("PUBLISH".utf8), RedisEnvelope.topicPrefix + topic, RedisEnvelope.wrap(node: nodeID, data)])
    }

    /// Presence messages are not queued during an outage either: a full
    /// state goes out on reconnect, which supersedes them.
    func publishPresence(_ kind: RedisEnvelope.PresenceKind, _ body: [UInt8] = []) {
        guard connected, let publisher else { return }
        command(publisher, [Array("PUBLISH".utf8), RedisEnvelope.presenceChannel, RedisEnvelope.wrap(node: nodeID, [kind.rawValue] + body)])
    }

    private func command(_ context: UnsafeMutablePointer<redisAsyncContext>, _ args: [[UInt8]],
                         callback: ReplyCallback? = nil) {
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        // hiredis copies the arguments into its output buffer before returning.
        let storage = args.map { arg -> UnsafeMutablePointer<CChar> in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(arg.count, 1))
            arg.withUnsafeBytes { raw in
                if let base = raw.baseAddress { UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: arg.count) }
            }
            return p
        }
        defer { storage.forEach { $0.deallocate() } }
        for (i, arg) in args.enumerated() {
            pointers.append(UnsafePointer(storage[i]))
            lengths.append(arg.count)
        }
        _ = redisAsyncCommandArgv(context, callback, nil, Int32(args.count), &pointers, &lengths)
    }

    // MARK: - Connection state

    private func connect() {
        guard !closed else { return }
        var reason: [UInt8] = []
        subscriber = open(&reason)
        publisher = open(&reason)
        guard let subscriber, let publisher else {
            connectionLost(reason)
            return
        }
        if let password = endpoint.password {
            let auth = [Array("AUTH".utf8)] + (endpoint.username.map { [$0] } ?? []) + [password]
            command(subscriber, auth, callback: authReply)
            command(publisher, auth, callback: authReply)
        }
        command(subscriber, [Array("PSUBSCRIBE".utf8), RedisEnvelope.pattern], callback: subscriptionReply)
        arm(.deadline, RedisBridge.connectDeadlineMs)
    }

    private func open(_ reason: inout [UInt8]) -> UnsafeMutablePointer<redisAsyncContext>? {
        guard let context = redisAsyncConnect(endpoint.host, endpoint.port) else {
            reason = Array("out of memory".utf8)
            return nil
        }
        guard lts_redis_error(context) == 0, lts_redis_attach(context, loop) == REDIS_OK else {
            reason = RedisBridge.reason(of: context)
            redisAsyncFree(context)
            return nil
        }
        lts_redis_set_data(context, opaqueSelf)
        redisAsyncSetConnectCallback(context) { context, status in
            guard let context, let data = lts_redis_get_data(context) else { return }
            Unmanaged<RedisBridge>.fromOpaque(data).takeUnretainedValue().didConnect(context, ok: status == REDIS_OK)
        }
        redisAsyncSetDisconnectCallback(context) { context, _ in
            guard let context, let data = lts_redis_get_data(context) else { return }
            Unmanaged<RedisBridge>.fromOpaque(data).takeUnretainedValue().didDisconnect(context)
        }
        return context
    }

    private func didConnect(_ context: UnsafePointer<redisAsyncContext>, ok: Bool) {
        guard !closed else { return }
        let isPublisher = UnsafePointer(publisher) == context
        let isSubscriber = UnsafePointer(subscriber) == context
        guard isPublisher || isSubscriber else { return }
        guard ok else {
            // hiredis frees a context whose connect failed, after this callback.
            if isPublisher { publisher = nil } else { subscriber = nil }
            connectionLost(RedisBridge.reason(of: context))
            return
        }
        if isPublisher { publisherUp = true }
        becameReadyIfComplete()
    }

    private func didDisconnect(_ context: UnsafePointer<redisAsyncContext>) {
        // hiredis frees the context after this callback returns.
        if UnsafePointer(publisher) == context {
            publisher = nil
        } else if UnsafePointer(subscriber) == context {
            subscriber = nil
        } else {
            return
        }
        if closed {
            if publisher == nil && subscriber == nil { finishClosing() }
            return
        }
        connectionLost(RedisBridge.reason(of: context))
    }

    /// hiredis's words for why `context` failed; Redis's own for an error reply it got unasked.
    private static func reason(of context: UnsafePointer<redisAsyncContext>) -> [UInt8] {
        let text = Array(String(cString: lts_redis_errstr(context)).utf8)
        return text.isEmpty ? Array("connection closed".utf8) : text
    }

    /// Redis refused AUTH: the attempt fails with its words.
    fileprivate func refused(_ context: UnsafeMutablePointer<redisAsyncContext>, _ message: [UInt8]) {
        guard !closed, context == subscriber || context == publisher else { return }
        // Freeing a context inside its own reply callback is deferred by hiredis until the callback returns.
        connectionLost(message)
    }

    /// The bridge is up once the publisher is connected and the pattern
    /// subscription is confirmed, so "connected" means messages flow both ways.
    private func becameReadyIfComplete() {
        guard publisherUp, subscribed, !connected else { return }
        connected = true
        downReason = nil
        uv_timer_stop(retryTimer)
        if everConnected { reconnects += 1 }
        everConnected = true
        attempt = 0
        delegate?.bridgeDidConnect()
    }

    fileprivate func received(_ context: UnsafeMutablePointer<redisAsyncContext>, _ reply: UnsafeMutablePointer<redisReply>?) {
        // A NULL reply is hiredis tearing the context down.
        guard !closed, context == subscriber, let reply, reply.pointee.type == REDIS_REPLY_ARRAY,
              reply.pointee.elements >= 3, let elements = reply.pointee.element else { return }
        func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
            guard let element = elements[i], element.pointee.type == REDIS_REPLY_STRING, let str = element.pointee.str else { return nil }
            return UnsafeBufferPointer(start: UnsafeRawPointer(str).assumingMemoryBound(to: UInt8.self), count: element.pointee.len)
        }
        guard let kind = bytes(0) else { return }
        if kind.elementsEqual("psubscribe".utf8) {
            subscribed = true
            becameReadyIfComplete()
            return
        }
        guard kind.elementsEqual("pmessage".utf8), reply.pointee.elements >= 4, let channel = bytes(2), let payload = bytes(3),
              let (node, body) = RedisEnvelope.unwrap(payload), node != nodeID else { return }
        if channel.starts(with: RedisEnvelope.topicPrefix) {
            let topic = Array(channel.dropFirst(RedisEnvelope.topicPrefix.count))
            guard !topic.isEmpty, UTF8Validator.isValid(Array(body)) else { return }
            delegate?.bridgeReceived(topic: topic, data: Array(body))
        } else if channel.elementsEqual(RedisEnvelope.presenceChannel), let first = body.first,
                  let presenceKind = RedisEnvelope.PresenceKind(rawValue: first) {
            delegate?.bridgeReceivedPresence(node: node, kind: presenceKind, body: body.dropFirst())
        }
    }

    /// Drops both connections and schedules the next attempt.
    private func connectionLost(_ reason: [UInt8]) {
        let wasConnected = connected
        dropConnections()
        guard !closed else { return }
        if wasConnected || reason != downReason {
            downReason = reason
            delegate?.bridgeIsDown()
        }
        let ceiling = min(RedisBridge.maxBackoffMs, RedisBridge.initialBackoffMs << UInt64(min(attempt, 10)))
        attempt += 1
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        // Full jitter over the upper half keeps the doubling yet spreads nodes out.
        let delay = ceiling / 2 + random % (ceiling / 2 + 1)
        arm(.retry, delay)
    }

    private func dropConnections() {
        connected = false
        subscribed = false
        publisherUp = false
        let s = subscriber, p = publisher
        subscriber = nil
        publisher = nil
        // Freeing runs the disconnect callback, which finds neither pointer and returns.
        if let s { redisAsyncFree(s) }
        if let p { redisAsyncFree(p) }
    }

    private func arm(_ purpose: TimerPurpose, _ ms: UInt64) {
        timerPurpose = purpose
        uv_timer_start(retryTimer, { timer in
            guard let data = timer?.pointee.data else { return }
            Unmanaged<RedisBridge>.fromOpaque(data).takeUnretainedValue().timerFired()
        }, ms, 0)
    }

    private func timerFired() {
        switch timerPurpose {
        case .retry:
            connect()
        case .deadline:
            if !connected { connectionLost(Array("no answer from Redis within 2 s".utf8)) }
        case .closing:
            // Redis did not take the last messages in time: let them go.
            dropConnections()
            finishClosing()
        }
    }

    // MARK: - Stop

    /// Loop thread, from the server's stop. Says goodbye so other nodes drop
    /// this node's presences at once, lets Redis take what is already
    /// written for at most `closeGraceMs`, and leaves no handle behind, so
    /// the loop can finish. No delegate call happens after this.
    func close() {
        guard started, !closed else { return }
        let wasConnected = connected
        if wasConnected { publishPresence(.bye) }
        closed = true
        connected = false
        uv_timer_stop(tickTimer)
        uv_close(asUVHandle(tickTimer), nil)
        if let s = subscriber {
            subscriber = nil
            redisAsyncFree(s)
        }
        if wasConnected, let p = publisher {
            // Graceful: hiredis flushes and waits for the replies, then calls didDisconnect.
            arm(.closing, RedisBridge.closeGraceMs)
            redisAsyncDisconnect(p)
        } else {
            dropConnections()
            finishClosing()
        }
    }

    private var timerClosed = false

    private func finishClosing() {
        guard !timerClosed else { return }
        timerClosed = true
        uv_timer_stop(retryTimer)
        uv_close(asUVHandle(retryTimer), nil)
    }
}

typealias ReplyCallback = @convention(c) (UnsafeMutablePointer<redisAsyncContext>?, UnsafeMutableRawPointer?,
                                          UnsafeMutableRawPointer?) -> Void

/// AUTH's reply: an error fails the attempt; NULL is hiredis tearing the context down.
private let authReply: ReplyCallback = { context, reply, _ in
    guard let context, let data = lts_redis_get_data(context),
          let reply = reply?.assumingMemoryBound(to: redisReply.self), reply.pointee.type == REDIS_REPLY_ERROR else { return }
    let message = reply.pointee.str.map { Array(UnsafeRawBufferPointer(start: $0, count: reply.pointee.len)) } ?? []
    Unmanaged<RedisBridge>.fromOpaque(data).takeUnretainedValue().refused(context, message)
}

/// Every message of the pattern subscription, and hiredis's NULL reply when
/// it tears the subscriber down.
private let subscriptionReply: ReplyCallback = { context, reply, _ in
    guard let context, let data = lts_redis_get_data(context) else { return }
    Unmanaged<RedisBridge>.fromOpaque(data).takeUnretainedValue()
        .received(context, reply?.assumingMemoryBound(to: redisReply.self))
}

@inline(__always) private func asUVHandle<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: uv_handle_t.self)
}
