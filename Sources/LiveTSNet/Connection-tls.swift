/// TLS on a connection: ciphertext from the socket is decrypted before
/// the HTTP and WebSocket code sees it, and everything they write is
/// encrypted on its way to the socket (`writeNow`, stream chunks, the
/// close). The rest of the connection never knows.
extension Connection {
    /// Starts a TLS session when the server serves TLS; false if it could
    /// not be made (the connection is then closed).
    func startTLS() -> Bool {
        guard let credentials = server.tls else { return true }
        guard let session = TLSSession(credentials.current) else {
            closeHandle()
            return false
        }
        tls = session
        return true
    }

    /// Bytes read from the socket of a TLS connection.
    func receivedEncrypted(_ bytes: UnsafeRawBufferPointer, _ tls: TLSSession) {
        // A closing connection drops what arrives (see Phase.lingering)
        // without decrypting it.
        guard isOpen else { return }
        let handshaking = !tls.isHandshakeDone
        // The handshake is held to the request deadline (header_timeout_ms),
        // from its first byte, as a request's head is.
        if handshaking && requestStartedAt == 0 { requestStartedAt = server.now }
        let outcome = tls.receive(bytes, flush: { flushHandshake(tls) }) { plaintext in
            received(plaintext)
            return isOpen
        }
        if handshaking && tls.isHandshakeDone && inbound.isEmpty && !isBusy, case .http = phase {
            // Done with nothing asked yet: idle, as a fresh connection is.
            requestStartedAt = 0
        }
        switch outcome {
        case .open:
            flushHandshake(tls)
        case .peerClosed:
            // close_notify: the peer's end of data, as a FIN is.
            closeHandle()
        case .failed(let reason, let plainHTTP):
            server.refuse(.tls, connection: isWebSocket ? id : 0, address: clientAddress,
                          detail: plainHTTP ? "A plain-HTTP request on the HTTPS port got 400 and was closed (OpenSSL: \(reason))."
                                            : "A TLS connection was closed: \(handshaking ? "the handshake" : "a record") failed (OpenSSL: \(reason)).")
            if plainHTTP {
                // OpenSSL has recognised HTTP: say what to do, in HTTP.
                tls.takeCiphertext { _ in }
                HTTPResponse.build(status: 400, extraHeaders: Array("Content-Type: text/plain; charset=utf-8\r\n".utf8),
                                   body: Array("This port serves HTTPS: use an https:// URL.\n".utf8), keepAlive: false)
                    .withUnsafeBytes { writeToSocket($0) }
            } else {
                // The alert OpenSSL wrote tells the client why.
                flushHandshake(tls)
            }
            closeHandle()
        }
    }

    /// Sends what OpenSSL wrote without being asked: handshake messages,
    /// session tickets, alerts.
    private func flushHandshake(_ tls: TLSSession) {
        guard !isClosed else { return }
        tls.takeCiphertext { writeToSocket($0) }
    }

    /// Encrypts and sends `bytes`. Nothing may be sent before the
    /// handshake is done or after the session failed: the connection is
    /// then closed (a request deadline that passes mid-handshake, say).
    func writeEncrypted(_ bytes: UnsafeRawBufferPointer, _ tls: TLSSession) {
        guard tls.seal(bytes) else {
            closeHandle()
            return
        }
        tls.takeCiphertext { writeToSocket($0) }
    }

    /// The chunk to write for `plain`: itself without TLS, else its
    /// ciphertext in a buffer of its own (`plain` is freed). nil if it
    /// cannot be encrypted.
    func sealedChunk(_ plain: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer? {
        guard let tls else { return plain }
        defer { plain.deallocate() }
        guard tls.seal(UnsafeRawBufferPointer(plain)) else { return nil }
        return tls.takeCiphertextBuffer()
    }

    /// close_notify before our FIN, so the peer can tell a complete
    /// response from a cut one.
    func sendCloseNotify() {
        guard let tls, !isClosed else { return }
        tls.close()
        tls.takeCiphertext { writeToSocket($0) }
    }
}
