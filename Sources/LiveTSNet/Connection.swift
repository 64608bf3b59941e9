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
    private var keepAliveAfterResponse = true
    private var headRequest = false
    private var closing = false
    private var closeAfterWrites = false
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
    /// The TCP peer, fixed at accept.
    private(set) var peerAddress: [UInt8] = []
    /// Who the client is: the peer, or for a trusted proxy the address its
    /// X-Forwarded-For names (set from each request).
    private(set) var clientAddress: [UInt8] = []

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
        uv_read_start(asStream(tcp), Connection.allocate, Connection.didRead)
        return true
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
        guard !closing else { return }
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
            if inbound.isEmpty && !awaitingResponse { requestStartedAt = lastReadAt }
            inbound.append(contentsOf: bytes)
            processHTTP()
        }
    }

    // MARK: - HTTP

    private func processHTTP() {
        let parser = HTTPParser(limits: server.settings.httpLimits)
        while !awaitingResponse && !closing && !isWebSocket && !inbound.isEmpty {
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
                request.clientAddress = clientAddress
                // Pipelined bytes already here start the next request's clock now.
                requestStartedAt = inbound.isEmpty ? 0 : server.now
                handle(request)
            }
        }
    }

    private func handle(_ request: HTTPRequest) {
        let path = request.path
        if WebSocketHandshake.isUpgrade(request) {
            if let wanted = server.settings.webSocketPath, wanted != path {
                writeRaw(HTTPResponse.error(status: 404))
                closeAfterFlush()
                return
            }
            guard WebSocketHandshake.originAllowed(request, policy: server.settings.originPolicy) else {
                server.countRejectedOrigin()
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
        writeRaw(HTTPResponse.build(status: status, extraHeaders: headers, body: body, keepAlive: keepAliveAfterResponse, omitBody: headRequest))
        if !keepAliveAfterResponse {
            closeAfterFlush()
        } else {
            processHTTP()
        }
    }

    // MARK: - WebSocket

    private func receivedWebSocket(_ bytes: UnsafeRawBufferPointer) {
        guard var decoder else { return }
        let (events, error) = decoder.feed(bytes)
        self.decoder = decoder
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
    }

    /// The window this connection's messages may be compressed with, if any.
    var compressionWindow: Int32? { deflate?.serverWindowBits }

    // MARK: - Timeouts and heartbeat (called by the server's sweep)

    func sweep(now: UInt64) {
        guard !closing else { return }
        let settings = server.settings
        if isWebSocket {
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
        if requestStartedAt != 0 && !awaitingResponse {
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

    private func updateReading() {
        guard !closing, !closeAfterWrites else { return }
        let shouldRead = !pausedForHost && !pausedForOutbound
        if shouldRead && readingStopped {
            readingStopped = false
            uv_read_start(asStream(tcp), Connection.allocate, Connection.didRead)
        } else if !shouldRead && !readingStopped {
            readingStopped = true
            uv_read_stop(asStream(tcp))
        }
    }

    fileprivate func wroteSome() {
        guard pausedForOutbound else { return }
        if Int(uv_stream_get_write_queue_size(asStream(tcp))) < server.settings.outboundHighWater / 4 {
            pausedForOutbound = false
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
        if queued + count > server.settings.maxOutboundBytes {
            // A peer that stops reading must not make the server buffer
            // without bound. Its buffer is full, so the close frame goes out
            // only if the kernel takes it at once; gathered replies are dropped.
            server.countSlowConsumer()
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
        if queued + count > server.settings.outboundHighWater && !pausedForOutbound {
            pausedForOutbound = true
            updateReading()
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
            if written == bytes.count { return }
            if written > 0 {
                rest = UnsafeRawBufferPointer(rebasing: bytes[written...])
            } else if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                closeHandle()
                return
            }
        }
        queueWrite(rest)
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
                Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue().wroteSome()
            }
        }
        if rc != 0 {
            bytes.deallocate()
            request.deallocate()
            closeHandle()
        }
    }

    private func closeAfterFlush() {
        guard !closing else { return }
        // Gathered replies go before the shutdown, which refuses later writes.
        if server.cork.owner == ObjectIdentifier(self) {
            server.cork.drain { writeNow($0) }
            guard !closing else { return }
        }
        closeAfterWrites = true
        uv_read_stop(asStream(tcp))
        // A shutdown request completes after every queued write.
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        let rc = uv_shutdown(request, asStream(tcp)) { request, _ in
            guard let request else { return }
            let stream = request.pointee.handle
            request.deallocate()
            if let stream, let data = stream.pointee.data {
                Unmanaged<Connection>.fromOpaque(data).takeUnretainedValue().closeHandle()
            }
        }
        if rc != 0 {
            request.deallocate()
            closeHandle()
        }
    }

    func closeHandle() {
        guard !closing else { return }
        closing = true
        if server.cork.owner == ObjectIdentifier(self) { server.cork.discard() }
        server.connectionDidClose(self)
        uv_close(asHandle(tcp)) { handle in
            guard let handle, let data = handle.pointee.data else { return }
            let connection = Unmanaged<Connection>.fromOpaque(data).takeRetainedValue()
            connection.tcp.deallocate()
        }
    }
}
