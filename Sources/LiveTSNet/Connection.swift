import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection: HTTP/1.1 first, a WebSocket after an upgrade.
/// Requests on a keep-alive connection are answered strictly in order: while
/// one waits for the host, later pipelined bytes stay buffered.
final class Connection {
    let id: UInt64
    /// unowned(unsafe): the server outlives its connections (it closes them
    /// all before its loop stops), and a checked reference costs an atomic
    /// operation on every use, several per message.
    unowned(unsafe) let server: HTTPServer
    private let tcp: UnsafeMutablePointer<uv_tcp_t>
    private var fd: Int32 = -1
    private var inbound: [UInt8] = []
    private var awaitingResponse = false
    /// A response body going out chunk by chunk (Connection-streaming).
    var streamingBody: ResponseBody?
    var streamWritesInFlight = 0
    var keepAliveAfterStream = true
    /// Set while the first chunks are queued from the request's handler,
    /// which goes on to the next request itself if the body is all queued.
    var startingStream = false
    /// Loop time of the last write that completed, for a stream whose
    /// reader stopped reading.
    var lastWriteAt: UInt64 = 0
    private var keepAliveAfterResponse = true
    private var headRequest = false
    private var closing = false
    private var closeAfterWrites = false
    /// After our FIN, the peer's bytes are read and dropped until it closes
    /// too or this loop time passes. Closing a socket with unread bytes
    /// sends a reset, and the peer's kernel then throws away what we sent
    /// last: a flooder would never see its 1008, nor a bad request its 400.
    private var lingerUntil: UInt64 = 0
    static let lingerMs: UInt64 = 2_000
    /// The peer began the WebSocket closing handshake: it sends nothing
    /// more, so there is nothing to linger for, and RFC 6455 (§7.1.1) has
    /// the server close the TCP connection first.
    private var peerSentClose = false
    private(set) var isWebSocket = false
    private var decoder: WebSocketDecoder?
    private var sentClose = false
    var closeCode: UInt16 = CloseCode.abnormal
    private(set) var deflate: DeflateAgreement?
    /// Loop time (ms) of the last byte received, and of the first byte of
    /// the request being read (0 when none is partly read).
    private(set) var lastReadAt: UInt64 = 0
    private(set) var requestStartedAt: UInt64 = 0
    private(set) var pingSentAt: UInt64 = 0
    private var readingStopped = false
    /// Reasons reads are paused; reading resumes when none is left.
    private var pausedForOutbound = false
    private var pausedForHost = false
    /// A whole request is buffered behind the one being answered: more
    /// pipelined bytes wait in the kernel, not here.
    private var pausedForPipeline = false
    /// The TCP peer, fixed at accept.
    private(set) var peerAddress: [UInt8] = []
    /// Who the client is: the peer, or for a trusted proxy the address its
    /// X-Forwarded-For names (set from each request).
    private(set) var clientAddress: [UInt8] = []
    /// The address this connection counts against in the per-address cap:
    /// the peer from accept, or for a trusted proxy the client its first
    /// request names; nil until then.
    var countedAddress: [UInt8]?
    /// The decoder's unfinished bytes, as last added to the server's total.
    private var heldPartialBytes = 0
    /// Loop time of the first byte of the WebSocket message being read; 0 when none is.
    private var messageStartedAt: UInt64 = 0
    private var messagesEndedBefore: UInt64 = 0

    init(server: HTTPServer, id: UInt64) {
        self.server = server
        self.id = id
        tcp = .allocate(capacity: 1)
    }

    func accept(from listener: UnsafeMutablePointer<uv_stream_t>) -> Bool {
        uv_tcp_init(server.loop.loop, tcp)
        tcp.pointee.data = Unmanaged.passRetained(self).toOpaque()
        guard uv_accept(listener, asStream(tcp)) == 0 else {
            closeHandle()
            return false
        }
        uv_tcp_nodelay(tcp, 1)
        var descriptor = uv_os_fd_t(-1)
        uv_fileno(asHandle(tcp), &descriptor)
        fd = descriptor
        peerAddress = LiveTSNet.peerAddress(of: tcp)
        clientAddress = peerAddress
        lastReadAt = server.now
        return true
    }

