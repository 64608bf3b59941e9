/// Settings of the network layer.
public struct ServerSettings {
    public var host = "127.0.0.1"
    public var port: Int32 = 0
    /// Only this path upgrades to a WebSocket; nil accepts any path.
    public var webSocketPath: [UInt8]?
    public var httpLimits = HTTPLimits()
    public var maxMessageBytes = 1 << 20
    /// Unsent bytes a connection may hold before it is closed as a slow consumer.
    public var maxOutboundBytes = 4 << 20
    public var backlog: Int32 = 1024
    /// Set SO_REUSEPORT before bind, so several processes listen on one
    /// port and the kernel spreads connections among them.
    public var reusePort = false
    /// Unsent bytes above which a connection's reads pause until it drains.
    public var outboundHighWater = 1 << 20
    public var originPolicy = OriginPolicy.sameHost
    /// A request (head and body) must arrive within this, counted from its
    /// first byte, so a client trickling bytes cannot hold a connection.
    public var headerTimeoutMs: UInt64 = 10_000
    /// A streamed request body must make progress within this: no byte for
    /// so long, while the host is ready for more, is answered 408.
    public var bodyTimeoutMs: UInt64 = 10_000
    /// A keep-alive connection with no request in flight closes after this.
    public var idleTimeoutMs: UInt64 = 60_000
    /// A WebSocket silent this long gets a ping; silent as long again, it is dropped.
    public var pingIntervalMs: UInt64 = 30_000
    /// Negotiate permessage-deflate when a client offers it.
    public var compressionEnabled = true
    /// Messages shorter than this go out uncompressed: deflate would not pay.
    public var compressionThreshold = 128
    /// gzip for pages and other responses the host gives whole.
    public var pageCompression = PageCompression()

    // Limits against one hostile client (docs/security.md).

    /// Open TCP connections per client address.
    public var maxConnectionsPerIP = 256
    /// Open TCP connections in all; nil = the descriptor limit less `reservedDescriptors`.
    public var maxConnections: Int?
    /// Descriptors kept free for the listener, Redis, files and the host.
    public static let reservedDescriptors = 64
    /// A WebSocket message must be complete this long after its first byte.
    public var messageTimeoutMs: UInt64 = 10_000
    /// Bytes of unfinished inbound WebSocket messages, all connections together.
    public var maxPartialBytes = 64 << 20
    /// Requests per second per client address that reach the host, and the bucket's size.
    public var pageRate = 20
    public var pageBurst = 100
    /// Largest response body the host may give.
    public var maxResponseBytes = 16 << 20
    /// Which Host headers are answered (a defence against DNS rebinding).
    /// A server bound to 0.0.0.0 or :: has no address a client names, so
    /// only localhost's names pass until its real names are listed here.
    public var allowedHosts = HostPolicy()
    /// Peers whose X-Forwarded-For names the client.
    public var trustedProxies: Set<[UInt8]> = []
    /// Accept https:// Origins on this plain-HTTP server (TLS ends at a proxy).
    public var httpsOrigins = false
    /// The long-polling fallback for browsers that cannot keep a WebSocket.
    public var longPoll = LongPollSettings()

    public init() {}
}
