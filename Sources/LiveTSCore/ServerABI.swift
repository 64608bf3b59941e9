import CLiveTS
import LiveTSEngine
import LiveTSNet

@_cdecl("lts_server_new")
public func lts_server_new(_ config: UnsafePointer<lts_config>?, _ callbacks: UnsafePointer<lts_callbacks>?,
                           _ userdata: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return LTS_EINVAL }
    out.pointee = nil
    guard let config, let callbacks else { return LTS_EINVAL }
    let c = config.pointee
    guard (0...65535).contains(c.port), c.mode == LTS_MODE_LIVETS || c.mode == LTS_MODE_RAW else { return LTS_EINVAL }
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
            guard !list.isEmpty, list.allSatisfy({ !$0.isEmpty }) else { return LTS_EINVAL }
            settings.originPolicy = .list(Set(list))
        }
    }
    if c.header_timeout_ms > 0 { settings.headerTimeoutMs = UInt64(c.header_timeout_ms) }
    if c.idle_timeout_ms > 0 { settings.idleTimeoutMs = UInt64(c.idle_timeout_ms) }
    if c.ping_interval_ms > 0 { settings.pingIntervalMs = UInt64(c.ping_interval_ms) }
    settings.compressionEnabled = c.disable_compression == 0
    guard let limits = applyLimits(c, to: &settings) else { return LTS_EINVAL }
    var redis: RedisEndpoint?
    if let url = copyCString(c.redis_url) {
        guard let endpoint = RedisEndpoint(url: url) else { return LTS_EINVAL }
        redis = endpoint
    }
    let mode: EngineMode = c.mode == LTS_MODE_RAW ? .raw : .live
    guard let server = try? CoreServer(settings: settings, limits: limits, mode: mode, callbacks: callbacks.pointee, userdata: userdata) else {
        return LTS_ENOMEM
    }
    if let redis { server.engine.useRedis(redis) }
    let handle = HandleTable.insert(server)
    server.handle = handle
    out.pointee = handle
    return LTS_OK
}

@_cdecl("lts_server_add_static")
public func lts_server_add_static(_ handle: OpaquePointer?, _ prefix: UnsafePointer<CChar>?, _ dir: UnsafePointer<CChar>?) -> Int32 {
    guard let server = HandleTable.lookup(handle), let prefix = copyCString(prefix), let dir = copyCString(dir) else { return LTS_EINVAL }
    guard prefix.hasPrefix("/") else { return LTS_EINVAL }
    guard !server.engine.isRunning, !server.stopped else { return LTS_ESTATE }
    guard let mount = StaticMount(prefix: prefix, directory: dir) else { return LTS_ENOTFOUND }
    server.engine.addStatic(mount)
    return LTS_OK
}

@_cdecl("lts_server_start")
public func lts_server_start(_ handle: OpaquePointer?) -> Int32 {
    guard let server = HandleTable.lookup(handle) else { return LTS_EINVAL }
    guard !server.engine.isRunning, !server.stopped else { return LTS_ESTATE }
    do {
        try server.engine.start()
        return LTS_OK
    } catch let error as UVError {
        server.stopped = true
        return error.isAddressInUse ? LTS_EADDRINUSE : (error.code == -22 ? LTS_EINVAL : LTS_EIO)
    } catch {
        server.stopped = true
        return LTS_EIO
    }
}

@_cdecl("lts_server_port")
public func lts_server_port(_ handle: OpaquePointer?) -> Int32 {
    guard let server = HandleTable.lookup(handle) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return LTS_ESTATE }
    return server.engine.port
}

@_cdecl("lts_server_stop")
public func lts_server_stop(_ handle: OpaquePointer?) -> Int32 {
    guard let server = HandleTable.lookup(handle) else { return LTS_EINVAL }
    guard !server.engine.isOnLoopThread else { return LTS_ESTATE }
    server.engine.stop()
    server.stopped = true
    return LTS_OK
}

