import LiveTSHTML
import LiveTSNet

/// The engine of one server: it owns the network layer, the component
/// registry and the broker, and speaks the LiveTS protocol. Public methods
/// are thread-safe: they copy their input and run it on the loop thread.
public final class LiveEngine: ServerDelegate {
    public let loop: EventLoop
    /// Every socket of this server, HTTP and WebSocket alike.
    public let http: SocketServer
    public let mode: EngineMode
    /// Not weak: a weak reference gives its object a side table, and then
    /// every retain and release of it takes the slow path, a few per
    /// message. The host owns the engine and frees it only after `stop`
    /// has joined the loop thread, the only thread that calls it.
    private(set) unowned(unsafe) var host: EngineHost?
    var registry = ComponentRegistry()
    var broker = Broker()
    /// Presence table and node identity (PresenceEngine.swift).
    var presence = PresenceTracker()
    /// Set by useRedis when the server is one node of several (RedisEngine.swift).
    var redis: RedisBridge?
    private enum State { case created, running, stopped }
    private var state = State.created
    /// Frames answered with "x", for diagnostics and tests.
    public internal(set) var refusedMessages = 0
    /// Diffs and pub/sub traffic, for the host's metrics (Traffic.swift).
    var traffic = Traffic()
    /// Per connection: what the host has in hand, the views joined, the
    /// rate budgets (LiveRouting.swift).
    var ledgers: [UInt64: ConnectionLedger] = [:]
    /// Bytes of every connection's unanswered messages together.
    var hostBacklogBytes = 0
    /// Connections whose reads pause until `hostBacklogBytes` halves.
    var pausedForServerBacklog: Set<UInt64> = []
    /// Presence diffs waiting for the next batch (PresenceBatch.swift).
    var presenceBatch = PresenceBatch()
    /// Uploads allowed by the host and being written (LiveEngine-uploads.swift).
    var uploads = UploadTable()
    private(set) lazy var presenceFlushTimer = LoopTimer { [unowned(unsafe) self] in self.flushPresenceBatch() }

    public let limits: LiveLimits

    public init(settings: ServerSettings, limits: LiveLimits = LiveLimits(), mode: EngineMode, host: EngineHost) throws {
        self.limits = limits
        loop = try EventLoop()
        http = SocketServer(loop: loop, settings: settings)
        self.mode = mode
        self.host = host
        http.delegate = self
    }

    public func addStatic(_ mount: StaticMount) { http.addStatic(mount) }

    /// Binds and starts the loop thread; with `listening` false, starts it
    /// with no socket bound, for connections handed over by `adopt`.
    public func start(listening: Bool = true) throws {
        guard state == .created else { return }
        do {
            if listening { try http.listen() } else { http.startUnbound() }
            try loop.startThread()
            state = .running
        } catch {
            state = .stopped
            loop.discard { http.closeAll() }
            throw error
        }
    }

    public var port: Int32 { http.port }
    public var isRunning: Bool { state == .running }

    /// Closes everything and joins the loop thread. Not from a callback.
    public func stop() {
        switch state {
        case .created:
            // Never started: the loop still owns what uv_loop_init allocated.
            state = .stopped
            loop.discard { http.closeAll() }
        case .running:
            state = .stopped
            loop.shutdown { [self] in
                presence.silenced = true
                presenceFlushTimer.close()
                http.closeAll()
                // Partial files go even if a connection's close is still on its way.
                for connection in Array(uploads.byConnection.keys) { discardUploads(of: connection) }
                redis?.close()
            }
        case .stopped:
            break
        }
    }

    public var isOnLoopThread: Bool { loop.isOnLoopThread }

    /// Counters, read on the loop thread (see lts_server_stats).
    public struct Stats {
        public var connections = 0, webSockets = 0, components = 0, topics = 0, subscriptions = 0
        public var slowConsumersClosed = 0, originsRejected = 0, messagesRefused = 0
        public var redisConnected = false, redisReconnects: UInt64 = 0, redisDroppedPublishes: UInt64 = 0
        /// By RefusalCause raw value.
        public var refusals: [UInt64] = []
        public var traffic = Traffic()
    }

    /// Blocks until the loop thread has filled in the counters; nil if the loop is gone.
    public func stats() -> Stats? {
        let read = { [self] () -> Stats in
            Stats(connections: http.connectionCount, webSockets: http.webSocketCount, components: registry.count,
                  topics: broker.topicCount, subscriptions: broker.subscriptionCount,
                  slowConsumersClosed: http.slowConsumersClosed, originsRejected: http.rejectedOrigins,
                  messagesRefused: refusedMessages, redisConnected: redis?.connected ?? false,
                  redisReconnects: redis?.reconnects ?? 0, redisDroppedPublishes: redis?.droppedPublishes ?? 0,
                  refusals: http.refusals.counts, traffic: traffic)
        }
        if loop.isOnLoopThread { return read() }
        return loop.runAndWait(read)
    }

