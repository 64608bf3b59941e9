import CLiveTS
import Glibc
import LiveTSEngine
import LiveTSNet

/// Metas travel in every diff and heartbeat; a cap keeps one careless host
/// call from flooding every subscriber and every node.
private let maxMetaBytes = 64 * 1024

/// The checks track and untrack share, in the ABI's order: the handle, the
/// connection, topic, key and that `meta` is readable, then `arguments`
/// (the meta's size and content), then a running server.
private func withPresence(_ function: StaticString, _ handle: OpaquePointer?, _ conn: UInt64,
                          _ topic: UnsafePointer<CChar>?, _ topicLength: Int, _ key: UnsafePointer<CChar>?, _ keyLength: Int,
                          meta: (pointer: UnsafePointer<CChar>?, length: Int) = (nil, 0),
                          arguments: () -> Int32 = { LTS_OK },
                          _ body: (LiveEngine, [UInt8], [UInt8]) -> Void) -> Int32 {
    guard let server = enter(handle, function) else { return LTS_EMISUSE }
    guard isConnection(function, conn),
          let topicBytes = copyNonEmptyArgument(function, "topic", "topic_len", topic, topicLength),
          let keyBytes = copyNonEmptyArgument(function, "key", "key_len", key, keyLength),
          isPublicTopic(function, topicBytes) else { return LTS_EINVAL }
    guard isReadable(meta.pointer, meta.length) else { return unreadable(function, "meta_json", "meta_len", meta.length) }
    guard PresenceEntry.isValidKey(keyBytes) else { return notUTF8(function, "key", keyBytes) }
    let checked = arguments()
    guard checked == LTS_OK else { return checked }
    guard server.engine.isRunning else { return server.notRunning(function) }
    body(server.engine, topicBytes, keyBytes)
    return LTS_OK
}

@_cdecl("lts_presence_track")
public func lts_presence_track(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                               _ key: UnsafePointer<CChar>?, _ keyLength: Int,
                               _ meta: UnsafePointer<CChar>?, _ metaLength: Int) -> Int32 {
    var metaBytes: [UInt8] = []
    return withPresence("lts_presence_track", handle, conn, topic, topicLength, key, keyLength, meta: (meta, metaLength), arguments: {
        // The size is checked before the meta is copied or parsed.
        guard metaLength <= maxMetaBytes else {
            return fail(LTS_ETOOBIG, "lts_presence_track: meta_json of \(UInt(bitPattern: metaLength)) bytes is over the \(maxMetaBytes) a presence meta may have")
        }
        guard let copied = copyBytes(meta, metaLength) else { return unreadable("lts_presence_track", "meta_json", "meta_len", metaLength) }
        metaBytes = copied.isEmpty ? Array("{}".utf8) : copied
        guard PresenceEntry.isValidMeta(metaBytes) else {
            return fail(LTS_EPARSE, "lts_presence_track: meta_json is not one JSON value (got \(quoted(String(decoding: metaBytes, as: UTF8.self))))")
        }
        return LTS_OK
    }) { engine, topicBytes, keyBytes in
        engine.presenceTrack(connection: conn, topic: topicBytes, key: keyBytes, meta: metaBytes)
    }
}

@_cdecl("lts_presence_untrack")
public func lts_presence_untrack(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                                 _ key: UnsafePointer<CChar>?, _ keyLength: Int) -> Int32 {
    withPresence("lts_presence_untrack", handle, conn, topic, topicLength, key, keyLength) { engine, topicBytes, keyBytes in
        engine.presenceUntrack(connection: conn, topic: topicBytes, key: keyBytes)
    }
}

@_cdecl("lts_presence_list")
public func lts_presence_list(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                              _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                              _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    // Outputs are cleared first, so a caller that frees *out after any failure frees NULL.
    out?.pointee = nil
    outLength?.pointee = 0
    guard let server = enter(handle, "lts_presence_list") else { return LTS_EMISUSE }
    guard let out else { return fail(LTS_EINVAL, "lts_presence_list: out_json is NULL (pass the address of a char *)") }
    guard let outLength else { return fail(LTS_EINVAL, "lts_presence_list: out_len is NULL (pass the address of a size_t)") }
    guard let topicBytes = copyNonEmptyArgument("lts_presence_list", "topic", "topic_len", topic, topicLength) else { return LTS_EINVAL }
    guard server.engine.isRunning, let json = server.engine.presenceList(topic: topicBytes) else { return server.notRunning("lts_presence_list") }
    // NUL-terminated as a courtesy to C callers; the length excludes it.
    guard let buffer = malloc(json.count + 1)?.assumingMemoryBound(to: CChar.self) else {
        return fail(LTS_ENOMEM, "lts_presence_list: could not allocate \(json.count + 1) bytes for the list")
    }
    json.withUnsafeBytes { if let base = $0.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: json.count) } }
    buffer[json.count] = 0
    out.pointee = buffer
    outLength.pointee = json.count
    return LTS_OK
}
