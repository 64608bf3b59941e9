import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection: HTTP/1.1 first, a WebSocket after an upgrade.
/// Requests on a keep-alive connection are answered strictly in order: while
/// one waits for the host, later pipelined bytes stay buffered.
///
/// Loop thread only: every field below is read and written on the server's
/// loop thread, so none needs a lock.
final class Connection {
    /// Where the connection is in its life. Data that only one phase has
    /// lives in that phase, so no flag can contradict another.
    enum Phase {
        case http(HTTPPhase)
        case webSocket(WebSocketPhase)
        /// Our FIN waits behind bytes not yet sent; what arrives is read
        /// and dropped.
        case closing(Closing)
        /// Our FIN is out: the peer's bytes are read and dropped until it
        /// closes too or `Closing.lingerUntil` (loop time) passes. Closing a
        /// socket with unread bytes sends a reset, and the peer's kernel then
        /// throws away what we sent last: a flooder would never see its
        /// 1008, nor a bad request its 400.
        case lingering(Closing)
        /// The socket is closed; the server's poller releases the connection
        /// once the callback that closed it returns.
        case closed
    }

    enum HTTPPhase {
        /// Between requests, or reading one.
        case ready
        /// The host has a request; later pipelined requests wait for its answer.
        case awaitingHost(keepAlive: Bool, isHead: Bool, acceptsGzip: Bool)
        /// The host has a request whose body streams to it and whose answer
        /// streams back (Connection-exchange).
        case exchange(HostExchange)
    }

    /// A WebSocket's state. A class, so its fields change in place through
    /// the phase. Every open WebSocket holds one, so it keeps only what an
    /// idle connection needs: what a message under way needs (the decoder's
    /// buffers, the message's clock) is an `UnfinishedMessage`, made when a
    /// read ends inside a message and dropped when the message is complete.
    final class WebSocketPhase {
        /// Loop time our unanswered ping went out; 0 when none is unanswered.
        var pingSentAt: UInt64 = 0
        var unfinished: UnfinishedMessage?
        /// The code the host is told if the socket ends now: set just before
        /// our close frame is written, as that write may be what ends it.
        var closeCode = CloseCode.abnormal
        /// Only this of the permessage-deflate agreement is kept, in one
        /// byte (the object is then 40 bytes, a 48-byte malloc chunk): 0
        /// when none was agreed, 8 when one was but we send uncompressed
        /// (DeflateAgreement.serverWindowBits), else our compressor's window.
        private let deflate: UInt8
        /// The window our compressor may use; nil sends uncompressed.
        var serverWindowBits: Int32? { deflate >= 9 ? Int32(deflate) : nil }
        /// Whether the client may send compressed messages.
        var compressionAgreed: Bool { deflate != 0 }

        init(deflate agreement: DeflateAgreement?) {
            if let agreement {
                deflate = agreement.serverWindowBits.map { UInt8(clamping: $0) } ?? 8
            } else {
                deflate = 0
            }
        }

        /// A decoder for the next read: the unfinished message's, or a
        /// fresh one, which holds nothing and allocates nothing.
        func decoder(maxMessageBytes: Int) -> WebSocketDecoder {
            if let unfinished { return unfinished.takeDecoder() }
            var decoder = WebSocketDecoder(maxMessageBytes: maxMessageBytes)
            decoder.allowsCompression = compressionAgreed
            return decoder
        }
    }

    /// A message (or control frame) a read ended inside of: the decoder
    /// holding its bytes so far, and its clock.
    final class UnfinishedMessage {
        private var decoder: WebSocketDecoder
        /// The decoder's unfinished bytes, as last added to the server's total.
        var heldPartialBytes = 0
        /// Loop time of the first byte of the message being read.
        var messageStartedAt: UInt64 = 0
        var messagesEndedBefore: UInt64 = 0

        init(_ decoder: WebSocketDecoder) { self.decoder = decoder }

        /// The decoder, moved out (so its buffers grow in place, not copied).
        func takeDecoder() -> WebSocketDecoder {
            var taken = WebSocketDecoder(maxMessageBytes: decoder.maxMessageBytes)
            swap(&taken, &decoder)
            return taken
        }

        func keep(_ decoder: WebSocketDecoder) { self.decoder = decoder }
    }

    /// What a closing connection still answers for. A class, so the
    /// phase, which every connection holds, stays a word and a tag.
    final class Closing {
        /// The code the host is told when this WebSocket ends; nil for HTTP.
        let webSocketCode: UInt16?
        /// The peer began the WebSocket closing handshake: it sends nothing
        /// more, so there is nothing to linger for, and RFC 6455 (§7.1.1)
        /// has the server close the TCP connection first.
        let peerSentClose: Bool
        /// A FIN stuck behind bytes the peer does not read: the deadline
        /// the open connection was under still ends it. nil for none.
        let deadline: UInt64?
        /// Loop time the linger ends (Phase.lingering).
        var lingerUntil: UInt64 = 0

