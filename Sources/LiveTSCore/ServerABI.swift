import CLiveTS
import LiveTSEngine
import LiveTSNet

@_cdecl("lts_server_new")
public func lts_server_new(_ config: UnsafePointer<lts_config>?, _ callbacks: UnsafePointer<lts_callbacks>?,
                           _ userdata: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    LastError.clear()
    guard let out else { return fail(LTS_EINVAL, "lts_server_new: out is NULL (pass the address of an lts_server * to receive the server)") }
    out.pointee = nil
    guard let config else { return fail(LTS_EINVAL, "lts_server_new: config is NULL (a zeroed lts_config takes every default)") }
    guard let callbacks else { return fail(LTS_EINVAL, "lts_server_new: callbacks is NULL (a zeroed lts_callbacks has none)") }
    let c = config.pointee
    guard (0...65535).contains(c.port) else { return fail(LTS_EINVAL, "lts_config.port must be 0 to 65535 (0 picks a free port), got \(c.port)") }
    guard c.mode == LTS_MODE_LIVETS || c.mode == LTS_MODE_RAW else {
        return fail(LTS_EINVAL, "lts_config.mode must be LTS_MODE_LIVETS (0) or LTS_MODE_RAW (1), got \(c.mode)")
    }
    var settings = ServerSettings()
    if let host = copyCString(c.host) { settings.host = host }
    settings.port = c.port
    if let path = copyCString(c.ws_path) { settings.webSocketPath = Array(path.utf8) }
    if c.max_message_bytes > 0 { settings.maxMessageBytes = c.max_message_bytes }
    if c.max_outbound_bytes > 0 {
        settings.maxOutboundBytes = c.max_outbound_bytes
        settings.outboundHighWater = max(1, c.max_outbound_bytes / 4)
    }
    if let origins = copyCString(c.allowed_origins) {
        if origins == "*" {
            settings.originPolicy = .any
        } else {
            let list = origins.split(separator: ",").map { Array($0.trimmingSpaces().lowercased().utf8) }
            guard !list.isEmpty, list.allSatisfy({ !$0.isEmpty }) else {
                return fail(LTS_EINVAL, "lts_config.allowed_origins: \(quoted(origins)) has an empty entry (comma-separated origins such as \"https://a.example\", or \"*\")")
            }
            settings.originPolicy = .list(Set(list))
        }
    }
    if c.header_timeout_ms > 0 { settings.headerTimeoutMs = UInt64(c.header_timeout_ms) }
    if c.idle_timeout_ms > 0 { settings.idleTimeoutMs = UInt64(c.idle_timeout_ms) }
    if c.ping_interval_ms > 0 { settings.pingIntervalMs = UInt64(c.ping_interval_ms) }
    settings.longPoll.enabled = c.disable_long_polling == 0
    if c.max_body_bytes > 0 { settings.httpLimits.maxBodyBytes = Int(clamping: UInt(c.max_body_bytes)) }
    if c.body_timeout_ms > 0 { settings.bodyTimeoutMs = UInt64(c.body_timeout_ms) }
    settings.compressionEnabled = c.disable_compression == 0
    settings.reusePort = c.reuse_port != 0
    let limits: LiveLimits
    do {
        limits = try applyLimits(c, to: &settings)
    } catch {
        return fail(LTS_EINVAL, error.message)
    }
    let tls: TLSCredentials?
    do {
        tls = try tlsCredentials(c)
    } catch {
        return fail(error.code, error.message)
    }
    if tls != nil { settings.httpsOrigins = true }
    var redis: RedisEndpoint?
    if let url = copyCString(c.redis_url) {
        // The URL is not echoed: it may hold a password.
        guard let endpoint = RedisEndpoint(url: url) else {
            return fail(LTS_EINVAL, "lts_config.redis_url must be redis://[[user]:password@]host[:port][/db] with valid %-escapes, "
                                    + "a password wherever there is a user, and no ?options")
        }
        redis = endpoint
    }
    let mode: EngineMode = c.mode == LTS_MODE_RAW ? .raw : .live
    let server: CoreServer
    do {
        server = try CoreServer(settings: settings, limits: limits, mode: mode, callbacks: callbacks.pointee, userdata: userdata)
    } catch {
        return fail(LTS_ENOMEM, "lts_server_new: could not create the server's event loop (\(error))")
    }
    if let redis { server.engine.useRedis(redis) }
    server.engine.http.tls = tls
    let handle = HandleTable.insert(server)
    server.handle = handle
    server.engine.loop.context = UnsafeMutableRawPointer(handle)
    out.pointee = handle
    return LTS_OK
}

