import CLibUV

/// Requests answered as streams, when the host took them (SocketServer.
/// streamsRequests): the head goes to the host, then the body as it
/// arrives, decoded, never more than HostExchange.bodyWindow untaken; the
/// host answers with a head, body pieces and an end. The next request on
/// the connection waits until both the body and the response are done.
extension Connection {
    func startExchange(_ request: HTTPRequest, framing: HTTPParser.BodyFraming) {
        let limits = server.settings.httpLimits
        let id = server.registerRequest(from: self.id)
        let exchange = HostExchange(id: id, decoder: HTTPBodyDecoder(framing: framing, limits: limits), keepAlive: request.keepAlive,
                                    isHead: request.method == Array("HEAD".utf8), acceptsGzip: request.accepts(encoding: "gzip"), now: server.now)
        phase = .http(.exchange(exchange))
        server.responses.open(id, minorVersion: request.minorVersion, isHead: exchange.isHead)
        server.delegate?.server(server, requestHead: request, id: id, bodyFraming: framing)
        guard isCurrent(exchange) else { return }
        // Sent at once (as Node does by default): the host reads the body as
        // it comes, so it has started reading as soon as it has the head.
        if !exchange.bodyDone && !exchange.responseStarted && request.minorVersion >= 1
            && request.headerHasToken("expect", "100-continue") {
            writeRaw(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        pumpBody(exchange)
    }

    func isCurrent(_ exchange: HostExchange) -> Bool {
        if case .http(.exchange(let current)) = phase { return current === exchange }
        return false
    }

    /// Hands the host what the body has so far, within the window; ends the
    /// exchange once body and response are both done.
    func pumpBody(_ exchange: HostExchange) {
        if exchange.pumping {
            exchange.pumpAgain = true
            return
        }
        exchange.pumping = true
        defer { exchange.pumping = false }
        while isCurrent(exchange) {
            exchange.pumpAgain = false
            let progressed = decodeStep(exchange)
            guard isCurrent(exchange) else { return }
            if exchange.bodyDone && !exchange.discarding && !exchange.endDelivered {
                exchange.endDelivered = true
                server.delegate?.server(server, requestEnded: exchange.id)
                continue
            }
            if exchange.bodyDone && exchange.responseEnded {
                exchange.pumping = false
                completeExchange(exchange)
                return
            }
            if !progressed && !exchange.pumpAgain { break }
        }
        if isCurrent(exchange) { updateBodyPause(exchange) }
    }

    /// Decodes what `inbound` holds, up to the window, and delivers it.
    /// False if nothing could be done.
    private func decodeStep(_ exchange: HostExchange) -> Bool {
        guard !exchange.bodyDone, !inbound.isEmpty else { return false }
        let room = exchange.discarding ? inbound.count : min(inbound.count, HostExchange.bodyWindow - exchange.unconsumed)
        guard room > 0 else { return false }
        let keep = !exchange.discarding
        var body: [UInt8] = []
        let (consumed, outcome) = inbound.withUnsafeBytes { raw in
            exchange.decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<room])) { if keep { body.append(contentsOf: $0) } }
        }
        inbound.removeFirst(consumed)
        switch outcome {
        case .failure(let status):
            bodyFailed(exchange, status: status)
            return false
        case .done:
            exchange.bodyDone = true
        case .needMore:
            break
        }
        exchange.lastBodyAt = server.now
        if !body.isEmpty {
            exchange.unconsumed += body.count
            server.responses.delivered(exchange.id, bytes: body.count)
            server.delegate?.server(server, requestBody: body, id: exchange.id)
        }
        return consumed > 0
    }

    private func updateBodyPause(_ exchange: HostExchange) {
        setPaused(.requestBody, !exchange.bodyDone && !exchange.discarding && exchange.unconsumed >= HostExchange.bodyWindow)
    }

    /// The host took `bytes` of the body: reading resumes below the window.
    func consumeBody(_ exchange: HostExchange, bytes: Int) {
        guard isCurrent(exchange), !exchange.discarding else { return }
        if exchange.unconsumed >= HostExchange.bodyWindow { exchange.lastBodyAt = server.now }
        exchange.unconsumed = max(0, exchange.unconsumed - bytes)
        pumpBody(exchange)
    }

    /// A body over the limit (413) or with broken framing (400): answered
    /// if the host has not begun to, and the connection closes, as the
    /// rest of the body cannot be told from a next request.
    private func bodyFailed(_ exchange: HostExchange, status: Int) {
        let limits = server.settings.httpLimits
        if status == 413 {
            server.refuse(.tooBig, connection: 0, address: clientAddress,
                          detail: "A request body passed \(limits.maxBodyBytes) bytes (lts_config.max_body_bytes): answered 413 and closed.")
        }
        let answered = exchange.responseStarted
        finishExchange(exchange, aborted: true)
        inbound.removeAll()
        if !answered { writeRaw(HTTPResponse.error(status: status)) }
        closeAfterFlush()
    }

    /// The body stalled for body_timeout_ms while the host was ready for more.
    func bodyTimedOut(_ exchange: HostExchange) {
        let answered = exchange.responseStarted
        finishExchange(exchange, aborted: true)
        inbound.removeAll()
        if !answered { writeRaw(HTTPResponse.error(status: 408)) }
        closeAfterFlush()
    }

    /// Tells the host the request is over, once: done, or aborted (the
    /// client left, the body failed, the host or the server ended it).
    func finishExchange(_ exchange: HostExchange, aborted: Bool) {
        guard !exchange.finished else { return }
        exchange.finished = true
        server.responses.remove(exchange.id)
        server.pendingRequests[exchange.id] = nil
        server.delegate?.server(server, requestDone: exchange.id, aborted: aborted)
    }

    /// The deadline of an exchange: none while the host has the body or holds it.
    func exchangeDeadline(_ exchange: HostExchange) -> UInt64? {
        if exchange.bodyDone || (!exchange.discarding && exchange.unconsumed >= HostExchange.bodyWindow) { return nil }
        return exchange.lastBodyAt + server.settings.bodyTimeoutMs
    }

    // MARK: - The response

    func startResponse(_ exchange: HostExchange, status: Int, reason: [UInt8], head: HostResponseHead, framing: ResponseLedger.BodyFraming) {
        guard isCurrent(exchange), !exchange.responseStarted else { return }
        writeRaw(beginResponse(exchange, status: status, reason: reason, head: head, framing: framing, bodyCapacity: 0))
    }

    /// lts_response_send: head and framed body in one socket write, as a
    /// response given whole would be by Node.
    func sendResponse(_ exchange: HostExchange, status: Int, reason: [UInt8], head: HostResponseHead, framing: ResponseLedger.BodyFraming,
                      bytes: [UInt8], short: Bool) {
        guard isCurrent(exchange), !exchange.responseStarted else { return }
        // A body shorter than its Content-Length is known before the head
        // goes: the head says the connection closes after it.
        var out = beginResponse(exchange, status: status, reason: reason, head: head, framing: framing, bodyCapacity: bytes.count, closing: short)
        if framing != .none { out += bytes }
        writeRaw(out)
        responseFinished(exchange)
    }

    /// The status line and headers; the exchange is answering from now on.
    private func beginResponse(_ exchange: HostExchange, status: Int, reason: [UInt8], head: HostResponseHead,
                               framing: ResponseLedger.BodyFraming, bodyCapacity: Int, closing: Bool = false) -> [UInt8] {
        exchange.responseStarted = true
        exchange.framing = framing
        exchange.keepAlive = exchange.keepAliveAsked && !head.close && framing != .untilClose && !closing
        var out: [UInt8] = []
        out.reserveCapacity(128 + head.lines.count + bodyCapacity)
        out += Array("HTTP/1.1 \(status) ".utf8)
        out += reason.isEmpty ? Array(HTTPResponse.reasonPhrase(status).utf8) : reason
        out += [13, 10]
        if !head.hasDate { out += Array("Date: ".utf8) + HTTPDate.now() + [13, 10] }
        if framing == .chunked { out += Array("Transfer-Encoding: chunked\r\n".utf8) }
        out += Array("Connection: \(exchange.keepAlive ? "keep-alive" : "close")\r\n".utf8)
        out += head.lines
        out += [13, 10]
        return out
    }

    /// `bytes` are framed already (a chunk with its size line); `count` is
    /// what the ledger counted for them.
    func writeResponse(_ exchange: HostExchange, bytes: [UInt8], count: Int) {
        guard isCurrent(exchange), exchange.responseStarted, !exchange.responseEnded else { return }
        if exchange.framing != .none { writeRaw(bytes) }
        reportProgress(exchange, sent: count)
    }

    func endResponse(_ exchange: HostExchange, bytes: [UInt8], count: Int, short: Bool) {
        guard isCurrent(exchange), exchange.responseStarted, !exchange.responseEnded else { return }
        if exchange.framing != .none { writeRaw(bytes) }
        // A body shorter than its Content-Length: the client can tell only
        // from the connection closing.
        if short { exchange.keepAlive = false }
        responseFinished(exchange)
    }

    /// lts_respond on a streamed request: head and body in one write.
    func respondWhole(_ exchange: HostExchange, status: Int, headers: [UInt8], body: [UInt8]) {
        guard isCurrent(exchange), !exchange.responseStarted else { return }
        exchange.responseStarted = true
        exchange.keepAlive = exchange.keepAliveAsked
        let (headers, body) = server.settings.pageCompression.encode(status: status, headers: headers, body: body,
                                                                     acceptsGzip: exchange.acceptsGzip)
        writeRaw(HTTPResponse.build(status: status, extraHeaders: headers, body: body, keepAlive: exchange.keepAlive, omitBody: exchange.isHead))
        responseFinished(exchange)
    }

    private func responseFinished(_ exchange: HostExchange) {
        exchange.responseEnded = true
        finishExchange(exchange, aborted: false)
        guard isCurrent(exchange) else { return }
        if !exchange.keepAlive {
            closeAfterFlush()
        } else if exchange.bodyDone {
            completeExchange(exchange)
        } else {
            exchange.discarding = true
            exchange.lastBodyAt = server.now
            setPaused(.requestBody, false)
            pumpBody(exchange)
        }
    }

    /// Body and response are done: the next request may start.
    private func completeExchange(_ exchange: HostExchange) {
        guard isCurrent(exchange) else { return }
        phase = .http(.ready)
        setPaused(.requestBody, false)
        requestStartedAt = inbound.isEmpty ? 0 : server.now
        processHTTP()
        updatePipelinePause()
    }

    /// Tells the ledger how much of the response is still unsent, and the
    /// host that it may write again once that is below the low-water mark.
    func reportProgress(_ exchange: HostExchange, sent: Int) {
        guard !exchange.finished, !isClosed else { return }
        let queued = unsentBytes
        if server.responses.progress(exchange.id, sent: sent, socketQueued: queued) {
            server.delegate?.server(server, responseDrained: exchange.id)
        }
    }
}
