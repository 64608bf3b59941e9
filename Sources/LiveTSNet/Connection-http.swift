/// Requests, one at a time: each is refused, upgraded, served from a
/// static mount or handed to the host, and pipelined requests behind it
/// wait until it is answered.
extension Connection {
    /// Answering a request: later requests wait until it is done.
    var isBusy: Bool {
        if case .http(.awaitingHost) = phase { return true }
        if case .http(.exchange) = phase { return true }
        return streamingBody != nil
    }

    func processHTTP() {
        if case .http(.exchange(let exchange)) = phase {
            pumpBody(exchange)
            return
        }
        let parser = HTTPParser(limits: server.settings.httpLimits)
        if server.streamsRequests {
            processHeads(parser)
            return
        }
        // Once a close is decided, requests pipelined behind it are not answered.
        while case .http(.ready) = phase, streamingBody == nil, !inbound.isEmpty {
            guard handleNextRequest(parser, refusing: nil) else { return }
        }
    }

    /// Parses the next whole request in `inbound` and handles it; false when
    /// more bytes are needed or the request was refused (`what` names it in
    /// the refusal).
    func handleNextRequest(_ parser: HTTPParser, refusing what: String?) -> Bool {
        switch parser.parse(inbound) {
        case .needMore:
            return false
        case .failure(let status):
            refuseUnparsed(status, what: what)
            return false
        case .request(var request, let consumed):
            inbound.removeFirst(consumed)
            clientAddress = ForwardedFor.clientAddress(peer: peerAddress, request: request,
                                                       trustedProxies: server.settings.trustedProxies)
            request.clientAddress = clientAddress
            // Pipelined bytes already here start the next request's clock now.
            requestStartedAt = inbound.isEmpty ? 0 : server.now
            handle(request)
            return true
        }
    }

    /// Answers a request the parser refused with its status and closes. A
    /// body declared over the limit is logged as a refusal when `what` names
    /// the request (a host that streams bodies, a long-poll POST).
    func refuseUnparsed(_ status: Int, what: String?) {
        if status == 413, let what {
            server.refuse(.tooBig, connection: 0, address: clientAddress,
                          detail: "\(what) declared a body over \(server.settings.httpLimits.maxBodyBytes) bytes (lts_config.max_body_bytes): answered 413 and closed.")
        }
        inbound.removeAll()
        writeRaw(HTTPResponse.error(status: status))
        closeAfterFlush()
    }

    /// processHTTP when the host streams requests: only heads are parsed
    /// here; a body goes to the host through the exchange.
    private func processHeads(_ parser: HTTPParser) {
        while case .http(.ready) = phase, streamingBody == nil, !inbound.isEmpty {
            switch parser.parseHead(inbound) {
            case .needMore:
                return
            case .failure(let status):
                refuseUnparsed(status, what: "A request")
                return
            case .head(var request, let headBytes, let framing):
                if framing != .none && server.isLongPoll(request) {
                    // Only heads go to a host that streams requests; a long
                    // poll is the core's, so its body is read whole here.
                    guard handleNextRequest(parser, refusing: "A long-poll POST") else { return }
                    continue
                }
                inbound.removeFirst(headBytes)
                clientAddress = ForwardedFor.clientAddress(peer: peerAddress, request: request,
                                                           trustedProxies: server.settings.trustedProxies)
                request.clientAddress = clientAddress
                requestStartedAt = 0
                handle(request, framing: framing)
            }
        }
    }

