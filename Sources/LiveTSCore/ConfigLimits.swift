import CLiveTS
import LiveTSEngine
import LiveTSNet

/// A field of lts_config that cannot be used, with the sentence for lts_last_error.
struct ConfigProblem: Error {
    let message: String
}

/// Reads the limit fields of an lts_config into the network settings and
/// the engine's limits; throws for a malformed one (a list entry that is
/// not a host name or not an IP address).
func applyLimits(_ c: lts_config, to settings: inout ServerSettings) throws(ConfigProblem) -> LiveLimits {
    var limits = LiveLimits()
    if c.max_views_per_connection > 0 { limits.maxViewsPerConnection = Int(c.max_views_per_connection) }
    if c.max_host_queue_bytes > 0 { limits.maxHostQueueBytes = c.max_host_queue_bytes }
    if c.max_host_queue_bytes_total > 0 { limits.maxHostQueueBytesTotal = c.max_host_queue_bytes_total }
    if c.event_rate > 0 { limits.eventRate = Int(c.event_rate) }
    if c.event_burst > 0 { limits.eventBurst = Int(c.event_burst) }
    if c.join_rate > 0 { limits.joinRate = Int(c.join_rate) }
    if c.join_burst > 0 { limits.joinBurst = Int(c.join_burst) }
    if c.max_live_message_bytes > 0 { limits.maxLiveMessageBytes = c.max_live_message_bytes }

    if c.max_connections_per_ip > 0 { settings.maxConnectionsPerIP = Int(c.max_connections_per_ip) }
    if c.max_connections > 0 { settings.maxConnections = Int(c.max_connections) }
    if c.message_timeout_ms > 0 { settings.messageTimeoutMs = UInt64(c.message_timeout_ms) }
    if c.max_partial_bytes > 0 { settings.maxPartialBytes = c.max_partial_bytes }
    if c.page_rate > 0 { settings.pageRate = Int(c.page_rate) }
    if c.page_burst > 0 { settings.pageBurst = Int(c.page_burst) }
    if c.max_response_bytes > 0 { settings.maxResponseBytes = c.max_response_bytes }
    if c.disable_page_compression != 0 {
        settings.pageCompression.minBytes = nil
    } else if c.compress_min_bytes > 0 {
        settings.pageCompression.minBytes = Int(clamping: c.compress_min_bytes)
    }
    settings.httpsOrigins = c.https_origins != 0
    if let hosts = copyCString(c.allowed_hosts) {
        if hosts == "*" {
            settings.allowedHosts.anyHost = true
        } else {
            let names = hosts.split(separator: ",").map { Array($0.trimmingSpaces().lowercased().utf8) }
            if let bad = names.first(where: { !isHostName($0) }) {
                throw ConfigProblem(message: "lts_config.allowed_hosts: \(quoted(String(decoding: bad, as: UTF8.self))) is not a host name or bracketed IPv6 address (comma-separated, or \"*\")")
            }
            settings.allowedHosts.extraNames = Set(names)
        }
    }
    if let proxies = copyCString(c.trusted_proxies) {
        var addresses: Set<[UInt8]> = []
        for entry in proxies.split(separator: ",") {
            guard let address = IPAddressText.canonical(entry.trimmingSpaces().utf8) else {
                throw ConfigProblem(message: "lts_config.trusted_proxies: \(quoted(entry.trimmingSpaces())) is not an IP address (comma-separated IPv4 or IPv6 literals)")
            }
            addresses.insert(address)
        }
        settings.trustedProxies = addresses
    }
    return limits
}

/// A name as a Host header carries it without its port: letters, digits,
/// dots and dashes, or an IPv6 literal in brackets.
private func isHostName(_ name: [UInt8]) -> Bool {
    guard !name.isEmpty, name.count <= 255 else { return false }
    if name.first == UInt8(ascii: "[") {
        guard name.last == UInt8(ascii: "]") else { return false }
        return IPAddressText.canonical(name.dropFirst().dropLast()) != nil
    }
    return name.allSatisfy { b in
        (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }
}

/// lts_stats.refusals is a C array, which Swift sees as a tuple of 32.
func refusalTuple(_ counts: [UInt64]) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
    var tuple: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &tuple) { raw in
        let slots = raw.bindMemory(to: UInt64.self)
        for (i, count) in counts.prefix(slots.count).enumerated() { slots[i] = count }
    }
    return tuple
}

@_cdecl("lts_cause_name")
public func lts_cause_name(_ cause: Int32) -> UnsafePointer<CChar> {
    let name: StaticString = RefusalCause(rawValue: Int(cause))?.name ?? "unknown"
    return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}
