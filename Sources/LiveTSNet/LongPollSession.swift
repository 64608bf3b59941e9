/// Settings of the long-polling transport (docs/protocol.md, "Long polling").
public struct LongPollSettings {
    /// Off: the endpoint is not the core's, and requests to it go to the host.
    public var enabled = true
    /// A GET with nothing to deliver is answered 204 after this; under the
    /// idle timeouts of common proxies (30 s and more).
    public var holdMs: UInt64 = 25_000
    /// A session with no GET held for this long has lost its browser, which
    /// polls again as soon as an answer arrives: it is closed (1006).
    public var graceMs: UInt64 = 20_000

    public init() {}

    /// The endpoint: the WebSocket path (or /live) followed by /poll.
    public func path(webSocketPath: [UInt8]?) -> [UInt8]? {
        guard enabled else { return nil }
        return (webSocketPath ?? Array("/live".utf8)) + Array("/poll".utf8)
    }
}

/// What a long-poll request names: `<session id>.<token>` (the
/// LiveTS-Session header), the token as 32 lowercase hex digits.
public struct LongPollCredential: Equatable {
    public let id: UInt64
    public let token: [UInt8]

    public static let tokenDigits = 32

    public init(id: UInt64, token: [UInt8]) {
        self.id = id
        self.token = token
    }

    public init?(_ text: [UInt8]) {
        guard let dot = text.firstIndex(of: UInt8(ascii: ".")), dot > 0, dot <= 20,
              let id = UInt64(String(decoding: text[..<dot], as: UTF8.self)), id > 0 else { return nil }
        let token = Array(text[(dot + 1)...])
        guard token.count == Self.tokenDigits, token.allSatisfy(Self.isHexDigit) else { return nil }
        self.id = id
        self.token = token
    }

    public var text: [UInt8] { Array(String(id).utf8) + [UInt8(ascii: ".")] + token }

    /// 128 bits from the system's secure generator (getrandom).
    public static func newToken() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        return (0..<tokenDigits).map { _ in digits[Int(generator.next() & 15)] }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }
}

/// One long-poll session: the virtual connection a browser holds through
/// plain requests when it cannot keep a WebSocket. It keeps what a socket
/// would: the messages the server sent that the browser has not fetched,
/// the one GET waiting for them, and the client messages that wait while
/// the host is behind. No I/O: every method takes the time and returns what
/// to answer, so the state machine is tested without sockets. Loop thread only.
public final class LongPollSession {
    /// What to answer a request of this session.
    public enum Answer: Equatable {
        /// 200 with these messages (LongPollFrames).
        case deliver(request: UInt64, body: [UInt8])
        /// 204: the hold ran out with nothing to deliver.
        case nothing(request: UInt64)
        /// 409: a newer GET took this one's place.
        case superseded(request: UInt64)
    }

    public enum Sweep: Equatable {
        case none
        case answer(Answer)
        /// No GET for the grace period: the browser is gone.
        case expired
    }

    public let id: UInt64
    public let token: [UInt8]
    /// The client address, as the connection that opened the session had it.
    public let address: [UInt8]
    /// The messages the browser has not fetched yet, and their bytes.
    public private(set) var outbox: [[UInt8]] = []
    public private(set) var outboxBytes = 0
    /// The GET waiting for messages, and the loop time it came.
    public private(set) var held: (request: UInt64, since: UInt64)?
    /// Loop time since which no GET has been held; the grace period counts from it.
    public private(set) var idleSince: UInt64
    /// The POST whose messages are still being handed over, and those messages.
    public private(set) var post: UInt64?
    private var inbound: [(message: [UInt8], opcode: WebSocketOpcode)] = []
    private var nextInbound = 0
    /// The host has too many of this session's messages in hand.
    public var pausedForHost = false
    public private(set) var isClosed = false

    public init(id: UInt64, token: [UInt8], address: [UInt8], now: UInt64) {
        self.id = id
        self.token = token
        self.address = address
        idleSince = now
    }

    /// Compares every byte whatever the first difference, so the time
    /// taken tells nothing of how much of a guess was right.
    public func accepts(_ credential: LongPollCredential) -> Bool {
        guard credential.id == id, credential.token.count == token.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(credential.token, token) { difference |= a ^ b }
        return difference == 0
    }

    /// A GET: answered at once when messages wait, else held. A GET held
    /// before it is answered 409, as only the newest reaches the browser.
    public func poll(request: UInt64, now: UInt64) -> [Answer] {
        var answers: [Answer] = []
        if let held { answers.append(.superseded(request: held.request)) }
        held = (request, now)
        if let delivery = flush(now: now) { answers.append(delivery) }
        return answers
    }

    /// Queues a message for the browser. False when the unfetched bytes
    /// would pass `limit`: the browser is not keeping up (a slow consumer).
    public func enqueue(_ message: [UInt8], limit: Int) -> Bool {
        guard outboxBytes + message.count <= limit else { return false }
        outbox.append(message)
        outboxBytes += message.count
        return true
    }

    /// Answers the held GET with every queued message, if both are there.
    /// Called once per loop turn, so messages sent together go together.
    /// A GET whose connection closed is dropped, and the messages wait for
    /// the next one.
    public func flush(now: UInt64, isPending: (UInt64) -> Bool = { _ in true }) -> Answer? {
        guard let held, !outbox.isEmpty else { return nil }
        guard isPending(held.request) else {
            self.held = nil
            idleSince = now
            return nil
        }
        var body: [UInt8] = []
        body.reserveCapacity(outboxBytes + 8 * outbox.count)
        for message in outbox { LongPollFrames.append(message, to: &body) }
        outbox = []
        outboxBytes = 0
        self.held = nil
        idleSince = now
        return .deliver(request: held.request, body: body)
    }

    /// Deadlines: the hold (answered 204) and the grace period. `isPending`
    /// says whether a request is still awaited: a held GET whose
    /// connection closed is gone, and the grace period starts then.
    public func sweep(now: UInt64, settings: LongPollSettings, isPending: (UInt64) -> Bool) -> Sweep {
        if let held {
            if !isPending(held.request) {
                self.held = nil
                idleSince = now
            } else if now &- held.since >= settings.holdMs {
                self.held = nil
                idleSince = now
                return .answer(.nothing(request: held.request))
            } else {
                return .none
            }
        }
        return now &- idleSince >= settings.graceMs ? .expired : .none
    }

    /// A POST's messages, to be handed over one at a time with
    /// `nextMessage`. False while an earlier POST is still being handed over.
    public func receive(_ messages: [[UInt8]], opcode: WebSocketOpcode, request: UInt64) -> Bool {
        guard post == nil else { return false }
        post = request
        inbound = messages.map { ($0, opcode) }
        nextInbound = 0
        return true
    }

    /// The next message of the POST, unless the host is behind or none is left.
    public func nextMessage() -> (message: [UInt8], opcode: WebSocketOpcode)? {
        guard !pausedForHost, !isClosed, nextInbound < inbound.count else { return nil }
        defer { nextInbound += 1 }
        return inbound[nextInbound]
    }

    /// The POST whose messages are all handed over, to be answered 204.
    public func finishedPost() -> UInt64? {
        guard let post, nextInbound == inbound.count else { return nil }
        self.post = nil
        inbound = []
        nextInbound = 0
        return post
    }

    /// Ends the session; the requests still awaiting an answer (410).
    public func close() -> [UInt64] {
        isClosed = true
        let waiting = [held?.request, post].compactMap { $0 }
        held = nil
        post = nil
        inbound = []
        outbox = []
        outboxBytes = 0
        return waiting
    }
}
