import CLiveTS
import LiveTSEngine
import LiveTSNet

/// The checks the component calls share, in the ABI's order: the handle,
/// the connection and component id, then `arguments` (the call's own),
/// then a running server. `arguments` returns LTS_OK or a recorded failure.
func withComponent(_ function: StaticString, _ handle: OpaquePointer?, _ conn: UInt64,
                           _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                           arguments: (LiveEngine) -> Int32 = { _ in LTS_OK },
                           _ body: (LiveEngine, [UInt8]) -> Void) -> Int32 {
    guard let server = enter(handle, function) else { return LTS_EMISUSE }
    guard isConnection(function, conn),
          let id = copyNonEmptyArgument(function, "component", "component_len", component, componentLength) else { return LTS_EINVAL }
    let checked = arguments(server.engine)
    guard checked == LTS_OK else { return checked }
    guard server.engine.isRunning else { return server.notRunning(function) }
    body(server.engine, id)
    return LTS_OK
}

/// The HTML of a render or patch: readable, UTF-8 (patches travel in text
/// frames) and within max_live_message_bytes.
private func checkHTML(_ function: StaticString, _ engine: LiveEngine, _ conn: UInt64, _ component: UnsafePointer<CChar>?,
                       _ componentLength: Int, _ html: UnsafePointer<CChar>?, _ htmlLength: Int, into bytes: inout [UInt8]) -> Int32 {
    guard let copied = copyArgument(function, "html", "html_len", html, htmlLength) else { return LTS_EINVAL }
    guard isUTF8(copied) else { return notUTF8(function, "html", copied, "; patches travel in text frames") }
    let maximum = engine.limits.maxLiveMessageBytes
    guard copied.count <= maximum else {
        if engine.isRunning, let id = copyBytes(component, componentLength) {
            engine.refuseOversizedHTML(connection: conn, component: id, bytes: copied.count)
        }
        return fail(LTS_ETOOBIG, "\(function): html of \(copied.count) bytes is over max_live_message_bytes (\(maximum)); nothing was sent")
    }
    bytes = copied
    return LTS_OK
}

@_cdecl("lts_component_register")
public func lts_component_register(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                                   _ ref: UInt64, _ html: UnsafePointer<CChar>?, _ htmlLength: Int) -> Int32 {
    var bytes: [UInt8] = []
    return withComponent("lts_component_register", handle, conn, component, componentLength, arguments: { engine in
        checkHTML("lts_component_register", engine, conn, component, componentLength, html, htmlLength, into: &bytes)
    }) { engine, id in
        engine.register(connection: conn, component: id, ref: ref, html: bytes)
    }
}

@_cdecl("lts_component_update")
public func lts_component_update(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                                 _ ref: UInt64, _ html: UnsafePointer<CChar>?, _ htmlLength: Int) -> Int32 {
    var bytes: [UInt8] = []
    return withComponent("lts_component_update", handle, conn, component, componentLength, arguments: { engine in
        checkHTML("lts_component_update", engine, conn, component, componentLength, html, htmlLength, into: &bytes)
    }) { engine, id in
        engine.update(connection: conn, component: id, ref: ref, html: bytes)
    }
}

@_cdecl("lts_component_unregister")
public func lts_component_unregister(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?,
                                     _ componentLength: Int) -> Int32 {
    withComponent("lts_component_unregister", handle, conn, component, componentLength) { engine, id in
        engine.unregister(connection: conn, component: id)
    }
}

@_cdecl("lts_reply_error")
public func lts_reply_error(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                            _ ref: UInt64, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int) -> Int32 {
    var reasonBytes: [UInt8] = []
    return withComponent("lts_reply_error", handle, conn, component, componentLength, arguments: { _ in
        guard let copied = copyArgument("lts_reply_error", "reason", "reason_len", reason, reasonLength) else { return LTS_EINVAL }
        guard isUTF8(copied) else { return notUTF8("lts_reply_error", "reason", copied) }
        reasonBytes = copied
        return LTS_OK
    }) { engine, id in
        engine.replyError(connection: conn, component: id, ref: ref, reason: reasonBytes)
    }
}