    /// Acts on the decisions of the Host policy, the per-address cap, the
    /// handshake, the static mounts and the page rate, in that order; what
    /// passes them all goes to the host. `framing` is set when the host
    /// streams requests: the body, if any, is still unread in `inbound`.
    func handle(_ request: HTTPRequest, framing: HTTPParser.BodyFraming? = nil) {
        var request = request
        // What the core answers itself does not read a body: the
        // connection closes after the answer rather than parse the body as
        // the next request.
        if let framing, framing != .none { request.closesAfterResponse = true }
        let settings = server.settings
        if let refusal = settings.allowedHosts.refusal(request, bound: settings.host) {
            server.refuse(.hostNotAllowed, connection: 0, address: clientAddress, detail: refusal)
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
        switch WebSocketHandshake.decide(request, settings: settings) {
        case .notAnUpgrade:
            break
        case .refuse(let status, let extraHeaders, let originRefusal):
            if let originRefusal {
                server.countRejectedOrigin()
                server.refuse(.origin, connection: 0, address: clientAddress, detail: originRefusal)
            }
            writeRaw(HTTPResponse.error(status: status, extraHeaders: extraHeaders))
            closeAfterFlush()
            return
        case .accept(let response, let deflate):
            upgrade(request, response: response, deflate: deflate)
            return
        }
        if server.isLongPoll(request) {
            answerLongPoll(request)
            return
        }
        if let mount = server.staticMounts.first(where: { $0.matches(request.path) }) {
            switch mount.reply(to: request, gzipCache: server.gzipCache) {
            case .complete(let response):
                writeRaw(response)
                if !request.keepAlive { closeAfterFlush() }
            case .streamed(let head, let body):
                writeRaw(head)
                startStreaming(body, keepAlive: request.keepAlive)
            }
            return
        }
        if let retryAfter = server.pageRate.take(clientAddress, now: server.now) {
            server.refuse(.pageRate, connection: 0, address: clientAddress,
                          detail: "A page request got 503: over \(settings.pageRate) per second, \(settings.pageBurst) at once, from one address (lts_config.page_rate, page_burst).")
            writeRaw(HTTPResponse.error(status: 503, extraHeaders: "Retry-After: \(retryAfter)\r\n", keepAlive: request.keepAlive))
            if !request.keepAlive { closeAfterFlush() }
            return
        }
        if let framing {
            request.closesAfterResponse = false
            startExchange(request, framing: framing)
            return
        }
        phase = .http(.awaitingHost(keepAlive: request.keepAlive, isHead: request.method == Array("HEAD".utf8),
                                    acceptsGzip: request.accepts(encoding: "gzip")))
        let requestID = server.registerRequest(from: id)
        server.delegate?.server(server, request: request, id: requestID)
        if server.delegate == nil { server.respond(request: requestID, status: 404, headers: [], body: []) }
    }

    /// The host's answer to the request it was handed. Dropped once the
    /// connection is closing: nothing more is written to it.
    func finishRequest(status: Int, headers: [UInt8], body: [UInt8]) {
        guard case .http(.awaitingHost(let keepAlive, let isHead, let acceptsGzip)) = phase else { return }
        phase = .http(.ready)
        // A HEAD is encoded too, so its Content-Length is the GET's.
        let (headers, body) = server.settings.pageCompression.encode(status: status, headers: headers, body: body, acceptsGzip: acceptsGzip)
        if body.count >= ResponseBody.streamingThreshold && !isHead {
            // Sent as the client reads it: a page bigger than the outbound
            // limit is no slow consumer, and the write queue never holds a
            // second copy of it.
            writeRaw(HTTPResponse.head(status: status, extraHeaders: headers, contentLength: body.count, keepAlive: keepAlive))
            startStreaming(ResponseBody(.memory(body), length: body.count), keepAlive: keepAlive)
            if streamingBody == nil && keepAlive { processHTTP() }
            updatePipelinePause()
            return
        }
        writeRaw(HTTPResponse.build(status: status, extraHeaders: headers, body: body, keepAlive: keepAlive, omitBody: isHead))
        if !keepAlive {
            closeAfterFlush()
        } else {
            processHTTP()
            updatePipelinePause()
        }
    }

    /// Pipelined requests wait in `inbound` while one is answered; past one
    /// whole request's worth, the rest waits in the kernel instead.
    func updatePipelinePause() {
        let limits = server.settings.httpLimits
        // A streamed request's body is decoded out of `inbound` as it comes,
        // so only the next head needs room beside the body window.
        let allowance = limits.maxHeadBytes + (server.streamsRequests ? HostExchange.bodyWindow : limits.maxBodyBytes)
        setPaused(.pipeline, isBusy && inbound.count > allowance)
    }
}
