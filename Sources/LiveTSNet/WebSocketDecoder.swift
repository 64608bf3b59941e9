/// Turns the bytes a client sends into whole messages and control frames,
/// enforcing RFC 6455: masking, reserved bits, known opcodes, control frame
/// size and fragmentation, continuation order, UTF-8 text, and a size limit.
/// A violation yields the close code the server must answer with.
///
/// Text is validated as bytes arrive, even inside a frame that is not
/// complete yet, so a peer sending invalid UTF-8 is failed at once (§8.1).
public struct WebSocketDecoder {
    public enum Event: Equatable {
        case message(WebSocketOpcode, [UInt8])
        /// A permessage-deflate message, still compressed; UTF-8 is checked after inflating.
        case compressedMessage(WebSocketOpcode, [UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(code: UInt16, reason: [UInt8])
    }

    public struct DecodeError: Error, Equatable {
        public let code: UInt16
        public let reason: String
    }

    public let maxMessageBytes: Int
    /// Set once permessage-deflate is negotiated: RSV1 then marks a compressed message.
    public var allowsCompression = false
    private var buffer: [UInt8] = []
    private var readOffset = 0
    private var fragmentOpcode: WebSocketOpcode?
    private var fragmentCompressed = false
    private var fragments: [UInt8] = []
    private var textValidator = UTF8Validator()
    /// Payload bytes of the frame at `readOffset` already fed to `textValidator`.
    private var frameValidated = 0

    public init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    /// Bytes held for what is not complete yet: the frame being read and
    /// the fragments of a message. The server caps their sum over all
    /// connections, and times how long they take to complete.
    public var bufferedBytes: Int { buffer.count - readOffset + fragments.count }

    /// Whether a message (or control frame) has begun and not ended.
    public var isMidMessage: Bool { buffer.count > readOffset || fragmentOpcode != nil }

    /// Counts frames that left no message open: a message started after
    /// this changed is a new one, with a deadline of its own.
    public private(set) var messagesEnded: UInt64 = 0

    /// Appends received bytes and returns every complete event, then the
    /// error that ends the connection, if any. Events before the error are
    /// still delivered, in order, as a strict peer expects.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> (events: [Event], error: DecodeError?) {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch nextFrame() {
            case .none:
                compact()
                return (events, nil)
            case .some(.failure(let error)):
                return (events, error)
            case .some(.success(let event)):
                if let event { events.append(event) }
                if fragmentOpcode == nil { messagesEnded &+= 1 }
            }
        }
    }

    private mutating func compact() {
        guard readOffset > 0 else { return }
        if readOffset == buffer.count && buffer.capacity > 4096 {
            // Give a large message's memory back: an idle connection should
            // not keep the biggest buffer it ever needed.
            buffer = []
        } else {
            buffer.removeFirst(readOffset)
        }
        readOffset = 0
    }

    private static func fail(_ code: UInt16, _ reason: String) -> Swift.Result<Event?, DecodeError> {
        .failure(DecodeError(code: code, reason: reason))
    }

    private mutating func nextFrame() -> Swift.Result<Event?, DecodeError>? {
        let available = buffer.count - readOffset
        guard available >= 2 else { return nil }
        let b0 = buffer[readOffset], b1 = buffer[readOffset + 1]
        let fin = b0 & 0x80 != 0
        guard let opcode = WebSocketOpcode(rawValue: b0 & 0x0F) else { return Self.fail(CloseCode.protocolError, "unknown opcode") }
        let compressed = b0 & 0x40 != 0
        guard b0 & 0x30 == 0, !compressed || (allowsCompression && (opcode == .text || opcode == .binary)) else {
            return Self.fail(CloseCode.protocolError, "reserved bits set")
        }
        guard b1 & 0x80 != 0 else { return Self.fail(CloseCode.protocolError, "client frames must be masked") }
        if opcode == .continuation && fragmentOpcode == nil { return Self.fail(CloseCode.protocolError, "continuation without a message") }
        if (opcode == .text || opcode == .binary) && fragmentOpcode != nil {
            return Self.fail(CloseCode.protocolError, "new message inside a fragmented one")
        }
        var length = UInt64(b1 & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = UInt64(buffer[readOffset + 2]) << 8 | UInt64(buffer[readOffset + 3])
            guard length >= 126 else { return Self.fail(CloseCode.protocolError, "length not minimal") }
            headerLength = 4
        } else if length == 127 {
            guard available >= 10 else { return nil }
            length = 0
            for i in 0..<8 { length = length << 8 | UInt64(buffer[readOffset + 2 + i]) }
            guard length >> 63 == 0, length > 0xFFFF else { return Self.fail(CloseCode.protocolError, "bad length") }
            headerLength = 10
        }
        if opcode.isControl {
            guard fin else { return Self.fail(CloseCode.protocolError, "fragmented control frame") }
            guard length <= 125 else { return Self.fail(CloseCode.protocolError, "control frame too long") }
        } else if UInt64(fragments.count) + length > UInt64(maxMessageBytes) {
            return Self.fail(CloseCode.tooBig, "message too big")
        }
        guard available >= headerLength + 4 else { return nil }
        let maskStart = readOffset + headerLength
        let payloadStart = maskStart + 4
        let payloadLength = Int(length)

        let isPlainText = opcode == .text ? !compressed : (opcode == .continuation && fragmentOpcode == .text && !fragmentCompressed)
        if isPlainText && opcode == .text && frameValidated == 0 { textValidator = UTF8Validator() }
        guard available >= headerLength + 4 + payloadLength else {
            // Part of the frame: check the text that is here already.
            let arrived = buffer.count - payloadStart
            if isPlainText && arrived > frameValidated {
                var chunk = Array(buffer[(payloadStart + frameValidated)..<(payloadStart + arrived)])
                unmask(&chunk, maskAt: maskStart, offset: frameValidated)
                guard chunk.withUnsafeBufferPointer({ textValidator.feed(buffer: $0) }) else {
                    return Self.fail(CloseCode.invalidPayload, "invalid UTF-8")
                }
                frameValidated = arrived
            }
            return nil
        }
        var payload = Array(buffer[payloadStart..<(payloadStart + payloadLength)])
        unmask(&payload, maskAt: maskStart, offset: 0)
        if isPlainText && payloadLength > frameValidated {
            let valid = payload.withUnsafeBufferPointer { textValidator.feed(buffer: UnsafeBufferPointer(rebasing: $0[frameValidated...])) }
            guard valid else { return Self.fail(CloseCode.invalidPayload, "invalid UTF-8") }
        }
        readOffset = payloadStart + payloadLength
        frameValidated = 0
        return handle(opcode: opcode, fin: fin, compressed: compressed, payload: payload)
    }

    /// XORs eight bytes at a time with the key repeated, turned to start
    /// at `offset` into the payload.
    private func unmask(_ bytes: inout [UInt8], maskAt maskStart: Int, offset: Int) {
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { p in
            for i in 0..<8 { p[i] = buffer[maskStart + ((offset + i) & 3)] }
        }
        bytes.withUnsafeMutableBytes { p in
            guard let base = p.baseAddress else { return }
            let count = p.count
            var i = 0
            while i + 8 <= count {
                base.storeBytes(of: base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern, toByteOffset: i, as: UInt64.self)
                i += 8
            }
            withUnsafeBytes(of: pattern) { key in
                while i < count {
                    p[i] ^= key[i & 7]
                    i += 1
                }
            }
        }
    }

    private mutating func handle(opcode: WebSocketOpcode, fin: Bool, compressed: Bool, payload: [UInt8]) -> Swift.Result<Event?, DecodeError> {
        switch opcode {
        case .ping: return .success(.ping(payload))
        case .pong: return .success(.pong(payload))
        case .close: return closeEvent(payload)
        case .text, .binary:
            if fin {
                if compressed { return .success(.compressedMessage(opcode, payload)) }
                if opcode == .text && !textValidator.isComplete { return Self.fail(CloseCode.invalidPayload, "invalid UTF-8") }
                return .success(.message(opcode, payload))
            }
            fragmentOpcode = opcode
            fragmentCompressed = compressed
            fragments = payload
            return .success(nil)
        case .continuation:
            guard let started = fragmentOpcode else { return Self.fail(CloseCode.protocolError, "continuation without a message") }
            fragments += payload
            guard fin else { return .success(nil) }
            let message = fragments
            fragments = []
            fragmentOpcode = nil
            if fragmentCompressed { return .success(.compressedMessage(started, message)) }
            if started == .text && !textValidator.isComplete { return Self.fail(CloseCode.invalidPayload, "invalid UTF-8") }
            return .success(.message(started, message))
        }
    }

    private func closeEvent(_ payload: [UInt8]) -> Swift.Result<Event?, DecodeError> {
        if payload.isEmpty { return .success(.close(code: CloseCode.noStatus, reason: [])) }
        guard payload.count >= 2 else { return Self.fail(CloseCode.protocolError, "close payload of one byte") }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard CloseCode.isValidOnWire(code) else { return Self.fail(CloseCode.protocolError, "invalid close code") }
        let reason = Array(payload[2...])
        guard UTF8Validator.isValid(reason) else { return Self.fail(CloseCode.invalidPayload, "invalid UTF-8 in close reason") }
        return .success(.close(code: code, reason: reason))
    }
}