    // MARK: - Thread-safe calls from the host

    public func respond(request: UInt64, status: Int, headers: [UInt8], body: [UInt8]) {
        loop.runOrPost { [self] in http.respond(request: request, status: status, headers: headers, body: body) }
    }

    /// Borrows the bytes: framed straight from them on the loop thread (a
    /// host answering inside a callback), copied only when posted. The
    /// direct case is checked here, not through runOrPost, because a closure
    /// passed to it is allocated even when it runs at once.
    public func send(connection: UInt64, text: UnsafeRawBufferPointer) {
        send(connection, .text, text)
    }

    public func send(connection: UInt64, binary: UnsafeRawBufferPointer) {
        send(connection, .binary, binary)
    }

    private func send(_ connection: UInt64, _ opcode: WebSocketOpcode, _ payload: UnsafeRawBufferPointer) {
        if loop.canRunDirectly {
            http.send(connection, opcode, payload: payload)
        } else {
            let copy = Array(payload)
            loop.post { [self] in copy.withUnsafeBytes { _ = http.send(connection, opcode, payload: $0) } }
        }
    }

    public func close(connection: UInt64, code: UInt16, reason: [UInt8]) {
        loop.runOrPost { [self] in http.close(connection, code: code, reason: reason) }
    }

    public func register(connection: UInt64, component: [UInt8], ref: UInt64, html: [UInt8]) {
        loop.runOrPost { [self] in
            guard http.hasConnection(connection) else { return }
            let join = answered(connection, ref, refused: false)
            let key = ComponentRegistry.Key(connection: connection, component: component)
            // Stream items go as a patch after the render, which (like the
            // kept markup) has their containers empty.
            // Renders with stream items are one-offs: parsed outside the shared cache.
            let split = StreamSplit.mentionsStream(html) ? StreamSplit.split(HTMLDocument(html), mentioned: true) : nil
            let kept = split?.kept ?? html
            registry[key] = ComponentRegistry.Entry(html: kept, seq: split == nil ? 1 : 2)
            // The browser still shows this very HTML (the page's first
            // render): the join is answered without it.
            let unchanged = split == nil && join?.fingerprint.map { $0 == PageFingerprint.of(html) } == true
            http.send(connection, text: unchanged ? ServerMessage.renderUnchanged(component: component, seq: 1, ref: ref)
                                                  : ServerMessage.render(component: component, seq: 1, ref: ref, html: kept))
            if let split = split {
                let ops = StreamSplit.append(split.ops, to: [UInt8(ascii: "["), UInt8(ascii: "]")])
                http.send(connection, text: ServerMessage.patch(component: component, seq: 2, ref: 0, ops: ops))
            }
        }
    }

    public func update(connection: UInt64, component: [UInt8], ref: UInt64, html: [UInt8]) {
        loop.runOrPost { [self] in
            replace(connection: connection, component: component, ref: ref, html: html)
        }
    }

    /// On the loop: diffs `html` against the component's last HTML and sends the patch.
    func replace(connection: UInt64, component: [UInt8], ref: UInt64, html: [UInt8]) {
            answered(connection, ref, refused: false)
            let key = ComponentRegistry.Key(connection: connection, component: component)
            guard var entry = registry[key] else { return }
            let started = Traffic.now()
            let old = entry.tree ?? registry.diffs.document(for: entry.html)
            // Renders with stream items are one-offs: parsed outside the
            // shared cache, which keeps what other viewers may render too.
            let mentionsStream = StreamSplit.mentionsStream(html)
            var new = mentionsStream ? HTMLDocument(html) : registry.diffs.document(for: html)
            var kept = html
            var streamOps: [UInt8] = []
            if mentionsStream, let split = StreamSplit.split(new, mentioned: true) {
                kept = split.kept
                streamOps = split.ops
                new = registry.diffs.document(for: kept)
            }
            let ops = StreamSplit.append(streamOps, to: registry.diffs.patch(from: old, to: new))
            traffic.diffed(since: started, patchBytes: ops.count)
            entry.html = kept
            entry.tree = new
            entry.seq += 1
            registry[key] = entry
            http.send(connection, text: ServerMessage.patch(component: component, seq: entry.seq, ref: ref, ops: ops))
    }

    public func unregister(connection: UInt64, component: [UInt8]) {
        loop.runOrPost { [self] in
            let key = ComponentRegistry.Key(connection: connection, component: component)
            registry[key] = nil
            broker.unsubscribeAll(.component(key))
        }
    }

    public func replyError(connection: UInt64, component: [UInt8], ref: UInt64, reason: [UInt8]) {
        loop.runOrPost { [self] in
            answered(connection, ref, refused: true)
            http.send(connection, text: ServerMessage.refused(component: component, ref: ref, reason: reason))
        }
    }

