import CLiveTS
import LiveTSEngine
import LiveTSNet

/// Shared checks of the component and pub/sub entry points.
private func withComponent(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                           _ body: (LiveEngine, [UInt8]) -> Int32) -> Int32 {
    guard let server = HandleTable.lookup(handle), conn != 0, componentLength > 0,
          let id = copyBytes(component, componentLength) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return LTS_ESTATE }
    return body(server.engine, id)
}

@_cdecl("lts_component_register")
public func lts_component_register(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                                   _ ref: UInt64, _ html: UnsafePointer<CChar>?, _ htmlLength: Int) -> Int32 {
    guard let bytes = copyBytes(html, htmlLength) else { return LTS_EINVAL }
    // Patches travel in text frames, which must be UTF-8.
    guard UTF8Validator.isValid(bytes) else { return LTS_EPARSE }
    return withComponent(handle, conn, component, componentLength) { engine, id in
        guard bytes.count <= engine.limits.maxLiveMessageBytes else {
            engine.refuseOversizedHTML(connection: conn, component: id, bytes: bytes.count)
            return LTS_ETOOBIG
        }
        engine.register(connection: conn, component: id, ref: ref, html: bytes)
        return LTS_OK
    }
}

@_cdecl("lts_component_update")
public func lts_component_update(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                                 _ ref: UInt64, _ html: UnsafePointer<CChar>?, _ htmlLength: Int) -> Int32 {
    guard let bytes = copyBytes(html, htmlLength) else { return LTS_EINVAL }
    // Patches travel in text frames, which must be UTF-8.
    guard UTF8Validator.isValid(bytes) else { return LTS_EPARSE }
    return withComponent(handle, conn, component, componentLength) { engine, id in
        guard bytes.count <= engine.limits.maxLiveMessageBytes else {
            engine.refuseOversizedHTML(connection: conn, component: id, bytes: bytes.count)
            return LTS_ETOOBIG
        }
        engine.update(connection: conn, component: id, ref: ref, html: bytes)
        return LTS_OK
    }
}

@_cdecl("lts_component_unregister")
public func lts_component_unregister(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?,
                                     _ componentLength: Int) -> Int32 {
    withComponent(handle, conn, component, componentLength) { engine, id in
        engine.unregister(connection: conn, component: id)
        return LTS_OK
    }
}

@_cdecl("lts_reply_error")
public func lts_reply_error(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                            _ ref: UInt64, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int) -> Int32 {
    guard let reasonBytes = copyBytes(reason, reasonLength) else { return LTS_EINVAL }
    return withComponent(handle, conn, component, componentLength) { engine, id in
        engine.replyError(connection: conn, component: id, ref: ref, reason: reasonBytes)
        return LTS_OK
    }
}

@_cdecl("lts_subscribe")
public func lts_subscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                          _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    guard topicLength > 0, let topicBytes = copyBytes(topic, topicLength) else { return LTS_EINVAL }
    return withComponent(handle, conn, component, componentLength) { engine, id in
        engine.subscribe(connection: conn, component: id, topic: topicBytes)
        return LTS_OK
    }
}

@_cdecl("lts_unsubscribe")
public func lts_unsubscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                            _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    guard topicLength > 0, let topicBytes = copyBytes(topic, topicLength) else { return LTS_EINVAL }
    return withComponent(handle, conn, component, componentLength) { engine, id in
        engine.unsubscribe(connection: conn, component: id, topic: topicBytes)
        return LTS_OK
    }
}

@_cdecl("lts_publish")
public func lts_publish(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                        _ data: UnsafePointer<CChar>?, _ dataLength: Int) -> Int32 {
    guard let server = HandleTable.lookup(handle), topicLength > 0, let topicBytes = copyBytes(topic, topicLength),
          let bytes = copyBytes(data, dataLength), !LiveEngine.isReserved(topic: topicBytes) else { return LTS_EINVAL }
    guard UTF8Validator.isValid(bytes) else { return LTS_EPARSE }
    guard server.engine.isRunning else { return LTS_ESTATE }
    server.engine.publish(topic: topicBytes, data: bytes)
    return LTS_OK
}

/// The checks every call naming a topic shares: a live handle, a non-empty topic, a running server.
private func withTopic(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                       _ body: (LiveEngine, [UInt8]) -> Void) -> Int32 {
    guard let server = HandleTable.lookup(handle), topicLength > 0,
          let topicBytes = copyBytes(topic, topicLength) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return LTS_ESTATE }
    body(server.engine, topicBytes)
    return LTS_OK
}

private func withConnectionTopic(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                                 _ body: (LiveEngine, [UInt8]) -> Void) -> Int32 {
    guard conn != 0 else { return LTS_EINVAL }
    return withTopic(handle, topic, topicLength, body)
}

@_cdecl("lts_conn_subscribe")
public func lts_conn_subscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withConnectionTopic(handle, conn, topic, topicLength) { $0.subscribe(connection: conn, topic: $1) }
}

@_cdecl("lts_conn_unsubscribe")
public func lts_conn_unsubscribe(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withConnectionTopic(handle, conn, topic, topicLength) { $0.unsubscribe(connection: conn, topic: $1) }
}

@_cdecl("lts_host_subscribe")
public func lts_host_subscribe(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withTopic(handle, topic, topicLength) { $0.subscribeHost(topic: $1) }
}

@_cdecl("lts_host_unsubscribe")
public func lts_host_unsubscribe(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int) -> Int32 {
    withTopic(handle, topic, topicLength) { $0.unsubscribeHost(topic: $1) }
}
