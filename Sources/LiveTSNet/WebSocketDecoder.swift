/// Turns the bytes a client sends into whole messages and control frames,
/// enforcing RFC 6455: masking, reserved bits, known opcodes, control frame
/// size and fragmentation, continuation order, UTF-8 text, and a size limit.
/// A violation yields the close code the server must answer with.
///
/// Frames are decoded where they were read: a frame that arrived whole is
/// unmasked in the read buffer and handed on as a slice of it, so the common
/// case (every frame of a read complete) copies and allocates nothing. Only
/// a frame cut by the end of a read is kept, and only until it completes;
/// only the pieces of a fragmented message are gathered.
///
/// Text is validated once, as its bytes are unmasked, even inside a frame
/// that is not complete yet, so a peer sending invalid UTF-8 is failed at
/// once (§8.1).
public struct WebSocketDecoder {
    /// A decoded frame, owning its bytes (`feed`, for tests and fuzzing).
    public enum Event: Equatable {
        case message(WebSocketOpcode, [UInt8])
        /// A permessage-deflate message, still compressed; UTF-8 is checked after inflating.
        case compressedMessage(WebSocketOpcode, [UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(code: UInt16, reason: [UInt8])
    }

    /// A decoded frame borrowing the bytes it was decoded from: valid only
    /// during the handler call it is passed to. Text is valid UTF-8.
    public enum Borrowed {
        case message(WebSocketOpcode, UnsafeRawBufferPointer)
        case compressedMessage(WebSocketOpcode, UnsafeRawBufferPointer)
        case ping(UnsafeRawBufferPointer)
        case pong(UnsafeRawBufferPointer)
        case close(code: UInt16, reason: UnsafeRawBufferPointer)
    }

    public struct DecodeError: Error, Equatable {
        public let code: UInt16
        public let reason: String
    }

    // Word-sized fields first, then the bytes: every connection holds one.
    public let maxMessageBytes: Int
    /// The frame a read ended inside of: its bytes so far, header included.
    private var partial: [UInt8] = []
    /// Payload bytes of `partial` already unmasked (and, for text, validated).
    private var partialUnmasked = 0
    private var fragments: [UInt8] = []
    /// Counts frames that left no message open: a message started after
    /// this changed is a new one, with a deadline of its own.
    public private(set) var messagesEnded: UInt64 = 0
    /// Set once permessage-deflate is negotiated: RSV1 then marks a compressed message.
    public var allowsCompression = false
    private var fragmentOpcode: WebSocketOpcode?
    private var fragmentCompressed = false
    private var textValidator = UTF8Validator()

    public init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    /// Bytes held for what is not complete yet: the frame being read and
    /// the fragments of a message. The server caps their sum over all
    /// connections, and times how long they take to complete.
    public var bufferedBytes: Int { partial.count + fragments.count }

    /// Whether a message (or control frame) has begun and not ended.
    public var isMidMessage: Bool { !partial.isEmpty || fragmentOpcode != nil }


    /// Decodes `bytes` in place (they are unmasked where they lie, so the
    /// caller gives up their contents) and hands each complete frame to
    /// `handler` as it is found; the handler returns false to stop, when
    /// the connection is gone. Returns the error that ends the connection,
    /// if any: frames before it are still handed on, in order, as a strict
    /// peer expects.
    public mutating func decode(_ bytes: UnsafeMutableRawBufferPointer, _ handler: (Borrowed) -> Bool) -> DecodeError? {
        guard let start = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return nil }
        let count = bytes.count
        var at = 0
        if !partial.isEmpty {
            switch completePartial(start, count, &at, handler) {
            case .more: return nil
            case .stop: return nil
            case .failed(let error): return error
            case .next: break
            }
        }
        while at < count {
            let frame = start + at
            let available = count - at
            let header: Header
            switch parseHeader(frame, available) {
            case .needMore:
                return keep(frame, available)
            case .failed(let error):
                return error
            case .header(let h):
                header = h
            }
            let length = header.length + header.payloadLength
            guard available >= length else { return keep(frame, available) }
            at += length
            let payload = frame + header.length
            unmask(payload, header.payloadLength, key: payload - 4, offset: 0)
            guard validate(header, payload, header.payloadLength, offset: 0) else { return Self.invalidText }
            switch deliver(header, UnsafeRawBufferPointer(start: payload, count: header.payloadLength), handler) {
            case .next: continue
            case .stop: return nil
            case .failed(let error): return error
            case .more: return nil
            }
        }
        return nil
    }

