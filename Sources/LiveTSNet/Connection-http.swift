/// Requests, one at a time: each is refused, upgraded, served from a
/// static mount or handed to the host, and pipelined requests behind it
/// wait until it is answered.
extension Connection {
    /// Answering a request: later requests wait until it is done.
    var isBusy: Bool {
        if case .http(.awaitingHost) = phase { return true }
        return streamingBody != nil
    }

    func processHTTP() {
        let parser = HTTPParser(limits: server.settings.httpLimits)
        // Once a close is decided, requests pipelined behind it are not answered.
        while case .http(.ready) = phase, streamingBody == nil, !inbound.isEmpty {
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
                upgrade(request, response: response, deflate: agreement)
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
        phase = .http(.awaitingHost(keepAlive: request.keepAlive, isHead: request.method == Array("HEAD".utf8)))
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

    /// The host's answer to the request it was handed. Dropped once the
    /// connection is closing: nothing more is written to it.
    func finishRequest(status: Int, headers: [UInt8], body: [UInt8]) {
        guard case .http(.awaitingHost(let keepAlive, let isHead)) = phase else { return }
        phase = .http(.ready)
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
        setPaused(.pipeline, isBusy && inbound.count > limits.maxHeadBytes + limits.maxBodyBytes)
    }
}