    /// Reads start only once the connection is admitted under the caps.
    func startReading() {
        uv_read_start(asStream(tcp), Connection.allocate, Connection.didRead)
    }

    /// Turns away a connection over a cap at once: the fixed answer goes
    /// out with one send(2) if the socket takes it, and nothing is kept.
    func refuseAtAccept(_ answer: [UInt8]) {
        answer.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        closeHandle()
    }

    // MARK: - Reading

    private static let allocate: uv_alloc_cb = { handle, _, buf in
        // One buffer serves every connection of a server: reads on its loop
        // thread are consumed before the next read can start.
        let connection = Unmanaged<Connection>.fromOpaque(handle!.pointee.data).takeUnretainedValue()
        buf!.pointee = uv_buf_init(connection.server.readBuffer, UInt32(HTTPServer.readBufferSize))
    }

    private static let didRead: uv_read_cb = { stream, nread, buf in
        guard let stream, let data = stream.pointee.data else { return }
        let connection = Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue()
        if nread < 0 {
            connection.closeHandle()
            return
        }
        guard nread > 0, let base = buf?.pointee.base else { return }
        connection.received(UnsafeRawBufferPointer(start: base, count: nread))
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        guard !closing, !closeAfterWrites else { return }
        let cork = server.cork
        cork.begin(ObjectIdentifier(self))
        defer {
            if !closing { cork.drain { writeNow($0) } }
            cork.end()
        }
        lastReadAt = server.now
        pingSentAt = 0
        if isWebSocket {
            receivedWebSocket(bytes)
        } else {
            if inbound.isEmpty && !isBusy { requestStartedAt = lastReadAt }
            inbound.append(contentsOf: bytes)
            processHTTP()
            updatePipelinePause()
        }
    }

    // MARK: - HTTP

    /// Answering a request: later requests wait until it is done.
    private var isBusy: Bool { awaitingResponse || streamingBody != nil }

    func processHTTP() {
        let parser = HTTPParser(limits: server.settings.httpLimits)
        // Once a close is decided, requests pipelined behind it are not answered.
        while !isBusy && !closing && !closeAfterWrites && !isWebSocket && !inbound.isEmpty {
            switch parser.parse(inbound) {
            case .needMore:
                return
            case .failure(let status):
                inbound.removeAll()
                writeRaw(HTTPResponse.error(status: status))
                closeAfterFlush()
                return
            case .request(var request, let consumed):
                inbound.removeFirst(consumed)
                clientAddress = ForwardedFor.clientAddress(peer: peerAddress, request: request,
                                                           trustedProxies: server.settings.trustedProxies)
                request.clientAddress = clientAddress
                // Pipelined bytes already here start the next request's clock now.
                requestStartedAt = inbound.isEmpty ? 0 : server.now
                handle(request)
            }
        }
    }

