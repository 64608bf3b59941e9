import CLibUV

/// Ending a connection: a close frame for a WebSocket, our FIN once every
/// queued byte is out, a linger for the peer's FIN, then the socket's close.
extension Connection {
    /// Sends a close frame (WebSocket) and closes once it is written.
    func shutdown(code: UInt16, reason: [UInt8]) {
        switch phase {
        case .closed:
            return
        case .webSocket(let socket):
            socket.closeCode = code
            writeRaw(WebSocketEncoder.close(code: code, reason: reason))
            closeAfterFlush()
        case .http, .closing, .lingering:
            closeAfterFlush()
        }
    }

    /// Sends our FIN after every queued byte. `peerSentClose`: the peer
    /// began the WebSocket closing handshake (see Closing).
    func closeAfterFlush(peerSentClose: Bool = false) {
        let closing: Closing
        switch phase {
        case .closed:
            return
        case .closing, .lingering:
            // Asked again while our FIN waits (a deadline passed, the
            // server stops): stop waiting for it.
            closeHandle()
            return
        case .http(let http):
            if case .exchange(let exchange) = http { finishExchange(exchange, aborted: true) }
            closing = Closing(webSocketCode: nil, deadline: httpDeadline(http)?.at)
        case .webSocket(let socket):
            let deadline = socket.pingSentAt == 0 ? nil : socket.pingSentAt + server.settings.pingIntervalMs
            closing = Closing(webSocketCode: socket.closeCode, peerSentClose: peerSentClose, deadline: deadline)
            releasePartial(socket)
        }
        phase = .closing(closing)
        // Gathered replies go before the shutdown, which refuses later writes.
        flushCork()
        sendCloseNotify()
        guard !isClosed else { return }
        // Reading goes on, dropping what arrives (see Phase.lingering).
        readingStarted = true
        readingStopped = false
        // The FIN follows every queued byte (Connection-socket).
        shutdownRequested = true
        updateWatch()
    }

    /// Our FIN is out: linger for the peer's (see Phase.lingering), unless
    /// the shutdown failed or the server is stopping.
    func shutDown(status: Int32) {
        switch phase {
        case .closed:
            return
        case .closing(let closing):
            if status != 0 || server.isStopping || closing.peerSentClose {
                closeHandle()
            } else {
                closing.lingerUntil = server.now + Connection.lingerMs
                phase = .lingering(closing)
            }
        case .http, .webSocket, .lingering:
            preconditionFailure("a shutdown completed in phase \(phase), not closing")
        }
    }

    /// Closes the handle at once. `code` overrides, for a WebSocket, the
    /// code the host is told (the close frame's, or 1006 without one).
    func closeHandle(code: UInt16? = nil) {
        let webSocketCode: UInt16?
        switch phase {
        case .closed:
            return
        case .http(let http):
            if case .exchange(let exchange) = http { finishExchange(exchange, aborted: true) }
            guard !isClosed else { return }
            webSocketCode = nil
        case .webSocket(let socket):
            webSocketCode = code ?? socket.closeCode
            releasePartial(socket)
        case .closing(let closing), .lingering(let closing):
            webSocketCode = closing.webSocketCode.map { code ?? $0 }
        }
        phase = .closed
        if server.cork.owner == ObjectIdentifier(self) { server.cork.discard() }
        streamingBody = nil
        inbound = []
        server.connectionDidClose(self, webSocketCode: webSocketCode)
        closeSocket()
    }
}
