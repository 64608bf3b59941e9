import LiveTSNet

/// What the engine reports to its host (the C ABI adapts this to the
/// callbacks in livetscore.h). Every call runs on the loop thread, and
/// byte arrays are valid beyond the call (the C layer lends them out only
/// for the duration of its callback).
public protocol EngineHost: AnyObject {
    func engineRequest(_ request: HTTPRequest, id: UInt64)
    func engineOpen(connection: UInt64, path: [UInt8])
    func engineClose(connection: UInt64, code: UInt16)
    func engineLiveEvent(_ event: LiveEvent)
    func engineMessage(connection: UInt64, data: [UInt8], binary: Bool)
    func engineInfo(connection: UInt64, component: [UInt8], topic: [UInt8], data: [UInt8])
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
}

/// How WebSocket messages are interpreted.
public enum EngineMode {
    /// The LiveTS protocol (docs/protocol.md).
    case live
    /// Every message goes to the host as it is.
    case raw
}