    private func handle(_ request: HTTPRequest) {
        let path = request.path
        let settings = server.settings
        guard settings.allowedHosts.allows(host: request.header("host"), bound: settings.host) else {
            let host = String(decoding: (request.header("host") ?? []).prefix(100), as: UTF8.self)
            server.refuse(.hostNotAllowed, connection: 0, address: clientAddress,
                          detail: "A request for host \"\(host)\" got 400: only the bound address, localhost, 127.0.0.1, [::1] and allowed_hosts are answered (lts_config.allowed_hosts).")
            writeRaw(HTTPResponse.error(status: 400))
            closeAfterFlush()
            return
        }
        if countedAddress == nil {
            guard server.admitProxied(self) else {
                writeRaw(ConnectionCounts.refusal())
                closeAfterFlush()
                return
            }
        }
        if WebSocketHandshake.isUpgrade(request) {
            if let wanted = settings.webSocketPath, wanted != path {
                writeRaw(HTTPResponse.error(status: 404))
                closeAfterFlush()
                return
            }
            if let refusal = WebSocketHandshake.originRefusal(request, policy: settings.originPolicy, httpsOrigins: settings.httpsOrigins) {
                server.countRejectedOrigin()
                server.refuse(.origin, connection: 0, address: clientAddress, detail: refusal)
                writeRaw(HTTPResponse.error(status: 403))
                closeAfterFlush()
                return
            }
            switch WebSocketHandshake.respond(to: request, compressionEnabled: server.settings.compressionEnabled) {
            case .reject(let status, let headers):
                writeRaw(HTTPResponse.error(status: status, extraHeaders: headers))
                closeAfterFlush()
            case .accept(let response, let agreement):
                writeRaw(response)
                isWebSocket = true
                deflate = agreement
                decoder = WebSocketDecoder(maxMessageBytes: server.settings.maxMessageBytes)
                decoder?.allowsCompression = agreement != nil
                let leftover = inbound
                inbound = []
                server.delegate?.server(server, didOpen: id, path: request.target)
                if !leftover.isEmpty { leftover.withUnsafeBytes { receivedWebSocket($0) } }
            }
            return
        }
        if let mount = server.staticMounts.first(where: { $0.matches(path) }) {
            serveStatic(mount, request)
            return
        }
        if let retryAfter = server.pageRate.take(clientAddress, now: server.now) {
            server.refuse(.pageRate, connection: 0, address: clientAddress,
                          detail: "A page request got 503: over \(settings.pageRate) per second, \(settings.pageBurst) at once, from one address (lts_config.page_rate, page_burst).")
            writeRaw(HTTPResponse.error(status: 503, extraHeaders: "Retry-After: \(retryAfter)\r\n", keepAlive: request.keepAlive))
            if !request.keepAlive { closeAfterFlush() }
            return
        }
        awaitingResponse = true
        keepAliveAfterResponse = request.keepAlive
        headRequest = request.method == Array("HEAD".utf8)
        let requestID = server.registerRequest(from: id)
        server.delegate?.server(server, request: request, id: requestID)
        if server.delegate == nil { server.respond(request: requestID, status: 404, headers: [], body: []) }
    }

    private func serveStatic(_ mount: StaticMount, _ request: HTTPRequest) {
        let isHead = request.method == Array("HEAD".utf8)
        guard request.method == Array("GET".utf8) || isHead else {
            writeRaw(HTTPResponse.error(status: 405, extraHeaders: "Allow: GET, HEAD\r\n", keepAlive: request.keepAlive))
            if !request.keepAlive { closeAfterFlush() }
            return
        }
        switch mount.lookup(request.path) {
        case .notFound:
            writeRaw(HTTPResponse.error(status: 404, keepAlive: request.keepAlive))
        case .largeFile(let descriptor, let size, let contentType, let etag):
            let body = ResponseBody(.file(descriptor: descriptor), length: size)
            let common = "ETag: \(etag)\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\n"
            if let match = request.header("if-none-match"), StaticMount.etagMatches(match, etag) {
                writeRaw(HTTPResponse.build(status: 304, extraHeaders: Array(common.utf8), body: [], keepAlive: request.keepAlive))
            } else {
                let headers = "Content-Type: \(contentType)\r\n\(common)X-Content-Type-Options: nosniff\r\n"
                writeRaw(HTTPResponse.head(status: 200, extraHeaders: Array(headers.utf8), contentLength: size, keepAlive: request.keepAlive))
                if !isHead {
                    startStreaming(body, keepAlive: request.keepAlive)
                    return
                }
            }
        case .file(let body, let contentType, let etag, let path):
            let common = "ETag: \(etag)\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\n"
            if let match = request.header("if-none-match"), StaticMount.etagMatches(match, etag) {
                writeRaw(HTTPResponse.build(status: 304, extraHeaders: Array(common.utf8), body: [], keepAlive: request.keepAlive))
            } else {
                var headers = "Content-Type: \(contentType)\r\n\(common)X-Content-Type-Options: nosniff\r\n"
                var payload = body
                if request.accepts(encoding: "gzip"), let compressed = server.gzipCache.compressed(body, path: path, etag: etag, contentType: contentType) {
                    headers += "Content-Encoding: gzip\r\n"
                    payload = compressed
                }
                writeRaw(HTTPResponse.build(status: 200, extraHeaders: Array(headers.utf8), body: payload, keepAlive: request.keepAlive,
                                            omitBody: isHead))
            }
        }
        if !request.keepAlive { closeAfterFlush() }
    }

