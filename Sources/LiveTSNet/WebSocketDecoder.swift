/// Turns the bytes a client sends into whole messages and control frames,
/// enforcing RFC 6455: masking, reserved bits, known opcodes, control frame
/// size and fragmentation, continuation order, UTF-8 text, and a size limit.
/// A violation yields the close code the server must answer with.
public struct WebSocketDecoder {
    public enum Event: Equatable {
        case message(WebSocketOpcode, [UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(code: UInt16, reason: [UInt8])
    }

    public let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var readOffset = 0
    private var fragmentOpcode: WebSocketOpcode?
    private var fragments: [UInt8] = []
    private var textValidator = UTF8Validator()

    public init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    /// Appends received bytes and returns every complete event, or the close
    /// code to fail the connection with.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Swift.Result<[Event], DecodeError> {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch nextFrame() {
            case .none:
                compact()
                return .success(events)
            case .some(.failure(let error)):
                return .failure(error)
            case .some(.success(let event)):
                if let event { events.append(event) }
            }
        }
    }

    public struct DecodeError: Error, Equatable {
        public let code: UInt16
        public let reason: String
    }

    private mutating func compact() {
        if readOffset > 0 {
            buffer.removeFirst(readOffset)
            readOffset = 0
        }
    }

    private mutating func nextFrame() -> Swift.Result<Event?, DecodeError>? {
        let available = buffer.count - readOffset
        guard available >= 2 else { return nil }
        let b0 = buffer[readOffset], b1 = buffer[readOffset + 1]
        let fin = b0 & 0x80 != 0
        guard b0 & 0x70 == 0 else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "reserved bits set")) }
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else {
            return .failure(DecodeError(code: CloseCode.protocolError, reason: "unknown opcode"))
        }
        guard b1 & 0x80 != 0 else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "client frames must be masked")) }
        var length = UInt64(b1 & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = UInt64(buffer[readOffset + 2]) << 8 | UInt64(buffer[readOffset + 3])
            guard length >= 126 else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "length not minimal")) }
            headerLength = 4
        } else if length == 127 {
            guard available >= 10 else { return nil }
            length = 0
            for i in 0..<8 { length = length << 8 | UInt64(buffer[readOffset + 2 + i]) }
            guard length >> 63 == 0, length > 0xFFFF else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "bad length")) }
            headerLength = 10
        }
        if opcode.isControl {
            guard fin else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "fragmented control frame")) }
            guard length <= 125 else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "control frame too long")) }
        } else if UInt64(fragments.count) + length > UInt64(maxMessageBytes) {
            return .failure(DecodeError(code: CloseCode.tooBig, reason: "message too big"))
        }
        let total = headerLength + 4 + Int(length)
        guard available >= total else { return nil }
        let maskStart = readOffset + headerLength
        let mask = (buffer[maskStart], buffer[maskStart + 1], buffer[maskStart + 2], buffer[maskStart + 3])
        let payloadStart = maskStart + 4
        var payload = Array(buffer[payloadStart..<(payloadStart + Int(length))])
        unmask(&payload, mask)
        readOffset += total
        return handle(opcode: opcode, fin: fin, payload: payload)
    }

    private func unmask(_ payload: inout [UInt8], _ mask: (UInt8, UInt8, UInt8, UInt8)) {
        let key = [mask.0, mask.1, mask.2, mask.3]
        payload.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] ^= key[i & 3] }
        }
    }

    private mutating func handle(opcode: WebSocketOpcode, fin: Bool, payload: [UInt8]) -> Swift.Result<Event?, DecodeError> {
        switch opcode {
        case .ping: return .success(.ping(payload))
        case .pong: return .success(.pong(payload))
        case .close: return closeEvent(payload)
        case .text, .binary:
            guard fragmentOpcode == nil else {
                return .failure(DecodeError(code: CloseCode.protocolError, reason: "new message inside a fragmented one"))
            }
            if fin {
                if opcode == .text && !UTF8Validator.isValid(payload) {
                    return .failure(DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8"))
                }
                return .success(.message(opcode, payload))
            }
            fragmentOpcode = opcode
            fragments = payload
            textValidator = UTF8Validator()
            if opcode == .text && !textValidator.feed(payload) {
                return .failure(DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8"))
            }
            return .success(nil)
        case .continuation:
            guard let started = fragmentOpcode else {
                return .failure(DecodeError(code: CloseCode.protocolError, reason: "continuation without a message"))
            }
            if started == .text && !textValidator.feed(payload) {
                return .failure(DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8"))
            }
            fragments += payload
            guard fin else { return .success(nil) }
            if started == .text && !textValidator.isComplete {
                return .failure(DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8"))
            }
            let message = fragments
            fragments = []
            fragmentOpcode = nil
            return .success(.message(started, message))
        }
    }

    private func closeEvent(_ payload: [UInt8]) -> Swift.Result<Event?, DecodeError> {
        if payload.isEmpty { return .success(.close(code: CloseCode.noStatus, reason: [])) }
        guard payload.count >= 2 else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "close payload of one byte")) }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard CloseCode.isValidOnWire(code) else { return .failure(DecodeError(code: CloseCode.protocolError, reason: "invalid close code")) }
        let reason = Array(payload[2...])
        guard UTF8Validator.isValid(reason) else { return .failure(DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8 in close reason")) }
        return .success(.close(code: code, reason: reason))
    }
}