    public func subscribe(connection: UInt64, component: [UInt8], topic: [UInt8]) {
        loop.runOrPost { [self] in
            let key = ComponentRegistry.Key(connection: connection, component: component)
            guard registry[key] != nil else { return }
            add(.component(key), to: topic)
        }
    }

    public func unsubscribe(connection: UInt64, component: [UInt8], topic: [UInt8]) {
        loop.runOrPost { [self] in
            broker.unsubscribe(.component(ComponentRegistry.Key(connection: connection, component: component)), from: topic)
        }
    }

    /// Subscribes a connection itself: publishes reach it as raw text frames.
    public func subscribe(connection: UInt64, topic: [UInt8]) {
        loop.runOrPost { [self] in
            guard http.hasConnection(connection) else { return }
            add(.connection(connection), to: topic)
        }
    }

    public func unsubscribe(connection: UInt64, topic: [UInt8]) {
        loop.runOrPost { [self] in
            broker.unsubscribe(.connection(connection), from: topic)
        }
    }

    /// Subscribes the host itself, not a browser: publishes reach it through
    /// `engineInfo` with connection 0 and no component, so a process can keep
    /// shared state in step with other nodes even while no view is open.
    public func subscribeHost(topic: [UInt8]) {
        loop.runOrPost { [self] in add(.host, to: topic) }
    }

    public func unsubscribeHost(topic: [UInt8]) {
        loop.runOrPost { [self] in broker.unsubscribe(.host, from: topic) }
    }

    /// Topics starting with this are the core's own: anyone may subscribe,
    /// only the core publishes or tracks presence on them, so what arrives
    /// there can be trusted.
    public static let reservedTopicPrefix = Array("lts:".utf8)
    /// Local only: `{"connected":true|false,"reconnects":N[,"error":"…"]}` each time the Redis link changes.
    public static let redisLinkTopic = Array("lts:redis".utf8)

    /// Loop thread. A new subscriber of the Redis link topic hears the
    /// link's state at once, as a retained message, so one that subscribes
    /// after the last change (a refusal, say) still learns it.
    private func add(_ subscriber: Subscriber, to topic: [UInt8]) {
        guard broker.subscribe(subscriber, to: topic), topic == Self.redisLinkTopic, let state = redisLinkState() else { return }
        deliverPublish(state, on: topic, to: subscriber)
    }

    public static func isReserved(topic: [UInt8]) -> Bool { topic.starts(with: reservedTopicPrefix) }

    /// Delivers here at once and, with Redis, once to the other nodes.
    public func publish(topic: [UInt8], data: [UInt8]) {
        loop.runOrPost { [self] in
            traffic.publishes &+= 1
            deliverLocally(topic: topic, data: data)
            redis?.publish(topic: topic, data: data)
        }
    }

    /// Local fan-out, shared by local publishes, other nodes' publishes and presence diffs.
    func deliverLocally(topic: [UInt8], data: [UInt8]) {
        var rawConnections: [UInt64] = []
        for subscriber in broker.subscribers(of: topic) {
            // Connections are gathered so the frame is encoded once for all of them.
            if case .connection(let connection) = subscriber {
                rawConnections.append(connection)
            } else {
                deliverPublish(data, on: topic, to: subscriber)
            }
        }
        if !rawConnections.isEmpty {
            traffic.deliveries &+= UInt64(rawConnections.count)
            http.send(rawConnections, text: data)
        }
    }

    /// Delivers one publish to one subscriber.
    private func deliverPublish(_ data: [UInt8], on topic: [UInt8], to subscriber: Subscriber) {
        traffic.deliveries &+= 1
        switch subscriber {
        case .host:
            host?.engineInfo(connection: 0, component: [], topic: topic, data: data)
        case .connection(let connection):
            http.send([connection], text: data)
        case .component(let key):
            host?.engineInfo(connection: key.connection, component: key.component, topic: topic, data: data)
        }
    }

    // MARK: - ServerDelegate (loop thread)

    public func server(_ server: SocketServer, request: HTTPRequest, id: UInt64) {
        if let host {
            host.engineRequest(request, id: id)
        } else {
            server.respond(request: id, status: 503, headers: [], body: [])
        }
    }

    public func server(_ server: SocketServer, notice: RefusalNotice) {
        host?.engineNotice(notice)
    }

    public func server(_ server: SocketServer, didOpen connection: UInt64, request: HTTPRequest) {
        host?.engineOpen(connection: connection, request: request)
    }

    public func server(_ server: SocketServer, didClose connection: UInt64, code: UInt16) {
        for key in registry.removeConnection(connection) { broker.unsubscribeAll(.component(key)) }
        broker.unsubscribeAll(.connection(connection))
        forgetLedger(of: connection)
        discardUploads(of: connection)
        presenceConnectionClosed(connection)
        host?.engineClose(connection: connection, code: code)
    }
}
