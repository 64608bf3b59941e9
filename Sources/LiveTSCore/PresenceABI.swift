import CLiveTS
import Glibc
import LiveTSEngine
import LiveTSNet

/// Metas travel in every diff and heartbeat; a cap keeps one careless host
/// call from flooding every subscriber and every node.
private let maxMetaBytes = 64 * 1024

private func withPresence(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                          _ key: UnsafePointer<CChar>?, _ keyLength: Int,
                          _ body: (LiveEngine, [UInt8], [UInt8]) -> Int32) -> Int32 {
    guard let server = HandleTable.lookup(handle), conn != 0, topicLength > 0, keyLength > 0,
          let topicBytes = copyBytes(topic, topicLength), let keyBytes = copyBytes(key, keyLength),
          !LiveEngine.isReserved(topic: topicBytes) else { return LTS_EINVAL }
    guard PresenceEntry.isValidKey(keyBytes) else { return LTS_EPARSE }
    guard server.engine.isRunning else { return LTS_ESTATE }
    return body(server.engine, topicBytes, keyBytes)
}

@_cdecl("lts_presence_track")
public func lts_presence_track(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                               _ key: UnsafePointer<CChar>?, _ keyLength: Int,
                               _ meta: UnsafePointer<CChar>?, _ metaLength: Int) -> Int32 {
    guard metaLength <= maxMetaBytes else { return LTS_ETOOBIG }
    guard var metaBytes = copyBytes(meta, metaLength) else { return LTS_EINVAL }
    if metaBytes.isEmpty { metaBytes = Array("{}".utf8) }
    guard PresenceEntry.isValidMeta(metaBytes) else { return LTS_EPARSE }
    return withPresence(handle, conn, topic, topicLength, key, keyLength) { engine, topicBytes, keyBytes in
        engine.presenceTrack(connection: conn, topic: topicBytes, key: keyBytes, meta: metaBytes)
        return LTS_OK
    }
}

@_cdecl("lts_presence_untrack")
public func lts_presence_untrack(_ handle: OpaquePointer?, _ conn: UInt64, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                                 _ key: UnsafePointer<CChar>?, _ keyLength: Int) -> Int32 {
    withPresence(handle, conn, topic, topicLength, key, keyLength) { engine, topicBytes, keyBytes in
        engine.presenceUntrack(connection: conn, topic: topicBytes, key: keyBytes)
        return LTS_OK
    }
}

@_cdecl("lts_presence_list")
public func lts_presence_list(_ handle: OpaquePointer?, _ topic: UnsafePointer<CChar>?, _ topicLength: Int,
                              _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                              _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let out, let outLength else { return LTS_EINVAL }
    out.pointee = nil
    outLength.pointee = 0
    guard let server = HandleTable.lookup(handle), topicLength > 0, let topicBytes = copyBytes(topic, topicLength) else { return LTS_EINVAL }
    guard server.engine.isRunning, let json = server.engine.presenceList(topic: topicBytes) else { return LTS_ESTATE }
    // NUL-terminated as a courtesy to C callers; the length excludes it.
    guard let buffer = malloc(json.count + 1)?.assumingMemoryBound(to: CChar.self) else { return LTS_ENOMEM }
    json.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress!, byteCount: json.count) }
    buffer[json.count] = 0
    out.pointee = buffer
    outLength.pointee = json.count
    return LTS_OK
}