@_cdecl("lts_server_add_static")
public func lts_server_add_static(_ handle: OpaquePointer?, _ prefix: UnsafePointer<CChar>?, _ dir: UnsafePointer<CChar>?) -> Int32 {
    guard let server = enter(handle, "lts_server_add_static") else { return LTS_EMISUSE }
    guard let prefix = copyCString(prefix) else { return fail(LTS_EINVAL, "lts_server_add_static: prefix is NULL (a URL path such as \"/_livets/\")") }
    guard let dir = copyCString(dir) else { return fail(LTS_EINVAL, "lts_server_add_static: dir is NULL") }
    guard prefix.hasPrefix("/") else { return fail(LTS_EINVAL, "lts_server_add_static: prefix \(quoted(prefix)) must start with \"/\"") }
    guard !server.engine.isRunning, !server.stopped else {
        return fail(LTS_ESTATE, "lts_server_add_static: only before lts_server_start (the server is \(server.stopped ? "stopped" : "running"))")
    }
    guard let mount = StaticMount(prefix: prefix, directory: dir) else {
        return fail(LTS_ENOTFOUND, "lts_server_add_static: directory \(quoted(dir, limit: 200)) does not exist")
    }
    server.engine.addStatic(mount)
    return LTS_OK
}

@_cdecl("lts_server_start")
public func lts_server_start(_ handle: OpaquePointer?) -> Int32 {
    guard let server = enter(handle, "lts_server_start") else { return LTS_EMISUSE }
    guard !server.engine.isRunning else { return fail(LTS_ESTATE, "lts_server_start: the server is already running") }
    guard !server.stopped else { return fail(LTS_ESTATE, "lts_server_start: a stopped server cannot be started again (create a new one)") }
    do {
        try server.engine.start()
        return LTS_OK
    } catch let error as UVError {
        server.stopped = true
        return startFailure(server.engine.http.settings, error)
    } catch {
        server.stopped = true
        return fail(LTS_EIO, "lts_server_start: \(error)")
    }
}

/// The bind and listen errors a person can act on, named by the lts_config field to change.
private func startFailure(_ settings: ServerSettings, _ error: UVError) -> Int32 {
    let host = settings.host
    let address = host.contains(":") ? "[\(host)]:\(settings.port)" : "\(host):\(settings.port)"
    if error.isAddressInUse {
        let remedy = settings.reusePort
            ? "by a socket without SO_REUSEPORT or of another user" : "(lts_config.port; 0 picks a free port, reuse_port shares it)"
        return fail(LTS_EADDRINUSE, "\(address) is already in use \(remedy)")
    }
    if error.code == -22 {
        if IPAddressText.canonical(host.utf8) == nil {
            return fail(LTS_EINVAL, "lts_config.host must be an IPv4 or IPv6 literal, got \(quoted(host))")
        }
        return fail(LTS_EINVAL, "lts_server_start: cannot listen on \(address): \(error)")
    }
    return fail(LTS_EIO, "lts_server_start: cannot listen on \(address) or start the loop thread: \(error)")
}

@_cdecl("lts_server_port")
public func lts_server_port(_ handle: OpaquePointer?) -> Int32 {
    guard let server = enter(handle, "lts_server_port") else { return LTS_EMISUSE }
    guard server.engine.isRunning else { return server.notRunning("lts_server_port") }
    guard server.engine.port > 0 else {
        return fail(LTS_ESTATE, "lts_server_port: the server listens on no port (it was started with lts_server_start_unbound)")
    }
    return server.engine.port
}

@_cdecl("lts_server_stop")
public func lts_server_stop(_ handle: OpaquePointer?) -> Int32 {
    guard let server = enter(handle, "lts_server_stop") else { return LTS_EMISUSE }
    // Stopping joins the loop thread, which a callback is running on.
    guard !server.engine.isOnLoopThread else {
        return fail(LTS_EMISUSE, "lts_server_stop called from a callback on the loop thread (stop it from another thread, after the callback)")
    }
    server.engine.stop()
    server.stopped = true
    return LTS_OK
}

@_cdecl("lts_server_stats")
public func lts_server_stats(_ handle: OpaquePointer?, _ out: UnsafeMutablePointer<lts_stats>?) -> Int32 {
    guard let server = enter(handle, "lts_server_stats") else { return LTS_EMISUSE }
    guard let out else { return fail(LTS_EINVAL, "lts_server_stats: out is NULL (pass the address of an lts_stats)") }
    guard server.engine.isRunning, let stats = server.engine.stats() else { return server.notRunning("lts_server_stats") }
    out.pointee = coreStats(stats)
    return LTS_OK
}