    func finishRequest(status: Int, headers: [UInt8], body: [UInt8]) {
        guard awaitingResponse, !closing else { return }
        awaitingResponse = false
        if body.count >= ResponseBody.streamingThreshold && !headRequest {
            // Sent as the client reads it: a page bigger than the outbound
            // limit is no slow consumer, and the write queue never holds a
            // second copy of it.
            writeRaw(HTTPResponse.head(status: status, extraHeaders: headers, contentLength: body.count, keepAlive: keepAliveAfterResponse))
            startStreaming(ResponseBody(.memory(body), length: body.count), keepAlive: keepAliveAfterResponse)
            if streamingBody == nil && keepAliveAfterResponse { processHTTP() }
            updatePipelinePause()
            return
        }
        writeRaw(HTTPResponse.build(status: status, extraHeaders: headers, body: body, keepAlive: keepAliveAfterResponse, omitBody: headRequest))
        if !keepAliveAfterResponse {
            closeAfterFlush()
        } else {
            processHTTP()
            updatePipelinePause()
        }
    }

    // MARK: - WebSocket

    private func receivedWebSocket(_ bytes: UnsafeRawBufferPointer) {
        guard var decoder else { return }
        // Moved out while it is fed, so its buffer is not shared and the
        // append does not copy it.
        self.decoder = nil
        let (events, error) = decoder.feed(bytes)
        self.decoder = decoder
        guard accountPartial(decoder) else { return }
        for event in events {
            guard !closing, !sentClose else { return }
            switch event {
                case .message(let opcode, let payload):
                    server.delegate?.server(server, connection: id, message: payload, opcode: opcode)
                case .compressedMessage(let opcode, let compressed):
                    switch server.codec.decompressMessage(compressed, limit: server.settings.maxMessageBytes) {
                    case .tooBig:
                        shutdown(code: CloseCode.tooBig, reason: Array("message too big".utf8))
                        return
                    case .invalid:
                        shutdown(code: CloseCode.invalidPayload, reason: Array("invalid compressed data".utf8))
                        return
                    case .ok(let payload):
                        if opcode == .text && !UTF8Validator.isValid(payload) {
                            shutdown(code: CloseCode.invalidPayload, reason: Array("invalid UTF-8".utf8))
                            return
                        }
                        server.delegate?.server(server, connection: id, message: payload, opcode: opcode)
                    }
                case .ping(let payload):
                    sendFrame(.pong, payload: payload)
                case .pong:
                    break
                case .close(let code, _):
                    closeCode = code
                    peerSentClose = true
                    // Echo the peer's code (§5.5.1); with no code, answer without one.
                    if code == CloseCode.noStatus {
                        writeRaw(WebSocketEncoder.frame(.close, payload: []))
                    } else {
                        writeRaw(WebSocketEncoder.close(code: code))
                    }
                    sentClose = true
                    closeAfterFlush()
            }
        }
        if let error { shutdown(code: error.code, reason: Array(error.reason.utf8)) }
    }

    /// Brings the server's total of unfinished message bytes up to date
    /// with this connection's decoder, and starts or ends the message's
    /// clock. False when the total would pass max_partial_bytes: the
    /// connection is then closed 1013 and what it held released.
    private func accountPartial(_ decoder: WebSocketDecoder) -> Bool {
        let held = decoder.bufferedBytes
        let settings = server.settings
        if held > heldPartialBytes && server.partialBytes - heldPartialBytes + held > settings.maxPartialBytes {
            server.refuse(.partialBytes, connection: id, address: clientAddress,
                          detail: "A WebSocket was closed 1013: unfinished messages of all connections would hold over \(settings.maxPartialBytes) bytes (lts_config.max_partial_bytes).")
            shutdown(code: CloseCode.tryAgainLater, reason: Array("server busy".utf8))
            releaseDecoder()
            return false
        }
        server.partialBytes += held - heldPartialBytes
        heldPartialBytes = held
        if !decoder.isMidMessage {
            messageStartedAt = 0
        } else if messageStartedAt == 0 || decoder.messagesEnded != messagesEndedBefore {
            messageStartedAt = server.now
        }
        messagesEndedBefore = decoder.messagesEnded
        return true
    }

