/// The long-polling transport (docs/protocol.md, "Long polling"): the
/// sessions of browsers that cannot keep a WebSocket, each a virtual
/// connection with an id from the same sequence as sockets. The delegate
/// hears of them exactly as of WebSockets (open, messages, close), so the
/// engine's parser, limits and state serve both. Loop thread only.
final class LongPollTable {
    /// The endpoint, or nil when long polling is off.
    let path: [UInt8]?
    var sessions: [UInt64: LongPollSession] = [:]
    /// Sessions given messages this loop turn: their held GET is answered
    /// once the turn ends, with all of them.
    var due: Set<UInt64> = []
    var flushPosted = false

    init(path: [UInt8]?) { self.path = path }
}

extension SocketServer {
    func isLongPoll(_ request: HTTPRequest) -> Bool {
        guard let path = longPolls.path else { return false }
        return request.path == path
    }

    public var longPollSessionCount: Int { longPolls.sessions.count }

    /// A request to the endpoint, registered as `id` on its connection and
    /// answered through `respond` like any other.
    func longPollRequest(_ request: HTTPRequest, id: UInt64) {
        let method = String(decoding: request.method, as: UTF8.self)
        guard method == "GET" || method == "POST" || method == "DELETE" else {
            answer(id, 405, headers: "Allow: GET, POST, DELETE\r\n")
            return
        }
        guard let header = request.header("livets-session"), !header.isEmpty else {
            if method == "POST" {
                openLongPoll(request, id: id)
            } else {
                refuse(.longPoll, connection: 0, address: request.clientAddress,
                       detail: "A long-poll \(method) without a LiveTS-Session header got 400: a session is opened with a POST first.")
                answer(id, 400)
            }
            return
        }
        guard let credential = LongPollCredential(header) else {
            refuse(.longPoll, connection: 0, address: request.clientAddress,
                   detail: "A long-poll request got 400: its LiveTS-Session header is not <id>.<32 hex digits>.")
            answer(id, 400)
            return
        }
        guard let session = longPolls.sessions[credential.id] else {
            refuse(.longPoll, connection: 0, address: request.clientAddress,
                   detail: "A long-poll request got 410: session \(credential.id) is unknown or has ended.")
            answer(id, 410)
            return
        }
        guard session.accepts(credential) else {
            refuse(.longPoll, connection: 0, address: request.clientAddress,
                   detail: "A long-poll request got 403: the token given for session \(credential.id) is not its own.")
            answer(id, 403)
            return
        }
        if method == "GET" {
            for reply in session.poll(request: id, now: now) { send(reply) }
        } else if method == "DELETE" {
            answer(id, 204)
            closeLongPoll(session.id, code: CloseCode.normal)
        } else {
            receiveLongPoll(request, id: id, session: session)
        }
    }

    /// Opens a session under the same checks and caps as an upgrade.
    private func openLongPoll(_ request: HTTPRequest, id: UInt64) {
        let address = request.clientAddress
        if let refusal = WebSocketHandshake.originRefusal(request, policy: settings.originPolicy, httpsOrigins: settings.httpsOrigins) {
            countRejectedOrigin()
            refuse(.origin, connection: 0, address: address, detail: "Long polling: " + refusal)
            answer(id, 403)
            return
        }
        if connections.count + longPolls.sessions.count >= connectionLimit {
            refuse(.connections, connection: 0, address: address,
                   detail: "A long-poll open got 503: \(connectionLimit) connections and sessions were open (lts_config.max_connections).")
            answer(id, 503, headers: "Retry-After: \(ConnectionCounts.retryAfterSeconds)\r\n")
            return
        }
        // A session counts against its address as a WebSocket does, beside
        // the connection that carries its requests.
        guard connectionCounts.count(of: address) < settings.maxConnectionsPerIP else {
            refuse(.connectionsPerIP, connection: 0, address: address,
                   detail: "A long-poll open got 503: its address had \(settings.maxConnectionsPerIP) connections and sessions open (lts_config.max_connections_per_ip).")
            answer(id, 503, headers: "Retry-After: \(ConnectionCounts.retryAfterSeconds)\r\n")
            return
        }
        connectionCounts.add(address)
        let session = LongPollSession(id: takeConnectionID(), token: LongPollCredential.newToken(), address: address, now: now)
        longPolls.sessions[session.id] = session
        answer(id, 200, headers: "Content-Type: text/plain; charset=utf-8\r\n",
               body: LongPollCredential(id: session.id, token: session.token).text)
        delegate?.server(self, didOpen: session.id, request: request)
    }