    /// `decode` on a copy of `bytes`, gathering owned events.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> (events: [Event], error: DecodeError?) {
        var copy = Array(bytes)
        var events: [Event] = []
        let error = copy.withUnsafeMutableBytes { mutable in
            decode(mutable) { frame in
                switch frame {
                case .message(let opcode, let payload): events.append(.message(opcode, Array(payload)))
                case .compressedMessage(let opcode, let payload): events.append(.compressedMessage(opcode, Array(payload)))
                case .ping(let payload): events.append(.ping(Array(payload)))
                case .pong(let payload): events.append(.pong(Array(payload)))
                case .close(let code, let reason): events.append(.close(code: code, reason: Array(reason)))
                }
                return true
            }
        }
        return (events, error)
    }

    // MARK: - Frames

    private struct Header {
        var fin: Bool
        var opcode: WebSocketOpcode
        var compressed: Bool
        /// Header bytes, the masking key included.
        var length: Int
        var payloadLength: Int
    }

    private enum Parsed {
        case needMore
        case failed(DecodeError)
        case header(Header)
    }

    private enum Step {
        /// Go on with the next frame.
        case next
        /// The read is used up inside a frame.
        case more
        /// The handler asked to stop.
        case stop
        case failed(DecodeError)
    }

    private static let invalidText = DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8")

    @inline(__always) private static func fail(_ code: UInt16, _ reason: String) -> Parsed {
        .failed(DecodeError(code: code, reason: reason))
    }