@_cdecl("lts_server_stats")
public func lts_server_stats(_ handle: OpaquePointer?, _ out: UnsafeMutablePointer<lts_stats>?) -> Int32 {
    guard let server = HandleTable.lookup(handle), let out else { return LTS_EINVAL }
    guard server.engine.isRunning, let stats = server.engine.stats() else { return LTS_ESTATE }
    out.pointee = lts_stats(connections: UInt64(stats.connections), websockets: UInt64(stats.webSockets),
                            components: UInt64(stats.components), topics: UInt64(stats.topics),
                            subscriptions: UInt64(stats.subscriptions), slow_consumers_closed: UInt64(stats.slowConsumersClosed),
                            origins_rejected: UInt64(stats.originsRejected), messages_refused: UInt64(stats.messagesRefused),
                            redis_connected: stats.redisConnected ? 1 : 0, redis_reconnects: stats.redisReconnects,
                            redis_dropped_publishes: stats.redisDroppedPublishes, refusals: refusalTuple(stats.refusals))
    return LTS_OK
}

@_cdecl("lts_server_free")
public func lts_server_free(_ handle: OpaquePointer?) {
    guard let server = HandleTable.lookup(handle), !server.engine.isOnLoopThread else { return }
    _ = HandleTable.remove(handle)
    server.engine.stop()
    server.stopped = true
}

@_cdecl("lts_respond")
public func lts_respond(_ handle: OpaquePointer?, _ id: UInt64, _ status: Int32, _ headers: UnsafePointer<CChar>?, _ headersLength: Int,
                        _ body: UnsafePointer<CChar>?, _ bodyLength: Int) -> Int32 {
    guard let server = HandleTable.lookup(handle), (100...999).contains(status), id != 0 else { return LTS_EINVAL }
    let http = server.engine.http
    // Checked before the body is copied: refusing must not cost its size.
    // size_t arrives as Int: a length past Int.max is negative here.
    let size = UInt(bitPattern: bodyLength)
    if size > UInt(http.settings.maxResponseBytes) {
        guard server.engine.isRunning else { return LTS_ESTATE }
        http.loop.runOrPost { http.refuseOversizedResponse(request: id, bytes: Int(clamping: size)) }
        return LTS_ETOOBIG
    }
    guard let headerBytes = copyBytes(headers, headersLength), let bodyBytes = copyBytes(body, bodyLength) else { return LTS_EINVAL }
    guard HeaderBlock.isWellFormed(headerBytes) else { return LTS_EPARSE }
    guard server.engine.isRunning else { return LTS_ESTATE }
    server.engine.respond(request: id, status: Int(status), headers: headerBytes, body: bodyBytes)
    return LTS_OK
}

@_cdecl("lts_send")
public func lts_send(_ handle: OpaquePointer?, _ conn: UInt64, _ data: UnsafePointer<CChar>?, _ length: Int) -> Int32 {
    guard let server = HandleTable.lookup(handle), conn != 0, let bytes = borrowBytes(data, length) else { return LTS_EINVAL }
    guard UTF8Validator.isValid(buffer: bytes.assumingMemoryBound(to: UInt8.self)) else { return LTS_EPARSE }
    guard server.engine.isRunning else { return LTS_ESTATE }
    server.engine.send(connection: conn, text: bytes)
    return LTS_OK
}

@_cdecl("lts_send_binary")
public func lts_send_binary(_ handle: OpaquePointer?, _ conn: UInt64, _ data: UnsafeRawPointer?, _ length: Int) -> Int32 {
    guard let server = HandleTable.lookup(handle), conn != 0, let bytes = borrowBytes(data, length) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return LTS_ESTATE }
    server.engine.send(connection: conn, binary: bytes)
    return LTS_OK
}

@_cdecl("lts_close")
public func lts_close(_ handle: OpaquePointer?, _ conn: UInt64, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int) -> Int32 {
    guard let server = HandleTable.lookup(handle), conn != 0, (1000...4999).contains(code), CloseCode.isValidOnWire(UInt16(code)),
          reasonLength <= 123, let reasonBytes = copyBytes(reason, reasonLength) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return LTS_ESTATE }
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