    /// A POST: one binary message (application/octet-stream) or text
    /// messages (LongPollFrames), each checked as a WebSocket message is.
    private func receiveLongPoll(_ request: HTTPRequest, id: UInt64, session: LongPollSession) {
        let binary = request.header("content-type").map { ASCII.lowercased($0).starts(with: "application/octet-stream".utf8) } ?? false
        let limit = settings.maxMessageBytes
        let messages: [[UInt8]]
        if binary {
            guard request.body.count <= limit else { return refuseLongPollBody(id, session, 413, "a binary message of \(request.body.count) bytes, over \(limit) (lts_config.max_message_bytes)") }
            messages = [request.body]
        } else {
            switch LongPollFrames.decode(request.body, maxMessageBytes: limit) {
            case .failure(.tooBig):
                return refuseLongPollBody(id, session, 413, "a message over \(limit) bytes (lts_config.max_message_bytes)")
            case .failure(.malformed):
                return refuseLongPollBody(id, session, 400, "a body that is not length-prefixed messages")
            case .success(let decoded):
                guard decoded.allSatisfy(UTF8Validator.isValid) else {
                    return refuseLongPollBody(id, session, 400, "a text message that is not UTF-8")
                }
                messages = decoded
            }
        }
        guard session.receive(messages, opcode: binary ? .binary : .text, request: id) else {
            answer(id, 409)
            return
        }
        pumpLongPoll(session)
    }

    private func refuseLongPollBody(_ request: UInt64, _ session: LongPollSession, _ status: Int, _ what: String) {
        refuse(status == 413 ? .tooBig : .badMessage, connection: session.id, address: session.address,
               detail: "A long-poll POST got \(status): \(what).")
        answer(request, status)
    }

    /// Hands the POST's messages to the delegate until the host is behind
    /// (reads of a socket would pause there) or all are handed; the POST is
    /// answered once they all are, which keeps the browser from sending more.
    private func pumpLongPoll(_ session: LongPollSession) {
        while let (message, opcode) = session.nextMessage() {
            delegate?.server(self, connection: session.id, message: message, opcode: opcode)
        }
        if let post = session.finishedPost() { answer(post, 204) }
    }

    // MARK: - Hooks for the calls that reach a connection by id

    /// A text message for session `id`; false if there is no such session
    /// (binary messages do not go over long polling).
    func sendLongPoll(_ id: UInt64, text: UnsafeRawBufferPointer) -> Bool {
        guard let session = longPolls.sessions[id] else { return false }
        guard session.enqueue(Array(text), limit: settings.maxOutboundBytes) else {
            countSlowConsumer()
            refuse(.slowConsumer, connection: id, address: session.address,
                   detail: "A long-poll session was closed 1008: its browser had not fetched \(settings.maxOutboundBytes) bytes (lts_config.max_outbound_bytes).")
            closeLongPoll(id, code: CloseCode.policyViolation)
            return true
        }
        if longPolls.due.insert(id).inserted, !longPolls.flushPosted {
            longPolls.flushPosted = true
            _ = loop.post { [unowned(unsafe) self] in self.flushLongPolls() }
        }
        return true
    }

    private func flushLongPolls() {
        longPolls.flushPosted = false
        let due = longPolls.due
        longPolls.due = []
        for id in due {
            if let reply = longPolls.sessions[id]?.flush(now: now, isPending: { pendingRequests[$0] != nil }) { send(reply) }
        }
    }

    /// Ends session `id`: its waiting requests get 410 and the delegate
    /// hears `code`. False if there is no such session.
    @discardableResult
    func closeLongPoll(_ id: UInt64, code: UInt16) -> Bool {
        guard let session = longPolls.sessions.removeValue(forKey: id) else { return false }
        longPolls.due.remove(id)
        connectionCounts.remove(session.address)
        for request in session.close() { answer(request, 410) }
        delegate?.server(self, didClose: id, code: code)
        return true
    }

    func setLongPollPausedForHost(_ id: UInt64, _ paused: Bool) {
        guard let session = longPolls.sessions[id], session.pausedForHost != paused else { return }
        session.pausedForHost = paused
        if !paused { pumpLongPoll(session) }
    }

    func sweepLongPolls(now: UInt64) {
        for session in Array(longPolls.sessions.values) {
            switch session.sweep(now: now, settings: settings.longPoll, isPending: { pendingRequests[$0] != nil }) {
            case .none: break
            case .answer(let reply): send(reply)
            case .expired: closeLongPoll(session.id, code: CloseCode.abnormal)
            }
        }
    }

    func closeAllLongPolls() {
        for id in Array(longPolls.sessions.keys) { closeLongPoll(id, code: CloseCode.goingAway) }
    }

    // MARK: - Answers

    private func send(_ reply: LongPollSession.Answer) {
        switch reply {
        case .deliver(let request, let body):
            answer(request, 200, headers: "Content-Type: text/plain; charset=utf-8\r\n", body: body)
        case .nothing(let request):
            answer(request, 204)
        case .superseded(let request):
            answer(request, 409)
        }
    }

    /// Long-poll answers are never cached, and bodies are the core's own:
    /// an error status carries no page.
    private func answer(_ request: UInt64, _ status: Int, headers: String = "", body: [UInt8] = []) {
        respond(request: request, status: status, headers: Array(("Cache-Control: no-store\r\n" + headers).utf8), body: body)
    }
}

extension Connection {
    /// A request to the long-poll endpoint: answered by the core, never the host.
    func answerLongPoll(_ request: HTTPRequest) {
        phase = .http(.awaitingHost(keepAlive: request.keepAlive, isHead: false, acceptsGzip: request.accepts(encoding: "gzip")))
        server.longPollRequest(request, id: server.registerRequest(from: id))
    }
}