    /// Gives back a closing connection's unfinished message at once, and
    /// its share of the server's total.
    private func releaseDecoder() {
        decoder = nil
        server.partialBytes -= heldPartialBytes
        heldPartialBytes = 0
        messageStartedAt = 0
    }

    func sendFrame(_ opcode: WebSocketOpcode, payload: [UInt8]) {
        payload.withUnsafeBytes { sendFrame(opcode, payload: $0) }
    }

    func sendFrame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer) {
        guard !sentClose else { return }
        if !opcode.isControl, payload.count >= server.settings.compressionThreshold,
           let window = deflate?.serverWindowBits, let compressed = server.codec.compressMessage(Array(payload), windowBits: window) {
            writeRaw(WebSocketEncoder.frame(opcode, payload: compressed, compressed: true))
        } else {
            writeFrame(opcode, payload: payload)
        }
    }

    /// Builds the frame straight into the cork when this connection holds
    /// it, saving the frame's own array.
    private func writeFrame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer) {
        let cork = server.cork
        let total = WebSocketEncoder.headerLength(payload.count) + payload.count
        guard cork.owner == ObjectIdentifier(self), total <= WriteCork.capacity else {
            writeRaw(WebSocketEncoder.frame(opcode, payload: payload))
            return
        }
        guard admit(total), makeRoom(total, in: cork) else { return }
        let at = cork.reserve(total)
        WebSocketEncoder.writeHeader(opcode, length: payload.count, to: at)
        if let base = payload.baseAddress {
            UnsafeMutableRawPointer(at + (total - payload.count)).copyMemory(from: base, byteCount: payload.count)
        }
        updateOutboundPause()
    }

    /// The window this connection's messages may be compressed with, if any.
    var compressionWindow: Int32? { deflate?.serverWindowBits }

    // MARK: - Timeouts and heartbeat (called by the server's sweep)

    func sweep(now: UInt64) {
        guard !closing else { return }
        if lingerUntil != 0 {
            if now >= lingerUntil { closeHandle() }
            return
        }
        let settings = server.settings
        if isWebSocket {
            if messageStartedAt != 0 && now - messageStartedAt >= settings.messageTimeoutMs && !sentClose {
                server.refuse(.messageTimeout, connection: id, address: clientAddress,
                              detail: "A WebSocket was closed 1008: a message was not complete \(settings.messageTimeoutMs) ms after its first byte (lts_config.message_timeout_ms).")
                shutdown(code: CloseCode.policyViolation, reason: Array("message took too long".utf8))
                releaseDecoder()
                return
            }
            if pingSentAt != 0 {
                if now - pingSentAt >= settings.pingIntervalMs {
                    // No byte since the ping, for a whole interval: a dead peer.
                    closeCode = CloseCode.abnormal
                    closeHandle()
                }
            } else if now - lastReadAt >= settings.pingIntervalMs && !sentClose {
                pingSentAt = now
                writeRaw(WebSocketEncoder.frame(.ping, payload: []))
            }
            return
        }
        if streamingBody != nil {
            // A reader that takes nothing for an idle timeout has left or
            // is holding the connection: the body is abandoned.
            if now - max(lastWriteAt, lastReadAt) >= settings.idleTimeoutMs { closeHandle() }
        } else if requestStartedAt != 0 && !awaitingResponse {
            if now - requestStartedAt >= settings.headerTimeoutMs {
                inbound.removeAll()
                writeRaw(HTTPResponse.error(status: 408))
                closeAfterFlush()
            }
        } else if !awaitingResponse && now - lastReadAt >= settings.idleTimeoutMs {
            closeAfterFlush()
        }
    }

    // MARK: - Read pausing (backpressure)

    /// While the host has too many of this connection's events in hand,
    /// stop reading: the kernel buffers fill and the client slows down.
    func setPausedForHost(_ paused: Bool) {
        pausedForHost = paused
        updateReading()
    }

    /// Pipelined requests wait in `inbound` while one is answered; past one
    /// whole request's worth, the rest waits in the kernel instead.
    func updatePipelinePause() {
        let limits = server.settings.httpLimits
        let paused = isBusy && inbound.count > limits.maxHeadBytes + limits.maxBodyBytes
        guard paused != pausedForPipeline else { return }
        pausedForPipeline = paused
        updateReading()
    }

    func updateReading() {
        guard !closing, !closeAfterWrites else { return }
        let shouldRead = !pausedForHost && !pausedForOutbound && !pausedForPipeline
        if shouldRead && readingStopped {
            readingStopped = false
            uv_read_start(asStream(tcp), Connection.allocate, Connection.didRead)
        } else if !shouldRead && !readingStopped {
            readingStopped = true
            uv_read_stop(asStream(tcp))
        }
    }

    /// Reads pause while unsent bytes are above the high-water mark and
    /// resume below a quarter of it. Decided after each write, from what
    /// the kernel did not take: a pause decided before a write that then
    /// went out whole had no write left to complete and resume it, so a
    /// keep-alive connection stopped reading after one response over 1 MiB.
    func updateOutboundPause() {
        guard !closing else { return }
        let unsent = Int(uv_stream_get_write_queue_size(asStream(tcp))) + server.cork.pending(for: ObjectIdentifier(self))
        let highWater = server.settings.outboundHighWater
        if pausedForOutbound ? unsent < highWater / 4 : unsent > highWater {
            pausedForOutbound.toggle()
            updateReading()
        }
    }

    /// Sends a close frame (WebSocket) and closes once it is written.
    func shutdown(code: UInt16, reason: [UInt8]) {
        guard !closing else { return }
        if isWebSocket && !sentClose {
            closeCode = code
            writeRaw(WebSocketEncoder.close(code: code, reason: reason))
            sentClose = true
        }
        closeAfterFlush()
    }

    /// The stream handle, for the streaming writes.
    var stream: UnsafeMutablePointer<uv_stream_t> { asStream(tcp) }
    var isClosing: Bool { closing }

    // MARK: - Writing

    func writeRaw(_ data: [UInt8]) {
        data.withUnsafeBytes { write($0) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        guard admit(bytes.count) else { return }
        let cork = server.cork
        if cork.owner == ObjectIdentifier(self) {
            guard makeRoom(bytes.count, in: cork) else { return }
            if cork.space >= bytes.count {
                cork.append(bytes)
                updateOutboundPause()
                return
            }
        }
        writeNow(bytes)
    }

    /// Sends what the cork gathered when `count` more bytes would not fit,
    /// so order is kept: what was gathered goes first. False if that write
    /// closed the connection.
    private func makeRoom(_ count: Int, in cork: WriteCork) -> Bool {
        guard cork.space < count else { return true }
        cork.drain { writeNow($0) }
        return !closing
    }

    /// Applies the outbound limits to `count` more bytes: false when they
    /// must not be sent, because the connection is closing or was just
    /// closed for them. Bytes in the cork count as unsent.
    private func admit(_ count: Int) -> Bool {
        guard !closing, !closeAfterWrites, count > 0 else { return false }
        let queued = Int(uv_stream_get_write_queue_size(asStream(tcp))) + server.cork.pending(for: ObjectIdentifier(self))
        // One message bigger than the limit is no sign of a slow reader when
        // nothing is waiting ahead of it.
        if queued > 0 && queued + count > server.settings.maxOutboundBytes {
            // A peer that stops reading must not make the server buffer
            // without bound. Its buffer is full, so the close frame goes out
            // only if the kernel takes it at once; gathered replies are dropped.
            server.countSlowConsumer()
            server.refuse(.slowConsumer, connection: isWebSocket ? id : 0, address: clientAddress,
                          detail: "A connection was closed: over \(server.settings.maxOutboundBytes) bytes were waiting for it to read (lts_config.max_outbound_bytes).")
            if server.cork.owner == ObjectIdentifier(self) { server.cork.discard() }
            if isWebSocket && !sentClose {
                closeCode = CloseCode.policyViolation
                var frame = WebSocketEncoder.close(code: CloseCode.policyViolation, reason: Array("slow consumer".utf8))
                frame.withUnsafeMutableBytes { raw in
                    var buffer = uv_buf_init(raw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(raw.count))
                    _ = uv_try_write(asStream(tcp), &buffer, 1)
                }
                sentClose = true
            }
            closeHandle()
            return false
        }
        return true
    }

    /// Writes past the cork, after the limits were applied.
    private func writeNow(_ bytes: UnsafeRawBufferPointer) {
        guard !closing, let base = bytes.baseAddress, bytes.count > 0 else { return }
        var rest = bytes
        if uv_stream_get_write_queue_size(asStream(tcp)) == 0 {
            // Most writes fit the socket buffer at once: skip the copy and the
            // request. send(2) rather than uv_try_write's write(2): a socket
            // write through the file layer costs the kernel more, and this is
            // one syscall per broadcast receiver.
            var written: Int
            repeat {
                written = send(fd, base, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            } while written < 0 && errno == EINTR
            if written == bytes.count {
                updateOutboundPause()
                return
            }
            if written > 0 {
                rest = UnsafeRawBufferPointer(rebasing: bytes[written...])
            } else if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                closeHandle()
                return
            }
        }
        queueWrite(rest)
        updateOutboundPause()
    }

    private func queueWrite(_ data: UnsafeRawBufferPointer) {
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: data.count)
        UnsafeMutableRawPointer(bytes).copyMemory(from: data.baseAddress!, byteCount: data.count)
        request.pointee.data = UnsafeMutableRawPointer(bytes)
        var buffer = uv_buf_init(UnsafeMutableRawPointer(bytes).assumingMemoryBound(to: CChar.self), UInt32(data.count))
        let rc = uv_write(request, asStream(tcp), &buffer, 1) { request, _ in
            guard let request else { return }
            request.pointee.data?.deallocate()
            let stream = request.pointee.handle
            request.deallocate()
            if let stream, let data = stream.pointee.data {
                Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue().updateOutboundPause()
            }
        }
        if rc != 0 {
            bytes.deallocate()
            request.deallocate()
            closeHandle()
        }
    }

    /// Sends what this connection gathered in the cork, so bytes written
    /// past it next do not overtake them.
    func flushCork() {
        let cork = server.cork
        guard cork.owner == ObjectIdentifier(self) else { return }
        cork.drain { writeNow($0) }
    }

    func closeAfterFlush() {
        guard !closing else { return }
        // Gathered replies go before the shutdown, which refuses later writes.
        if server.cork.owner == ObjectIdentifier(self) {
            server.cork.drain { writeNow($0) }
            guard !closing else { return }
        }
        closeAfterWrites = true
        // Reading goes on, dropping what arrives (see lingerUntil).
        if readingStopped {
            readingStopped = false
            uv_read_start(asStream(tcp), Connection.allocate, Connection.didRead)
        }
        if isWebSocket { releaseDecoder() }
        // A shutdown request completes after every queued write.
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        let rc = uv_shutdown(request, asStream(tcp)) { request, status in
            guard let request else { return }
            let stream = request.pointee.handle
            request.deallocate()
            if let stream, let data = stream.pointee.data {
                Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue().shutDown(status: status)
            }
        }
        if rc != 0 {
            request.deallocate()
            closeHandle()
        }
    }

    /// Our FIN is out: linger for the peer's (see lingerUntil), unless the
    /// shutdown failed or the server is stopping.
    private func shutDown(status: Int32) {
        guard !closing else { return }
        if status != 0 || server.isStopping || peerSentClose {
            closeHandle()
        } else {
            lingerUntil = server.now + Connection.lingerMs
        }
    }

    func closeHandle() {
        guard !closing else { return }
        closing = true
        if server.cork.owner == ObjectIdentifier(self) { server.cork.discard() }
        if isWebSocket { releaseDecoder() }
        streamingBody = nil
        inbound = []
        server.connectionDidClose(self)
        uv_close(asHandle(tcp)) { handle in
            guard let handle, let data = handle.pointee.data else { return }
            let connection = Unmanaged<Connection>.fromOpaque(data).takeRetainedValue()
            connection.tcp.deallocate()
        }
    }
}
