/// Who a request speaks for when it comes through trusted proxies.
///
/// Each proxy appends the address it got the request from to
/// X-Forwarded-For, so the header is read from its end: the last entry that
/// is not itself a trusted proxy is the client. Entries further left were
/// written by the client or by proxies nobody vouches for, and are ignored.
public enum ForwardedFor {
    /// The client address of `request`, received from `peer`. A peer that is
    /// not a trusted proxy is the client, whatever its headers say. An entry
    /// that is not an address stops the walk at the last trusted hop: what
    /// lies beyond it cannot be believed.
    public static func clientAddress(peer: [UInt8], request: HTTPRequest, trustedProxies: Set<[UInt8]>) -> [UInt8] {
        guard !trustedProxies.isEmpty, trustedProxies.contains(peer) else { return peer }
        let name = Array("x-forwarded-for".utf8)
        var entries: [ArraySlice<UInt8>] = []
        for (headerName, value) in request.headers where headerName == name {
            entries += value[...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        }
        var client = peer
        for entry in entries.reversed() {
            guard let address = address(in: ASCII.trimmed(entry)) else { break }
            client = address
            if !trustedProxies.contains(address) { break }
        }
        return client
    }

    /// An entry is an address, possibly with a port: "203.0.113.5",
    /// "203.0.113.5:4711", "2001:db8::1" or "[2001:db8::1]:4711".
    static func address(in entry: ArraySlice<UInt8>) -> [UInt8]? {
        if entry.first == UInt8(ascii: "[") {
            guard let close = entry.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            let rest = entry[(close + 1)...]
            guard rest.isEmpty || (rest.first == UInt8(ascii: ":") && rest.count > 1 && rest.dropFirst().allSatisfy(isDigit)) else { return nil }
            return IPAddressText.canonical(entry[(entry.startIndex + 1)..<close])
        }
        let colons = entry.reduce(0) { $0 + ($1 == UInt8(ascii: ":") ? 1 : 0) }
        if colons == 1, let colon = entry.firstIndex(of: UInt8(ascii: ":")) {
            let port = entry[(colon + 1)...]
            guard !port.isEmpty, port.allSatisfy(isDigit) else { return nil }
            return IPAddressText.canonical(entry[..<colon])
        }
        return IPAddressText.canonical(entry)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
