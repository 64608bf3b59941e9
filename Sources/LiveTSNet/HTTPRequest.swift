/// One parsed HTTP/1.1 request. Header names are lowercased; values are the
/// bytes after optional whitespace is trimmed.
public struct HTTPRequest {
    public var method: [UInt8]
    public var target: [UInt8]
    public var minorVersion: Int
    public var headers: [(name: [UInt8], value: [UInt8])]
    public var body: [UInt8]
    /// The client's IP address as text: the peer's, or through trusted
    /// proxies the one X-Forwarded-For names. Set by the connection.
    public var clientAddress: [UInt8] = []
    /// Set when the connection must close after this request's answer: a
    /// body the core does not read follows it.
    public var closesAfterResponse = false

    /// The first value of header `name` (lowercase).
    public func header(_ name: String) -> [UInt8]? {
        let key = Array(name.utf8)
        return headers.first(where: { $0.name == key })?.value
    }

    /// True when the comma-separated header `name` lists `token` (case-insensitive).
    public func headerHasToken(_ name: String, _ token: String) -> Bool {
        let key = Array(name.utf8)
        let wanted = Array(token.lowercased().utf8)
        for (headerName, value) in headers where headerName == key {
            for part in value.split(separator: UInt8(ascii: ",")) {
                if ASCII.lowercased(ASCII.trimmed(part)) == wanted { return true }
            }
        }
        return false
    }

    /// Whether the client takes `coding` (e.g. "gzip") per Accept-Encoding,
    /// with its q-values and `*` (every Accept-Encoding line together).
    public func accepts(encoding coding: String) -> Bool {
        let lines = headers.filter { $0.name == Array("accept-encoding".utf8) }.map(\.value)
        guard !lines.isEmpty else { return false }
        return AcceptEncoding.allows(coding, in: Array(lines.joined(separator: [UInt8(ascii: ",")])))
    }

    /// The target without its query string.
    public var path: [UInt8] {
        if let q = target.firstIndex(of: UInt8(ascii: "?")) { return Array(target[..<q]) }
        return target
    }

    /// Whether the connection stays open after the response (RFC 9112 §9.3).
    public var keepAlive: Bool {
        if closesAfterResponse { return false }
        if headerHasToken("connection", "close") { return false }
        if minorVersion == 0 { return headerHasToken("connection", "keep-alive") }
        return true
    }

    /// The raw header block, "Name: value\r\n" per header, for hosts.
    public var rawHeaders: [UInt8] {
        var out: [UInt8] = []
        for (name, value) in headers {
            out += name; out += [UInt8(ascii: ":"), UInt8(ascii: " ")]; out += value; out += [13, 10]
        }
        return out
    }
}