@_cdecl("lts_subscribe")
public func lts_subscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                          _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    var topicBytes: [UInt8] = []
    return withComponent("lts_subscribe", handle, conn, component, componentLength, arguments: { _ in
        guard let copied = copyNonEmptyArgument("lts_subscribe", "topic", "topic_len", topic, topicLength) else { return LTS_EINVAL }
        topicBytes = copied
        return LTS_OK
    }) { engine, id in
        engine.subscribe(connection: conn, component: id, topic: topicBytes)
    }
}

@_cdecl("lts_unsubscribe")
public func lts_unsubscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                            _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    var topicBytes: [UInt8] = []
    return withComponent("lts_unsubscribe", handle, conn, component, componentLength, arguments: { _ in
        guard let copied = copyNonEmptyArgument("lts_unsubscribe", "topic", "topic_len", topic, topicLength) else { return LTS_EINVAL }
        topicBytes = copied
        return LTS_OK
    }) { engine, id in
        engine.unsubscribe(connection: conn, component: id, topic: topicBytes)
    }
}

/// Only the core publishes on "lts:" topics, so their subscribers can trust what arrives.
func isPublicTopic(_ function: StaticString, _ topic: [UInt8]) -> Bool {
    guard LiveEngine.isReserved(topic: topic) else { return true }
    _ = fail(LTS_EINVAL, "\(function): topic \(quoted(String(decoding: topic, as: UTF8.self))) is reserved (\"lts:\" topics are the core's own)")
    return false
}

@_cdecl("lts_publish")
public func lts_publish(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                        _ data: UnsafePointer<CChar>?, _ dataLength: Int) -> Int32 {
    guard let server = enter(handle, "lts_publish") else { return LTS_EMISUSE }
    guard let topicBytes = copyNonEmptyArgument("lts_publish", "topic", "topic_len", topic, topicLength),
          let bytes = copyArgument("lts_publish", "data", "data_len", data, dataLength),
          isPublicTopic("lts_publish", topicBytes) else { return LTS_EINVAL }
    guard isUTF8(bytes) else { return notUTF8("lts_publish", "data", bytes, "; it reaches browsers in text frames") }
    guard server.engine.isRunning else { return server.notRunning("lts_publish") }
    server.engine.publish(topic: topicBytes, data: bytes)
    return LTS_OK
}

/// The checks every call naming a topic shares: a live handle, a connection
/// when `conn` is given, a non-empty topic, a running server.
private func withTopic(_ function: StaticString, _ handle: OpaquePointer?, conn: UInt64? = nil,
                       _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                       _ body: (LiveEngine, [UInt8]) -> Void) -> Int32 {
    guard let server = enter(handle, function) else { return LTS_EMISUSE }
    if let conn, !isConnection(function, conn) { return LTS_EINVAL }
    guard let topicBytes = copyNonEmptyArgument(function, "topic", "topic_len", topic, topicLength) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return server.notRunning(function) }
    body(server.engine, topicBytes)
    return LTS_OK
}

@_cdecl("lts_conn_subscribe")
public func lts_conn_subscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withTopic("lts_conn_subscribe", handle, conn: conn, topic, topicLength) { $0.subscribe(connection: conn, topic: $1) }
}

@_cdecl("lts_conn_unsubscribe")
public func lts_conn_unsubscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withTopic("lts_conn_unsubscribe", handle, conn: conn, topic, topicLength) { $0.unsubscribe(connection: conn, topic: $1) }
}

@_cdecl("lts_host_subscribe")
public func lts_host_subscribe(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withTopic("lts_host_subscribe", handle, topic, topicLength) { $0.subscribeHost(topic: $1) }
}

@_cdecl("lts_host_unsubscribe")
public func lts_host_unsubscribe(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withTopic("lts_host_unsubscribe", handle, topic, topicLength) { $0.unsubscribeHost(topic: $1) }
}
