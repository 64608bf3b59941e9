import Glibc
import LiveTSNet

/// Where the Redis bridge connects, parsed from
/// "redis://[[user]:password@]host[:port][/db]" (user and password
/// percent-decoded, as redis-cli and redis-py read them). The database
/// number is accepted and ignored: Redis pub/sub channels are shared by
/// every database, so it could not separate clusters anyway.
public struct RedisEndpoint: Equatable {
    public var host: String
    public var port: Int32
    /// For AUTH; nil for the default user (Redis 6 ACLs).
    public var username: [UInt8]?
    /// For AUTH; nil sends no AUTH.
    public var password: [UInt8]?

    public init?(url: String) {
        let scheme = "redis://"
        guard url.hasPrefix(scheme) else { return nil }
        var rest = Substring(url.dropFirst(scheme.count))
        // Options are not supported; refusing them beats silently ignoring one the operator relies on.
        guard !rest.contains("?"), !rest.contains("#") else { return nil }
        if let at = rest.lastIndex(of: "@") {
            // A password is required with credentials, and a user alone is
            // refused: "redis://name@host" is too easily a forgotten colon.
            let credentials = rest[..<at]
            guard let colon = credentials.firstIndex(of: ":"),
                  let user = RedisEndpoint.credential(credentials[..<colon]),
                  let password = RedisEndpoint.credential(credentials[credentials.index(after: colon)...]),
                  !password.isEmpty else { return nil }
            username = user.isEmpty ? nil : user
            self.password = password
            rest = rest[rest.index(after: at)...]
        }
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            guard db.isEmpty || (db.count <= 5 && db.allSatisfy({ $0.isASCII && $0.isNumber })) else { return nil }
            rest = rest[..<slash]
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.firstIndex(of: ":") {
            // An IPv6 address must be in brackets, so a host has no colon.
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") })
        else { return nil }
        var port: Int32 = 6379
        if let portText {
            guard (1...5).contains(portText.count), portText.utf8.allSatisfy({ (48...57).contains($0) }),
                  let value = Int32(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        self.host = String(host)
        self.port = port
    }

    /// Credentials decoded; raw, they are printable ASCII other than "/".
    private static func credential(_ text: Substring) -> [UInt8]? {
        percentDecoded(text.utf8) { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "/") }
    }
}

/// A node's identity in a cluster: 32 lowercase hex digits, fresh for every
/// server, so two processes (or two servers in one process) never collide
/// and a restarted process is a new node whose presences start clean.
enum RedisNode {
    static let idLength = 32

    static func makeID() -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: idLength / 2)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        var filled = 0
        if fd >= 0 {
            while filled < raw.count {
                let n = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
                if n <= 0 { break }
                filled += n
            }
            close(fd)
        }
        if filled < raw.count {
            // No /dev/urandom (a chroot): time and address still differ per server.
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            var seed = UInt64(ts.tv_nsec) ^ UInt64(ts.tv_sec) << 30 ^ UInt64(getpid())
            for i in raw.indices {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                raw[i] = UInt8(truncatingIfNeeded: seed >> 33)
            }
        }
        let hex = Array("0123456789abcdef".utf8)
        var id: [UInt8] = []
        id.reserveCapacity(idLength)
        for byte in raw { id.append(hex[Int(byte >> 4)]); id.append(hex[Int(byte & 15)]) }
        return id
    }
}