        init(webSocketCode: UInt16?, peerSentClose: Bool = false, deadline: UInt64?) {
            self.webSocketCode = webSocketCode
            self.peerSentClose = peerSentClose
            self.deadline = deadline
        }
    }

    /// Why reads are paused; reading goes on exactly while this is empty.
    struct PauseReasons: OptionSet {
        let rawValue: UInt8
        /// Unsent bytes are above the high-water mark.
        static let outbound = PauseReasons(rawValue: 1 << 0)
        /// The host holds too many of this connection's messages.
        static let host = PauseReasons(rawValue: 1 << 1)
        /// A whole request is buffered behind the one being answered: more
        /// pipelined bytes wait in the kernel, not here.
        static let pipeline = PauseReasons(rawValue: 1 << 2)
        /// The host holds HostExchange.bodyWindow bytes of a request body untaken.
        static let requestBody = PauseReasons(rawValue: 1 << 3)
    }

    let id: UInt64
    /// unowned(unsafe): the server outlives its connections (it closes them
    /// all before its loop stops), and a checked reference costs an atomic
    /// operation on every use, several per message.
    unowned(unsafe) let server: SocketServer
    var phase = Phase.http(.ready)
    // The small fields next, in the phase's padding: every open connection
    // holds one of these objects (104 bytes, a 112-byte malloc chunk).
    /// The socket; the connection closes it.
    var fd: Int32 = -1
    /// The events the server's poller watches the socket for (0: it is not
    /// in the poller's set).
    var watchedEvents: UInt32 = 0
    var pauseReasons: PauseReasons = []
    /// Whether reading is paused (pauseReasons), and whether it began at all.
    var readingStopped = false
    var readingStarted = false
    /// Our FIN goes out once the outbound queue is empty (Connection-closing).
    var shutdownRequested = false
    /// The TLS session when the server serves TLS (Connection-tls), from
    /// the moment reading starts.
    var tls: TLSSession?
    /// What only HTTP needs (Connection-httpState); dropped at the upgrade.
    var httpState: HTTPState? = HTTPState()
    static let lingerMs: UInt64 = 2_000
    /// Loop time (ms) of the last byte received.
    var lastReadAt: UInt64 = 0
    /// What the kernel has not taken yet, in order (Connection-socket); nil
    /// when nothing waits, as on every idle connection.
    var outbound: OutboundQueue?
    /// Who the client is: the peer, or for a trusted proxy the address its
    /// X-Forwarded-For names (set from each request).
    var clientAddress: [UInt8] = []
    /// The address this connection counts against in the per-address cap:
    /// the peer from accept, or for a trusted proxy the client its first
    /// request names; nil until then.
    var countedAddress: [UInt8]?

    /// Counted against `address` (the table's own copy of it): the peer and
    /// client addresses that equal it share its storage.
    func countedAs(_ address: [UInt8]) {
        countedAddress = address
        if peerAddress == address { peerAddress = address }
        if clientAddress == address { clientAddress = address }
    }

    init(server: SocketServer, id: UInt64) {
        self.server = server
        self.id = id
    }