private func coreStats(_ stats: LiveEngine.Stats) -> lts_stats {
    lts_stats(connections: UInt64(stats.connections), websockets: UInt64(stats.webSockets),
              components: UInt64(stats.components), topics: UInt64(stats.topics),
              subscriptions: UInt64(stats.subscriptions), slow_consumers_closed: UInt64(stats.slowConsumersClosed),
              origins_rejected: UInt64(stats.originsRejected), messages_refused: UInt64(stats.messagesRefused),
              redis_connected: stats.redisConnected ? 1 : 0, redis_reconnects: stats.redisReconnects,
              redis_dropped_publishes: stats.redisDroppedPublishes, refusals: refusalTuple(stats.refusals))
}

@_cdecl("lts_server_stats_v2")
public func lts_server_stats_v2(_ handle: OpaquePointer?, _ out: UnsafeMutablePointer<lts_stats_v2>?) -> Int32 {
    guard let server = enter(handle, "lts_server_stats_v2") else { return LTS_EMISUSE }
    guard let out else { return fail(LTS_EINVAL, "lts_server_stats_v2: out is NULL (pass the address of an lts_stats_v2 with its size set)") }
    // The caller's struct may be older (smaller) or newer (larger) than
    // this core's: what is written stops at the smaller of the two.
    let known = MemoryLayout<lts_stats_v2>.size
    let least = MemoryLayout<lts_stats_v2>.offset(of: \lts_stats_v2.diffs) ?? known
    let size = out.pointee.size
    guard size >= least else {
        return fail(LTS_EINVAL, "lts_server_stats_v2: out->size is \(size), less than the \(least) bytes up to base (set it to sizeof(lts_stats_v2))")
    }
    guard server.engine.isRunning, let stats = server.engine.stats() else { return server.notRunning("lts_server_stats_v2") }
    let traffic = stats.traffic
    var full = lts_stats_v2()
    full.size = size
    full.base = coreStats(stats)
    full.diffs = traffic.diffs
    full.diff_ns = traffic.diffNanos
    full.patch_bytes = traffic.patchBytes
    full.publishes = traffic.publishes
    full.remote_publishes = traffic.remotePublishes
    full.deliveries = traffic.deliveries
    withUnsafeBytes(of: &full) { bytes in
        UnsafeMutableRawPointer(out).copyMemory(from: bytes.baseAddress!, byteCount: min(size, known))
    }
    return LTS_OK
}

@_cdecl("lts_server_free")
public func lts_server_free(_ handle: OpaquePointer?) {
    guard handle != nil else {
        LastError.clear()
        return
    }
    guard let server = enter(handle, "lts_server_free") else { return }
    // Freeing joins the loop thread, which a callback is running on: the
    // handle stays valid and the host frees it after the callback.
    guard !server.engine.isOnLoopThread else {
        _ = fail(LTS_EMISUSE, "lts_server_free called from a callback on the loop thread: nothing was freed (free the server after the callback)")
        return
    }
    _ = HandleTable.remove(handle)
    server.engine.stop()
    server.stopped = true
}

@_cdecl("lts_respond")
public func lts_respond(_ handle: OpaquePointer?, _ id: UInt64, _ status: Int32, _ headers: UnsafePointer<CChar>?, _ headersLength: Int,
                        _ body: UnsafePointer<CChar>?, _ bodyLength: Int) -> Int32 {
    guard let server = enter(handle, "lts_respond") else { return LTS_EMISUSE }
    guard id != 0 else { return fail(LTS_EINVAL, "lts_respond: id is 0, which is never a request (use lts_request.id)") }
    guard (100...999).contains(status) else { return fail(LTS_EINVAL, "lts_respond: status must be 100 to 999, got \(status)") }
    guard body != nil || bodyLength == 0 else { return unreadable("lts_respond", "body", "body_len", bodyLength) }
    guard let headerBytes = copyArgument("lts_respond", "headers", "headers_len", headers, headersLength) else { return LTS_EINVAL }
    guard HeaderBlock.isWellFormed(headerBytes) else {
        return fail(LTS_EPARSE, "lts_respond: headers must be \"Name: value\\r\\n\" lines, each ending in CRLF, with no bare CR or LF and no NUL "
                                + "(got \(String(decoding: headerBytes.prefix(80), as: UTF8.self).debugDescription))")
    }
    let http = server.engine.http
    let maximum = http.settings.maxResponseBytes
    // Checked before the body is copied: refusing must not cost its size.
    // size_t arrives as Int: a length past Int.max is negative here.
    let size = UInt(bitPattern: bodyLength)
    if size > UInt(maximum) {
        if server.engine.isRunning {
            http.loop.runOrPost { http.refuseOversizedResponse(request: id, bytes: Int(clamping: size)) }
        }
        return fail(LTS_ETOOBIG, "lts_respond: body of \(size) bytes is over max_response_bytes (\(maximum)); the request is still open, answer it again")
    }
    guard server.engine.isRunning else { return server.notRunning("lts_respond") }
    if let whole = http.responses.answerWhole(id), let refusal = whole { return refused("lts_respond", id, refusal) }
    guard let bodyBytes = copyBytes(body, bodyLength) else { return unreadable("lts_respond", "body", "body_len", bodyLength) }
    server.engine.respond(request: id, status: Int(status), headers: headerBytes, body: bodyBytes)
    return LTS_OK
}

