/// The WebSocket phase: reading frames, accounting for unfinished
/// messages, and sending frames (compressed when agreed).
extension Connection {
    /// Switches to the WebSocket phase after the 101 answer; bytes that
    /// came with the request are the first frames.
    func upgrade(_ request: HTTPRequest, response: [UInt8], deflate: DeflateAgreement?) {
        writeRaw(response)
        // A 101 refused for the outbound limit closed the connection: the
        // host never hears of a socket that did not open.
        guard case .http = phase else { return }
        let socket = WebSocketPhase(deflate: deflate)
        phase = .webSocket(socket)
        var leftover = inbound
        httpState = nil
        server.delegate?.server(server, didOpen: id, request: request)
        if !leftover.isEmpty { leftover.withUnsafeMutableBytes { receivedWebSocket(UnsafeRawBufferPointer($0), socket) } }
    }

    /// `bytes` are the connection's to overwrite (the server's read
    /// buffer, TLS's plaintext buffer, or a copy): frames are unmasked
    /// where they lie and handed to the host as slices of them.
    func receivedWebSocket(_ bytes: UnsafeRawBufferPointer, _ socket: WebSocketPhase) {
        // The handler captures no counted reference, so calling it per
        // frame retains nothing: the read holds both objects.
        let connection = Unmanaged.passUnretained(self)
        let phase = Unmanaged.passUnretained(socket)
        var decoder = socket.decoder(maxMessageBytes: server.settings.maxMessageBytes)
        let error = decoder.decode(UnsafeMutableRawBufferPointer(mutating: bytes)) { frame in
            connection._withUnsafeGuaranteedRef { c in phase._withUnsafeGuaranteedRef { c.received(frame, $0) } }
        }
        guard case .webSocket = self.phase else { return }
        guard accountPartial(socket, decoder) else { return }
        if let error { shutdown(code: error.code, reason: Array(error.reason.utf8)) }
    }

    /// One decoded frame; false once the connection left the WebSocket phase.
    private func received(_ frame: WebSocketDecoder.Borrowed, _ socket: WebSocketPhase) -> Bool {
        guard case .webSocket = phase else { return false }
        switch frame {
        case .message(let opcode, let payload):
            let id = id
            Unmanaged.passUnretained(server)._withUnsafeGuaranteedRef { $0.deliver(payload, opcode, from: id) }
        case .compressedMessage(let opcode, let compressed):
            switch server.codec.decompressMessage(Array(compressed), limit: server.settings.maxMessageBytes) {
            case .tooBig:
                shutdown(code: CloseCode.tooBig, reason: Array("message too big".utf8))
                return false
            case .invalid:
                shutdown(code: CloseCode.invalidPayload, reason: Array("invalid compressed data".utf8))
                return false
            case .ok(let payload):
                if opcode == .text && !UTF8Validator.isValid(payload) {
                    shutdown(code: CloseCode.invalidPayload, reason: Array("invalid UTF-8".utf8))
                    return false
                }
                payload.withUnsafeBytes { server.deliver($0, opcode, from: id) }
            }
        case .ping(let payload):
            sendFrame(.pong, payload: payload)
        case .pong:
            break
        case .close(let code, _):
            socket.closeCode = code
            // Echo the peer's code (§5.5.1); with no code, answer without one.
            if code == CloseCode.noStatus {
                writeRaw(WebSocketEncoder.frame(.close, payload: []))
            } else {
                writeRaw(WebSocketEncoder.close(code: code))
            }
            closeAfterFlush(peerSentClose: true)
        }
        if case .webSocket = phase { return true }
        return false
    }