    /// Reading, writing or closing on a socket that is not yet closing.
    var isOpen: Bool {
        switch phase {
        case .http, .webSocket: return true
        case .closing, .lingering, .closed: return false
        }
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    /// Upgraded, until the handle closes: counted as a WebSocket, and the
    /// host hears of its close.
    var isWebSocket: Bool {
        switch phase {
        case .webSocket: return true
        case .closing(let closing), .lingering(let closing): return closing.webSocketCode != nil
        case .http, .closed: return false
        }
    }

    /// Reads start only once the connection is admitted under the caps.
    func startReading() {
        guard startTLS() else { return }
        readingStarted = true
        updateWatch()
    }

    /// Turns away a connection over a cap at once: the fixed answer goes
    /// out with one send(2) if the socket takes it, and nothing is kept.
    func refuseAtAccept(_ answer: [UInt8]) {
        // A TLS client could not read a plain answer: it sees the close.
        if server.tls == nil { answer.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) } }
        closeHandle()
    }

    // MARK: - Reading

    /// Plaintext from the peer: the socket's bytes, what TLS decrypted, or,
    /// for an adopted socket, the bytes its first owner had already read.
    func received(_ bytes: UnsafeRawBufferPointer) {
        guard isOpen else { return }
        server.cork.begin(ObjectIdentifier(self))
        server.readingConnection = Unmanaged.passUnretained(self)
        defer {
            server.readingConnection = nil
            if !isClosed { writeNow(server.cork.take()) }
            server.cork.end()
        }
        lastReadAt = server.now
        switch phase {
        case .webSocket(let socket):
            socket.pingSentAt = 0
            receivedWebSocket(bytes, socket)
        case .http:
            if inbound.isEmpty && !isBusy { requestStartedAt = lastReadAt }
            inbound.append(contentsOf: bytes)
            processHTTP()
            updatePipelinePause()
        case .closing, .lingering, .closed:
            break
        }
    }

    // MARK: - Deadlines and heartbeat (called by the server's sweep)

    func sweep(now: UInt64) {
        let settings = server.settings
        switch phase {
        case .closed:
            return
        case .lingering(let closing):
            if now >= closing.lingerUntil { closeHandle() }
        case .closing(let closing):
            if let deadline = closing.deadline, now >= deadline { closeHandle(code: CloseCode.abnormal) }
        case .webSocket(let socket):
            if let message = socket.unfinished, now - message.messageStartedAt >= settings.messageTimeoutMs {
                server.refuse(.messageTimeout, connection: id, address: clientAddress,
                              detail: "A WebSocket was closed 1008: a message was not complete \(settings.messageTimeoutMs) ms after its first byte (lts_config.message_timeout_ms).")
                shutdown(code: CloseCode.policyViolation, reason: Array("message took too long".utf8))
                return
            }
            if socket.pingSentAt != 0 {
                // No byte since the ping, for a whole interval: a dead peer.
                if now - socket.pingSentAt >= settings.pingIntervalMs { closeHandle(code: CloseCode.abnormal) }
            } else if now - lastReadAt >= settings.pingIntervalMs {
                socket.pingSentAt = now
                writeRaw(WebSocketEncoder.frame(.ping, payload: []))
            }
        case .http(let http):
            guard let deadline = httpDeadline(http) else { return }
            guard now >= deadline.at else { return }
            switch deadline.kind {
            case .abandonedStream:
                closeHandle()
            case .body:
                if case .exchange(let exchange) = http { bodyTimedOut(exchange) }
            case .request:
                inbound.removeAll()
                writeRaw(HTTPResponse.error(status: 408))
                closeAfterFlush()
            case .idle:
                closeAfterFlush()
            }
        }
    }

    enum HTTPDeadlineKind {
        /// A reader that takes nothing for an idle timeout has left or is
        /// holding the connection: the body is abandoned.
        case abandonedStream
        /// A request must arrive within header_timeout_ms of its first byte.
        case request
        /// A keep-alive connection with nothing in flight.
        case idle
        /// A streamed request body made no progress for body_timeout_ms.
        case body
    }

    /// The deadline an HTTP connection is under, if any: none while the
    /// host has its request.
    func httpDeadline(_ http: HTTPPhase) -> (at: UInt64, kind: HTTPDeadlineKind)? {
        let settings = server.settings
        if streamingBody != nil { return (max(lastWriteAt, lastReadAt) + settings.idleTimeoutMs, .abandonedStream) }
        if case .awaitingHost = http { return nil }
        if case .exchange(let exchange) = http { return exchangeDeadline(exchange).map { ($0, .body) } }
        if requestStartedAt != 0 { return (requestStartedAt + settings.headerTimeoutMs, .request) }
        return (lastReadAt + settings.idleTimeoutMs, .idle)
    }

    // MARK: - Read pausing (backpressure)

    /// While the host has too many of this connection's events in hand,
    /// stop reading: the kernel buffers fill and the client slows down.
    func setPausedForHost(_ paused: Bool) {
        setPaused(.host, paused)
    }

    func setPaused(_ reason: PauseReasons, _ paused: Bool) {
        guard pauseReasons.contains(reason) != paused else { return }
        if paused { pauseReasons.insert(reason) } else { pauseReasons.remove(reason) }
        updateReading()
    }

    /// Once closing, reading goes on whatever the reasons (see `lingering`).
    func updateReading() {
        guard isOpen else { return }
        let shouldRead = pauseReasons.isEmpty
        if shouldRead == readingStopped {
            readingStopped = !shouldRead
            updateWatch()
        }
        assert(readingStopped == !pauseReasons.isEmpty)
    }

    /// Reads pause while unsent bytes are above the high-water mark and
    /// resume below a quarter of it. Decided after each write, from what
    /// the kernel did not take: a pause decided before a write that then
    /// went out whole had no write left to complete and resume it, so a
    /// keep-alive connection stopped reading after one response over 1 MiB.
    func updateOutboundPause() {
        guard !isClosed else { return }
        let unsent = unsentBytes + server.cork.pending(for: ObjectIdentifier(self))
        let highWater = server.settings.outboundHighWater
        let paused = pauseReasons.contains(.outbound)
        if paused ? unsent < highWater / 4 : unsent > highWater { setPaused(.outbound, !paused) }
        if case .http(.exchange(let exchange)) = phase, exchange.responseStarted { reportProgress(exchange, sent: 0) }
    }
}
