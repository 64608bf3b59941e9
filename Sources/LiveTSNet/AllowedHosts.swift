/// Which Host headers a server answers: the bound address, localhost,
/// 127.0.0.1 and [::1] always, the names configured besides, or any.
public struct HostPolicy {
    /// Lowercase, IPv6 in brackets, no port.
    public var extraNames: Set<[UInt8]> = []
    public var anyHost = false

    public init() {}
}

/// The Host check against DNS rebinding: a page on a hostile name that its
/// DNS later points at 127.0.0.1 reaches this server with that name in Host,
/// so only names the server is known by are answered.
extension HostPolicy {
    /// Whether a request with this Host header is answered. `bound` is the
    /// listen address as text ("127.0.0.1", "::1"); an unspecified one
    /// (0.0.0.0, ::) is no name a client should use, so it never matches:
    /// such a server must list its real names in allowed_hosts.
    public func allows(host header: [UInt8]?, bound: String) -> Bool {
        if anyHost { return true }
        // HTTP/1.1 without Host is refused by the parser; HTTP/1.0 clients
        // predate virtual hosting and are no browser in a rebinding attack.
        guard let header else { return true }
        guard let name = HostPolicy.name(of: header) else { return false }
        if HostPolicy.alwaysAllowed.contains(name) || extraNames.contains(name) { return true }
        return HostPolicy.hostName(ofBound: bound).map { $0 == name } ?? false
    }

    /// Why a request is refused for its Host (the detail of a 400), or nil
    /// if it is answered.
    func refusal(_ request: HTTPRequest, bound: String) -> String? {
        let header = request.header("host")
        guard !allows(host: header, bound: bound) else { return nil }
        let host = String(decoding: (header ?? []).prefix(100), as: UTF8.self)
        return "A request for host \"\(host)\" got 400: only the bound address, localhost, 127.0.0.1, [::1] and allowed_hosts are answered (lts_config.allowed_hosts)."
    }

    static let alwaysAllowed: Set<[UInt8]> = [Array("localhost".utf8), Array("127.0.0.1".utf8), Array("[::1]".utf8)]

    /// The Host header's name: lowercase, port removed, IPv6 kept in brackets.
    static func name(of header: [UInt8]) -> [UInt8]? {
        let value = ASCII.lowercased(ASCII.trimmed(header))
        guard !value.isEmpty else { return nil }
        if value.first == UInt8(ascii: "[") {
            guard let close = value.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            let rest = value[(close + 1)...]
            guard rest.isEmpty || rest.first == UInt8(ascii: ":") else { return nil }
            return Array(value[...close])
        }
        if let colon = value.firstIndex(of: UInt8(ascii: ":")) { return Array(value[..<colon]) }
        return value
    }

    static func hostName(ofBound bound: String) -> [UInt8]? {
        guard let address = IPAddressText.canonical(Array(bound.utf8)) else { return nil }
        if address == Array("0.0.0.0".utf8) || address == Array("::".utf8) { return nil }
        return address.contains(UInt8(ascii: ":")) ? [UInt8(ascii: "[")] + address + [UInt8(ascii: "]")] : address
    }
}
