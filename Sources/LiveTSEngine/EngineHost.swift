import LiveTSNet

/// What the engine reports to its host (the C ABI adapts this to the
/// callbacks in livetscore.h). Every call runs on the loop thread, and
/// byte arrays are valid beyond the call (the C layer lends them out only
/// for the duration of its callback).
public protocol EngineHost: AnyObject {
    func engineRequest(_ request: HTTPRequest, id: UInt64)
    /// `request` is the upgrade request (headers, target, client address).
    func engineOpen(connection: UInt64, request: HTTPRequest)
    func engineClose(connection: UInt64, code: UInt16)
    func engineLiveEvent(_ event: LiveEvent)
    /// Raw mode: a message as decoded, borrowed for the call (text is valid UTF-8).
    func engineMessage(connection: UInt64, bytes: UnsafeRawBufferPointer, binary: Bool)
    func engineInfo(connection: UInt64, component: [UInt8], topic: [UInt8], data: [UInt8])
    func engineNotice(_ notice: RefusalNotice)
    /// Progress, completion or failure of an upload allowed with `allowUpload`.
    func engineUpload(_ event: UploadEvent)
    // Streamed requests (LiveEngine.streamRequests); see ServerDelegate.
    func engineRequestHead(_ request: HTTPRequest, id: UInt64, bodyFraming: HTTPParser.BodyFraming)
    func engineRequestBody(_ bytes: [UInt8], id: UInt64)
    func engineRequestEnded(id: UInt64)
    func engineResponseDrained(id: UInt64)
    func engineRequestDone(id: UInt64, aborted: Bool)
}

/// A join, event, leave or URL change from a browser, after the engine's checks.
public struct LiveEvent {
    public enum Kind: Int32 { case join = 1, event = 2, leave = 3, urlChange = 4 }
    public let kind: Kind
    public let connection: UInt64
    public let ref: UInt64
    public let component: [UInt8]
    public let name: [UInt8]
    public let payload: [UInt8]
    /// The client's address (see HTTPRequest.clientAddress).
    public let address: [UInt8]
}

/// Limits the engine applies to browser messages (docs/security.md).
public struct LiveLimits {
    /// Views one connection may have joined.
    public var maxViewsPerConnection = 100
    /// Joins, events and URL changes handed to the host and not yet
    /// answered: per connection, by count and bytes, and bytes in all.
    public var maxUnansweredMessages = 64
    public var maxHostQueueBytes = 4 << 20
    public var maxHostQueueBytesTotal = 64 << 20
    /// Token buckets per connection: events and URL changes, and joins.
    public var eventRate = 100
    public var eventBurst = 200
    public var joinRate = 10
    public var joinBurst = 30
    /// Largest render or patch sent to a browser.
    public var maxLiveMessageBytes = 4 << 20

    public init() {}
}

/// How WebSocket messages are interpreted.
public enum EngineMode {
    /// The LiveTS protocol (docs/protocol.md).
    case live
    /// Every message goes to the host as it is.
    case raw
}
