import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// The TCP listener and every connection on it: HTTP/1.1, WebSocket
/// upgrades and frames, broadcast, deadlines and the limits against one
/// hostile client. Loop thread only, except `listen` (before the thread
/// runs) and the thread-safe wrappers in the engine.
public final class SocketServer {
    public let loop: EventLoop
    public let settings: ServerSettings
    /// Not weak, for the reason given at LiveEngine.host: the delegate owns
    /// the server and outlives its loop thread.
    public unowned(unsafe) var delegate: ServerDelegate?
    public private(set) var port: Int32 = 0
    public private(set) var staticMounts: [StaticMount] = []
    /// The certificate new connections are served with; nil serves plain
    /// HTTP. Set before `listen`; the credentials themselves may be
    /// reloaded from any thread (TLSCredentials).
    public var tls: TLSCredentials?
    /// Slow consumers closed because their outbound buffer overflowed.
    public private(set) var slowConsumersClosed = 0
    /// WebSocket upgrades refused for their Origin.
    public private(set) var rejectedOrigins = 0
    /// Every refusal, counted by cause and reported to the delegate at most
    /// once per cause and connection (or address) per interval.
    public private(set) lazy var refusals = RefusalLog { [unowned(unsafe) self] notice in
        self.delegate?.server(self, notice: notice)
    }
    /// One codec serves every connection (see DeflateCodec).
    let codec = DeflateCodec()
    let gzipCache = GzipCache()
    var cork = WriteCork()
    /// The connection whose read is being handled: a host answering it from
    /// the callback (an echo) finds it without a lookup. Unmanaged: set
    /// only for the length of the read, which holds the connection.
    var readingConnection: Unmanaged<Connection>?

    /// Set by a host that takes every message as it was decoded (the
    /// core's raw mode) instead of through the delegate. Before `listen`.
    public var messageSink: MessageSink?

    /// A decoded message to the sink or the delegate; `payload` is lent for
    /// the call.
    @inline(__always)
    func deliver(_ payload: UnsafeRawBufferPointer, _ opcode: WebSocketOpcode, from connection: UInt64) {
        if let sink = messageSink {
            sink.deliver(sink.target, connection, payload.baseAddress, payload.count, opcode == .binary)
        } else {
            delegate?.server(self, connection: connection, borrowedMessage: payload, opcode: opcode)
        }
    }