    /// Checks a frame's header as soon as its bytes are there, before its
    /// payload is: a peer breaking a rule is failed without waiting for it.
    @inline(__always)
    private func parseHeader(_ p: UnsafePointer<UInt8>, _ available: Int) -> Parsed {
        guard available >= 2 else { return .needMore }
        let b0 = p[0], b1 = p[1]
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
            guard available >= 4 else { return .needMore }
            length = UInt64(p[2]) << 8 | UInt64(p[3])
            guard length >= 126 else { return Self.fail(CloseCode.protocolError, "length not minimal") }
            headerLength = 4
        } else if length == 127 {
            guard available >= 10 else { return .needMore }
            length = 0
            for i in 0..<8 { length = length << 8 | UInt64(p[2 + i]) }
            guard length >> 63 == 0, length > 0xFFFF else { return Self.fail(CloseCode.protocolError, "bad length") }
            headerLength = 10
        }
        if opcode.isControl {
            guard fin else { return Self.fail(CloseCode.protocolError, "fragmented control frame") }
            guard length <= 125 else { return Self.fail(CloseCode.protocolError, "control frame too long") }
        } else if UInt64(fragments.count) + length > UInt64(maxMessageBytes) {
            return Self.fail(CloseCode.tooBig, "message too big")
        }
        guard available >= headerLength + 4 else { return .needMore }
        return .header(Header(fin: fin, opcode: opcode, compressed: compressed, length: headerLength + 4, payloadLength: Int(length)))
    }

    /// Keeps the start of a frame the read ended inside of, unmasking and
    /// validating the payload bytes that are here.
    private mutating func keep(_ frame: UnsafeMutablePointer<UInt8>, _ available: Int) -> DecodeError? {
        partial.append(contentsOf: UnsafeBufferPointer(start: frame, count: available))
        partialUnmasked = 0
        return advancePartial()
    }

    /// Unmasks and validates what arrived of the kept frame's payload.
    private mutating func advancePartial() -> DecodeError? {
        // Out of `self` while it is worked on: validating mutates `self`.
        var held: [UInt8] = []
        swap(&held, &partial)
        defer { swap(&held, &partial) }
        let count = held.count
        return held.withUnsafeMutableBufferPointer { buffer -> DecodeError? in
            let p = buffer.baseAddress!
            guard case .header(let header) = parseHeader(p, count) else { return nil }
            let arrived = min(count - header.length, header.payloadLength)
            guard arrived > partialUnmasked || arrived == 0 else { return nil }
            let payload = p + header.length
            let from = partialUnmasked
            unmask(payload + from, arrived - from, key: payload - 4, offset: from)
            guard validate(header, payload + from, arrived - from, offset: from) else { return Self.invalidText }
            partialUnmasked = arrived
            return nil
        }
    }

    /// Takes from this read the rest of the kept frame, and no more, then
    /// hands the frame on. `at` moves past what was taken.
    private mutating func completePartial(_ start: UnsafeMutablePointer<UInt8>, _ count: Int, _ at: inout Int,
                                          _ handler: (Borrowed) -> Bool) -> Step {
        while true {
            let parsed = partial.withUnsafeBufferPointer { parseHeader($0.baseAddress!, $0.count) }
            switch parsed {
            case .failed(let error):
                return .failed(error)
            case .needMore:
                // The header itself is cut: it is at most 14 bytes, taken one by one.
                guard at < count else { return .more }
                partial.append(start[at])
                at += 1
            case .header(let header):
                let missing = header.length + header.payloadLength - partial.count
                let take = min(missing, count - at)
                partial.append(contentsOf: UnsafeBufferPointer(start: start + at, count: take))
                at += take
                if let error = advancePartial() { return .failed(error) }
                guard take == missing else { return .more }
                var frame: [UInt8] = []
                swap(&frame, &partial)
                partialUnmasked = 0
                let step = frame.withUnsafeBytes { bytes in
                    deliver(header, UnsafeRawBufferPointer(rebasing: bytes[header.length...]), handler)
                }
                // A large frame's memory goes back at once: an idle
                // connection should not keep the biggest one it ever read.
                if frame.capacity <= 4096 && partial.isEmpty {
                    frame.removeAll(keepingCapacity: true)
                    partial = frame
                }
                return step
            }
        }
    }

    /// Hands on a complete, unmasked and validated frame.
    private mutating func deliver(_ header: Header, _ payload: UnsafeRawBufferPointer, _ handler: (Borrowed) -> Bool) -> Step {
        let handed: Bool
        switch header.opcode {
        case .ping:
            handed = handler(.ping(payload))
        case .pong:
            handed = handler(.pong(payload))
        case .close:
            if payload.isEmpty {
                handed = handler(.close(code: CloseCode.noStatus, reason: UnsafeRawBufferPointer(start: nil, count: 0)))
                break
            }
            guard payload.count >= 2 else { return .failed(DecodeError(code: CloseCode.protocolError, reason: "close payload of one byte")) }
            let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
            guard CloseCode.isValidOnWire(code) else { return .failed(DecodeError(code: CloseCode.protocolError, reason: "invalid close code")) }
            let reason = UnsafeRawBufferPointer(rebasing: payload[2...])
            guard UTF8Validator.isValid(buffer: reason.assumingMemoryBound(to: UInt8.self)) else {
                return .failed(DecodeError(code: CloseCode.invalidPayload, reason: "invalid UTF-8 in close reason"))
            }
            handed = handler(.close(code: code, reason: reason))
        case .text, .binary:
            if !header.fin {
                fragmentOpcode = header.opcode
                fragmentCompressed = header.compressed
                fragments = Array(payload)
                return .next
            }
            if header.compressed {
                handed = handler(.compressedMessage(header.opcode, payload))
            } else {
                if header.opcode == .text && !textValidator.isComplete { return .failed(Self.invalidText) }
                handed = handler(.message(header.opcode, payload))
            }
        case .continuation:
            guard let started = fragmentOpcode else {
                return .failed(DecodeError(code: CloseCode.protocolError, reason: "continuation without a message"))
            }
            fragments.append(contentsOf: payload)
            guard header.fin else { return .next }
            let message = fragments
            fragments = []
            fragmentOpcode = nil
            messagesEnded &+= 1
            if fragmentCompressed {
                return message.withUnsafeBytes { handler(.compressedMessage(started, $0)) } ? .next : .stop
            }
            if started == .text && !textValidator.isComplete { return .failed(Self.invalidText) }
            return message.withUnsafeBytes { handler(.message(started, $0)) } ? .next : .stop
        }
        if fragmentOpcode == nil { messagesEnded &+= 1 }
        return handed ? .next : .stop
    }

    /// Feeds a frame's payload bytes from `offset` on to the text validator
    /// when they are (uncompressed) text; a text frame starts a message's
    /// validation afresh.
    @inline(__always)
    private mutating func validate(_ header: Header, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int, offset: Int) -> Bool {
        let isPlainText: Bool
        switch header.opcode {
        case .text:
            guard !header.compressed else { return true }
            if offset == 0 { textValidator = UTF8Validator() }
            isPlainText = true
        case .continuation:
            isPlainText = fragmentOpcode == .text && !fragmentCompressed
        default:
            isPlainText = false
        }
        guard isPlainText, count > 0 else { return true }
        return textValidator.feed(buffer: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// XORs eight bytes at a time with the key repeated, turned to start
    /// at `offset` into the payload.
    @inline(__always)
    private func unmask(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int, key: UnsafePointer<UInt8>, offset: Int) {
        guard count > 0 else { return }
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { p in
            for i in 0..<8 { p[i] = key[(offset + i) & 3] }
        }
        let base = UnsafeMutableRawPointer(bytes)
        var i = 0
        while i + 8 <= count {
            base.storeBytes(of: base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ pattern, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            bytes[i] ^= UInt8(truncatingIfNeeded: pattern >> UInt64((i & 7) * 8))
            i += 1
        }
    }
}