@_cdecl("lts_send")
public func lts_send(_ handle: OpaquePointer?, _ conn: UInt64, _ data: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
    // A host answering from a callback, on the server's own loop thread:
    // the server is alive for the call (freeing joins this thread), so it
    // is used with no lock, no lookup and no retain.
    if let handle, let running = EventLoop.currentContext, running == UnsafeMutableRawPointer(handle) {
        return Unmanaged<CoreServer>.fromOpaque(running)._withUnsafeGuaranteedRef { send(on: $0, conn, data, length) }
    }
    guard let server = enter(handle, "lts_send") else { return LTS_EMISUSE }
    return send(on: server, conn, data, length)
}

private func send(on server: CoreServer, _ conn: UInt64, _ data: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
    LastError.clear()
    guard isConnection("lts_send", conn), let bytes = borrowArgument("lts_send", "data", "len", data, length) else { return LTS_EINVAL }
    guard server.isLentText(bytes) || isUTF8(bytes) else { return notUTF8("lts_send", "data", bytes, "; send bytes with lts_send_binary") }
    guard let engine = server.engineRef else { return server.notRunning("lts_send") }
    return engine._withUnsafeGuaranteedRef { engine in
        guard engine.isRunning else { return server.notRunning("lts_send") }
        engine.send(connection: conn, text: bytes)
        return LTS_OK
    }
}

@_cdecl("lts_send_binary")
public func lts_send_binary(_ handle: OpaquePointer?, _ conn: UInt64, _ data: UnsafeRawPointer?, _ length: Int) -> Int32 {
    guard let server = enter(handle, "lts_send_binary") else { return LTS_EMISUSE }
    guard isConnection("lts_send_binary", conn), let bytes = borrowArgument("lts_send_binary", "data", "len", data, length) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return server.notRunning("lts_send_binary") }
    server.engine.send(connection: conn, binary: bytes)
    return LTS_OK
}

@_cdecl("lts_close")
public func lts_close(_ handle: OpaquePointer?, _ conn: UInt64, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int) -> Int32 {
    guard let server = enter(handle, "lts_close") else { return LTS_EMISUSE }
    guard isConnection("lts_close", conn) else { return LTS_EINVAL }
    guard (1000...4999).contains(code), CloseCode.isValidOnWire(UInt16(code)) else {
        return fail(LTS_EINVAL, "lts_close: code \(code) may not be sent in a close frame (1000-1003, 1007-1011 or 3000-4999)")
    }
    guard isReadable(reason, reasonLength) else { return unreadable("lts_close", "reason", "reason_len", reasonLength) }
    // A close frame's payload is at most 125 bytes, two of them the code.
    guard reasonLength <= 123 else { return fail(LTS_EINVAL, "lts_close: reason of \(reasonLength) bytes is over the 123 a close frame holds") }
    guard let reasonBytes = copyArgument("lts_close", "reason", "reason_len", reason, reasonLength) else { return LTS_EINVAL }
    guard isUTF8(reasonBytes) else { return notUTF8("lts_close", "reason", reasonBytes) }
    guard server.engine.isRunning else { return server.notRunning("lts_close") }
    server.engine.close(connection: conn, code: UInt16(code), reason: reasonBytes)
    return LTS_OK
}

/// Host-supplied header lines must not be able to split the response.
enum HeaderBlock {
    static func isWellFormed(_ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        guard bytes.count >= 2, bytes[bytes.count - 2] == 13, bytes[bytes.count - 1] == 10 else { return false }
        var i = 0
        var lineStart = true
        while i < bytes.count {
            let b = bytes[i]
            if b == 13 {
                guard i + 1 < bytes.count, bytes[i + 1] == 10, !lineStart else { return false }
                i += 2
                lineStart = true
                continue
            }
            if b == 10 || b == 0 { return false }
            lineStart = false
            i += 1
        }
        return true
    }
}