    /// `cork.reserve`, as a method: a connection changing the cork through
    /// its unowned(unsafe) server reference would retain the server for it.
    @inline(__always)
    func reserveInCork(_ n: Int) -> UnsafeMutablePointer<UInt8> { cork.reserve(n) }
    static let readBufferSize = 64 * 1024
    /// Shared by the server's connections (see Connection.allocate); one per
    /// server, as servers run on loop threads of their own.
    let readBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: SocketServer.readBufferSize)
    private let sweepTimer: UnsafeMutablePointer<uv_timer_t>
    private var sweepTimerOpen = false
    /// Set by closeAll: connections then close as soon as their writes are
    /// out, without lingering, as no sweep is left to end a linger.
    private(set) var isStopping = false

    private let listener: UnsafeMutablePointer<uv_tcp_t>
    private var listenerOpen = false
    /// Watches every connection's socket (SocketPoller); made when the
    /// server starts, closed once it has stopped and every connection is gone.
    private(set) var poller: SocketPoller?
    var connections: [UInt64: Connection] = [:]
    private var nextConnectionID: UInt64 = 1
    /// Requests handed to the host, by id, waiting for `respond` (or, streamed, for their end).
    var pendingRequests: [UInt64: UInt64] = [:]
    /// Set before the loop starts when the host answers requests as streams
    /// (lts_server_set_http_callbacks): bodies are then read as they come,
    /// in any method, and never whole in memory.
    public var streamsRequests = false
    /// What the host may still do with each streamed request (thread-safe).
    public let responses = ResponseLedger()
    private var nextRequestID: UInt64 = 1

    // Limits against one hostile client (ServerSettings).
    let connectionCounts = ConnectionCounts()
    /// settings.maxConnections, or the descriptor limit's share, fixed at listen.
    public private(set) var connectionLimit = 0
    private var spareDescriptor: SpareDescriptor?
    lazy var pageRate = PageRateLimiter(rate: settings.pageRate, burst: settings.pageBurst)
    /// Long-poll sessions (LongPollServer.swift).
    lazy var longPolls = LongPollTable(path: settings.longPoll.path(webSocketPath: settings.webSocketPath))
    /// Bytes of unfinished WebSocket messages held by all decoders.
    public internal(set) var partialBytes = 0

    public init(loop: EventLoop, settings: ServerSettings) {
        self.loop = loop
        self.settings = settings
        listener = .allocate(capacity: 1)
        sweepTimer = .allocate(capacity: 1)
    }

    deinit {
        listener.deallocate()
        sweepTimer.deallocate()
        readBuffer.deallocate()
        cork.deallocate()
    }

    /// The loop's clock in milliseconds.
    var now: UInt64 { uv_now(loop.loop) }

    public func addStatic(_ mount: StaticMount) { staticMounts.append(mount) }

    /// Binds and listens; runs on the caller's thread before the loop thread starts.
    public func listen() throws {
        let family = settings.host.contains(":") ? AF_INET6 : AF_INET
        // SO_REUSEPORT must be on the socket before bind, so the socket is
        // created now rather than by uv_tcp_bind.
        let initRC = uv_tcp_init_ex(loop.loop, listener, UInt32(settings.reusePort ? family : AF_UNSPEC))
        guard initRC == 0 else { throw UVError(initRC) }
        listenerOpen = true
        try startPoller()
        if settings.reusePort { try setReusePort() }
        listener.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        var storage = sockaddr_storage()
        let rc: Int32 = withUnsafeMutablePointer(to: &storage) { raw in
            let address = UnsafeMutableRawPointer(raw)
            if settings.host.contains(":") {
                let r = uv_ip6_addr(settings.host, settings.port, address.assumingMemoryBound(to: sockaddr_in6.self))
                if r != 0 { return r }
            } else {
                let r = uv_ip4_addr(settings.host, settings.port, address.assumingMemoryBound(to: sockaddr_in.self))
                if r != 0 { return r }
            }
            return uv_tcp_bind(listener, address.assumingMemoryBound(to: sockaddr.self), 0)
        }
        guard rc == 0 else { throw UVError(rc) }
        connectionLimit = settings.maxConnections ?? ConnectionCounts.defaultMaximum()
        spareDescriptor = SpareDescriptor()
        let listenRC = uv_listen(asStream(listener), settings.backlog) { server, status in
            guard let server, let data = server.pointee.data else { return }
            let http = Unmanaged<SocketServer>.fromOpaque(data).takeUnretainedValue()
            if status == 0 {
                http.acceptOne()
            } else if status == UV_EMFILE.rawValue || status == UV_ENFILE.rawValue {
                http.shedWaitingConnections()
            }
        }
        guard listenRC == 0 else { throw UVError(listenRC) }
        startSweep()
        var bound = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &bound) { raw in
            let address = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: sockaddr.self)
            _ = uv_tcp_getsockname(listener, address, &length)
            if raw.pointee.ss_family == sa_family_t(AF_INET6) {
                port = Int32(UInt16(bigEndian: UnsafeMutableRawPointer(raw).assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port))
            } else {
                port = Int32(UInt16(bigEndian: UnsafeMutableRawPointer(raw).assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port))
            }
        }
    }

    private func setReusePort() throws {
        var descriptor: uv_os_fd_t = -1
        let filenoRC = uv_fileno(asHandle(listener), &descriptor)
        guard filenoRC == 0 else { throw UVError(filenoRC) }
        var on: Int32 = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw UVError(-errno)
        }
    }

    /// Starts the deadline sweep and fixes the connection cap without
    /// binding a socket: connections then come only through `adopt`. Runs
    /// on the caller's thread before the loop thread starts, as `listen`.
    public func startUnbound() {
        connectionLimit = settings.maxConnections ?? ConnectionCounts.defaultMaximum()
        // Without a poller (no epoll set to be had) adopted sockets are closed.
        try? startPoller()
        startSweep()
    }

    private func startPoller() throws {
        guard poller == nil else { return }
        guard let made = SocketPoller(loop: loop.loop) else { throw UVError(-errno) }
        poller = made
        made.onReaped = { [unowned(unsafe) self] in self.closePollerIfDone() }
    }

    /// Once stopping, the poller goes with the last connection, so the loop can end.
    private func closePollerIfDone() {
        guard isStopping, connections.isEmpty, let poller else { return }
        poller.close()
    }

    /// One timer checks every connection's deadlines, instead of a timer
    /// per connection: cheaper in memory, and a scan of 10,000 is ~0.1 ms.
    private func startSweep() {
        uv_timer_init(loop.loop, sweepTimer)
        sweepTimer.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        sweepTimerOpen = true
        let shortest = min(settings.headerTimeoutMs, settings.idleTimeoutMs, settings.pingIntervalMs, settings.messageTimeoutMs,
                           settings.bodyTimeoutMs)
        let period = max(10, min(1000, shortest / 4))
        uv_timer_start(sweepTimer, { timer in
            guard let timer, let data = timer.pointee.data else { return }
            let server = Unmanaged<SocketServer>.fromOpaque(data).takeUnretainedValue()
            let now = server.now
            for connection in Array(server.connections.values) { connection.sweep(now: now) }
            server.refusals.sweep(now: now)
            server.pageRate.sweep(now: now)
            server.sweepLongPolls(now: now)
        }, period, period)
    }

    /// libuv accepted the socket (accept4, nonblocking) and would have it
    /// handed to a stream handle with uv_accept: the connection takes the
    /// descriptor itself instead, to watch it in the poller.
    private func acceptOne() {
        let descriptor = listener.pointee.accepted_fd
        guard descriptor >= 0 else { return }
        listener.pointee.accepted_fd = -1
        guard poller != nil else {
            Glibc.close(descriptor)
            return
        }
        let connection = Connection(server: self, id: takeConnectionID())
        guard connection.open(descriptor) else { return }
        admitAndRead(connection)
    }

    func takeConnectionID() -> UInt64 {
        defer { nextConnectionID += 1 }
        return nextConnectionID
    }

    /// Keeps a new connection under the connection caps and starts reading
    /// it, or answers it 503 and closes it; false if it was refused.
    @discardableResult
    func admitAndRead(_ connection: Connection) -> Bool {
        let address = connection.peerAddress
        if connections.count >= connectionLimit {
            refuse(.connections, connection: 0, address: address,
                   detail: "A connection got 503: \(connectionLimit) were open (lts_config.max_connections).")
            connection.refuseAtAccept(ConnectionCounts.refusal())
            return false
        }
        // A trusted proxy carries many clients: its connections are counted
        // against the client their first request names (admitProxied).
        if !settings.trustedProxies.contains(address) {
            guard admit(connection, as: address) else {
                connection.refuseAtAccept(ConnectionCounts.refusal())
                return false
            }
        }
        connections[connection.id] = connection
        connection.startReading()
        return true
    }

    /// Counts `connection` against `address`, or refuses it if that
    /// address has its share open already.
    private func admit(_ connection: Connection, as address: [UInt8]) -> Bool {
        guard connectionCounts.count(of: address) < settings.maxConnectionsPerIP else {
            refuse(.connectionsPerIP, connection: 0, address: address,
                   detail: "A connection got 503: its address had \(settings.maxConnectionsPerIP) open (lts_config.max_connections_per_ip).")
            return false
        }
        connection.countedAs(connectionCounts.add(address))
        return true
    }

    /// A proxied connection is counted once its first request says whose
    /// it is; false (answer 503) if that client has its share open.
    func admitProxied(_ connection: Connection) -> Bool {
        admit(connection, as: connection.clientAddress)
    }

    /// Out of descriptors, with connections waiting: answer them 503 and
    /// close them, through the spare descriptor, rather than leave them to
    /// hang and the listener to be woken for them again and again.
    private func shedWaitingConnections() {
        guard let spareDescriptor else { return }
        var descriptor = uv_os_fd_t(-1)
        guard uv_fileno(asHandle(listener), &descriptor) == 0 else { return }
        let shed = spareDescriptor.shed(listener: descriptor, answer: ConnectionCounts.refusal())
        guard shed > 0 else { return }
        refuse(.connections, connection: 0, address: [],
               detail: "\(shed) connections got 503: the process has no file descriptors left (raise ulimit -n, or lower lts_config.max_connections).")
    }

    /// Closes the listener and every connection (1001 for WebSockets).
    public func closeAll() {
        isStopping = true
        if sweepTimerOpen {
            sweepTimerOpen = false
            uv_timer_stop(sweepTimer)
            uv_close(asHandle(sweepTimer), nil)
        }
        if listenerOpen {
            listenerOpen = false
            uv_close(asHandle(listener), nil)
        }
        // Before the connections, so a held GET is answered 410 while its connection is open.
        closeAllLongPolls()
        for connection in Array(connections.values) {
            connection.shutdown(code: CloseCode.goingAway, reason: Array("server shutting down".utf8))
        }
        // With none left, nothing will be reaped to close it.
        closePollerIfDone()
    }

    // MARK: - Upward events from connections

    func registerRequest(from connection: UInt64) -> UInt64 {
        let id = nextRequestID
        nextRequestID += 1
        pendingRequests[id] = connection
        return id
    }

    /// `webSocketCode`: the code the host is told, for a WebSocket; nil for HTTP.
    func connectionDidClose(_ connection: Connection, webSocketCode: UInt16?) {
        // Connections refused at accept were never counted.
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        if let address = connection.countedAddress { connectionCounts.remove(address) }
        pendingRequests = pendingRequests.filter { $0.value != connection.id }
        if let code = webSocketCode {
            delegate?.server(self, didClose: connection.id, code: code)
        }
    }

    func countSlowConsumer() { slowConsumersClosed += 1 }

    /// Counts and reports a refusal of `connection` (0 before it is a
    /// WebSocket, when `address` groups it instead).
    public func refuse(_ cause: RefusalCause, connection: UInt64, address: [UInt8], detail: String) {
        refusals.refuse(cause, connection: connection, address: address, detail: detail, now: now)
    }

    /// The client address of a connection, empty if it is gone.
    public func clientAddress(of connection: UInt64) -> [UInt8] {
        connections[connection]?.clientAddress ?? longPolls.sessions[connection]?.address ?? []
    }

    func countRejectedOrigin() { rejectedOrigins += 1 }

    /// The host gave a body over maxResponseBytes for request `id`: counted
    /// and reported; the request stays pending for another answer.
    public func refuseOversizedResponse(request id: UInt64, bytes: Int) {
        let address = pendingRequests[id].flatMap { connections[$0]?.clientAddress } ?? []
        refuse(.tooBig, connection: 0, address: address,
               detail: "lts_respond was given a body of \(bytes) bytes, over \(settings.maxResponseBytes) (lts_config.max_response_bytes); the request awaits another answer.")
    }

    // MARK: - Downward calls (loop thread)

    /// Answers a pending request; false if it is unknown or its client left.
    @discardableResult
    public func respond(request id: UInt64, status: Int, headers: [UInt8], body: [UInt8]) -> Bool {
        if case let (connection, exchange)? = streamedRequest(id) {
            connection.respondWhole(exchange, status: status, headers: headers, body: body)
            return true
        }
        guard let connectionID = pendingRequests.removeValue(forKey: id), let connection = connections[connectionID] else { return false }
        connection.finishRequest(status: status, headers: headers, body: body)
        return true
    }

    @discardableResult
    public func send(_ connection: UInt64, text: [UInt8]) -> Bool {
        guard let c = connections[connection], c.isWebSocket else { return text.withUnsafeBytes { sendLongPoll(connection, text: $0) } }
        c.sendFrame(.text, payload: text)
        return true
    }

    @discardableResult
    public func send(_ connection: UInt64, binary: [UInt8]) -> Bool {
        guard let c = connections[connection], c.isWebSocket else { return false }
        c.sendFrame(.binary, payload: binary)
        return true
    }

    @discardableResult
    public func send(_ connection: UInt64, _ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer) -> Bool {
        if let reading = readingConnection {
            // Unmanaged: the read holds the connection, and a strong copy would cost a retain.
            let sent: Bool? = reading._withUnsafeGuaranteedRef { c in
                guard c.id == connection else { return nil }
                guard c.isWebSocket else { return false }
                c.sendFrame(opcode, payload: payload)
                return true
            }
            if let sent { return sent }
        }
        guard let c = connections[connection], c.isWebSocket else { return opcode == .text && sendLongPoll(connection, text: payload) }
        c.sendFrame(opcode, payload: payload)
        return true
    }

    /// Sends one message to many connections: the frame is built (and
    /// compressed) once per kind of connection, not once per connection,
    /// and each receiver then costs one lookup and one send(2).
    public func send(_ connections: [UInt64], text: [UInt8]) {
        var plain: [UInt8]?
        var compressed: [Int32: [UInt8]] = [:]
        let compressible = text.count >= settings.compressionThreshold
        for id in connections {
            guard let connection = self.connections[id], connection.isWebSocket else {
                _ = text.withUnsafeBytes { sendLongPoll(id, text: $0) }
                continue
            }
            if compressible, let window = connection.compressionWindow {
                if compressed[window] == nil {
                    if let deflated = codec.compressMessage(text, windowBits: window) {
                        compressed[window] = WebSocketEncoder.frame(.text, payload: deflated, compressed: true)
                    } else {
                        compressed[window] = WebSocketEncoder.frame(.text, payload: text)
                    }
                }
                connection.writeRaw(compressed[window]!)
                continue
            }
            if plain == nil { plain = WebSocketEncoder.frame(.text, payload: text) }
            connection.writeRaw(plain!)
        }
    }

    @discardableResult
    public func close(_ connection: UInt64, code: UInt16, reason: [UInt8]) -> Bool {
        guard let c = connections[connection] else { return closeLongPoll(connection, code: code) }
        c.shutdown(code: code, reason: reason)
        return true
    }

    public var connectionCount: Int { connections.count }
    public var webSocketCount: Int { connections.values.reduce(0) { $0 + ($1.isWebSocket ? 1 : 0) } }

    /// Pauses or resumes reading a connection on behalf of the host.
    public func setPausedForHost(_ connection: UInt64, _ paused: Bool) {
        guard let c = connections[connection] else { return setLongPollPausedForHost(connection, paused) }
        c.setPausedForHost(paused)
    }

    public func hasConnection(_ id: UInt64) -> Bool { connections[id] != nil || longPolls.sessions[id] != nil }
}