    /// Brings the server's total of unfinished message bytes up to date
    /// with the decoder after a read, keeps the decoder while a message is
    /// unfinished (and drops it once none is), and starts or ends the
    /// message's clock. False when the total would pass max_partial_bytes:
    /// the connection is then closed 1013 and what it held released.
    private func accountPartial(_ socket: WebSocketPhase, _ decoder: WebSocketDecoder) -> Bool {
        let held = decoder.bufferedBytes
        let wasHeld = socket.unfinished?.heldPartialBytes ?? 0
        let settings = server.settings
        if held > wasHeld && server.partialBytes - wasHeld + held > settings.maxPartialBytes {
            server.refuse(.partialBytes, connection: id, address: clientAddress,
                          detail: "A WebSocket was closed 1013: unfinished messages of all connections would hold over \(settings.maxPartialBytes) bytes (lts_config.max_partial_bytes).")
            shutdown(code: CloseCode.tryAgainLater, reason: Array("server busy".utf8))
            return false
        }
        server.partialBytes += held - wasHeld
        guard decoder.isMidMessage else {
            socket.unfinished = nil
            return true
        }
        let message: UnfinishedMessage
        if let unfinished = socket.unfinished {
            message = unfinished
            // Messages ended in this read: the one under way began in it.
            if decoder.messagesEnded != message.messagesEndedBefore { message.messageStartedAt = server.now }
        } else {
            message = UnfinishedMessage(decoder)
            message.messageStartedAt = server.now
            socket.unfinished = message
        }
        message.keep(decoder)
        message.heldPartialBytes = held
        message.messagesEndedBefore = decoder.messagesEnded
        return true
    }

    /// Leaving the WebSocket phase gives back its unfinished message at
    /// once, and its share of the server's total.
    func releasePartial(_ socket: WebSocketPhase) {
        guard let message = socket.unfinished else { return }
        server.partialBytes -= message.heldPartialBytes
        socket.unfinished = nil
        assert(server.partialBytes >= 0)
    }

    func sendFrame(_ opcode: WebSocketOpcode, payload: [UInt8]) {
        payload.withUnsafeBytes { sendFrame(opcode, payload: $0) }
    }

    /// Nothing is sent after our close frame: it is the last frame.
    func sendFrame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer) {
        // The server passed down rather than read from `server` at each
        // use, which retains and releases it every time.
        Unmanaged.passUnretained(server)._withUnsafeGuaranteedRef { sendFrame(opcode, payload: payload, on: $0) }
    }

    private func sendFrame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, on server: SocketServer) {
        guard case .webSocket = phase else { return }
        // The phase is looked into only for a message big enough to
        // compress: binding its socket costs a retain.
        if !opcode.isControl, payload.count >= server.settings.compressionThreshold,
           let window = compressionWindow, let compressed = server.codec.compressMessage(Array(payload), windowBits: window) {
            writeRaw(WebSocketEncoder.frame(opcode, payload: compressed, compressed: true))
        } else {
            writeFrame(opcode, payload: payload, on: server)
        }
    }

    /// Builds the frame straight into the cork when this connection holds
    /// it, saving the frame's own array.
    private func writeFrame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, on server: SocketServer) {
        let total = WebSocketEncoder.headerLength(payload.count) + payload.count
        if server.cork.owner == nil && total <= WriteCork.capacity {
            // No read is being handled (a send another thread posted, a
            // timer): the cork's buffer frames this one message, which goes
            // out at once, rather than an array of its own.
            guard admit(total) else { return }
            server.cork.begin(ObjectIdentifier(self))
            let at = server.reserveInCork(total)
            WebSocketEncoder.writeHeader(opcode, length: payload.count, to: at)
            if let base = payload.baseAddress {
                UnsafeMutableRawPointer(at + (total - payload.count)).copyMemory(from: base, byteCount: payload.count)
            }
            let frame = server.cork.take()
            server.cork.end()
            writeNow(frame)
            return
        }
        guard server.cork.owner == ObjectIdentifier(self), total <= WriteCork.capacity else {
            writeRaw(WebSocketEncoder.frame(opcode, payload: payload))
            return
        }
        guard admit(total), makeRoom(total) else { return }
        let at = server.reserveInCork(total)
        WebSocketEncoder.writeHeader(opcode, length: payload.count, to: at)
        if let base = payload.baseAddress {
            UnsafeMutableRawPointer(at + (total - payload.count)).copyMemory(from: base, byteCount: payload.count)
        }
        // No pause decision per frame: reads of this connection can only
        // resume after this read, whose end writes the cork out and decides
        // then (writeToSocket), from what the kernel did not take.
    }

    /// The window this connection's messages may be compressed with, if any.
    var compressionWindow: Int32? {
        guard case .webSocket(let socket) = phase else { return nil }
        return socket.serverWindowBits
    }
}
