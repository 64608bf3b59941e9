import CLiveTS
import Glibc
import LiveTSEngine

// Uploads (livetscore.h, "Uploads"): the host allows entries, the core
// writes their chunks to files and reports through on_upload.

@_cdecl("lts_server_set_upload_callback")
public func lts_server_set_upload_callback(_ handle: OpaquePointer?, _ onUpload: lts_upload_cb?, _ dir: UnsafePointer<CChar>?) -> Int32 {
    guard let server = enter(handle, "lts_server_set_upload_callback") else { return LTS_EMISUSE }
    guard let onUpload else {
        return fail(LTS_EINVAL, "lts_server_set_upload_callback: on_upload is NULL (it is how the host learns a file is complete)")
    }
    var directory: String?
    if let dir {
        let path = String(cString: dir)
        var info = stat()
        guard !path.isEmpty, stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            return fail(LTS_EINVAL, "lts_server_set_upload_callback: dir \(path.debugDescription) is not a directory (create it first, or pass NULL for $TMPDIR)")
        }
        directory = path
    }
    guard !server.engine.isRunning, !server.stopped else {
        return fail(LTS_ESTATE, "lts_server_set_upload_callback: only before lts_server_start (the server is \(server.stopped ? "stopped" : "running"))")
    }
    server.onUpload = onUpload
    if let directory { server.engine.setUploadDirectory(directory) }
    return LTS_OK
}

/// An entry id argument: the chunk header's alphabet and length.
private func copyEntry(_ function: StaticString, _ entry: UnsafePointer<CChar>?, _ entryLength: Int) -> [UInt8]? {
    guard let bytes = copyNonEmptyArgument(function, "entry", "entry_len", entry, entryLength) else { return nil }
    guard LiveEngine.isValidUploadEntry(bytes) else {
        _ = fail(LTS_EINVAL, "\(function): entry \(String(decoding: bytes.prefix(80), as: UTF8.self).debugDescription) must be 1 to 64 letters, digits, '-' or '_'")
        return nil
    }
    return bytes
}

@_cdecl("lts_upload_allow")
public func lts_upload_allow(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?, _ componentLength: Int,
                             _ entry: UnsafePointer<CChar>?, _ entryLength: Int, _ size: UInt64, _ chunkBytes: Int) -> Int32 {
    guard let server = enter(handle, "lts_upload_allow") else { return LTS_EMISUSE }
    guard isConnection("lts_upload_allow", conn),
          let id = copyNonEmptyArgument("lts_upload_allow", "component", "component_len", component, componentLength),
          let entryBytes = copyEntry("lts_upload_allow", entry, entryLength) else { return LTS_EINVAL }
    let maxChunk = server.engine.http.settings.maxMessageBytes - 1 - LiveEngine.maxUploadEntryBytes
    guard chunkBytes >= 1, chunkBytes <= maxChunk else {
        return fail(LTS_EINVAL, "lts_upload_allow: chunk_bytes must be 1 to \(maxChunk) (a chunk and its header fit in max_message_bytes), got \(UInt(bitPattern: chunkBytes))")
    }
    guard server.engine.isRunning else { return server.notRunning("lts_upload_allow") }
    guard server.onUpload != nil else {
        return fail(LTS_ESTATE, "lts_upload_allow: no upload callback (call lts_server_set_upload_callback before lts_server_start)")
    }
    server.engine.allowUpload(connection: conn, component: id, entry: entryBytes, size: size, chunkBytes: chunkBytes)
    return LTS_OK
}

@_cdecl("lts_upload_cancel")
public func lts_upload_cancel(_ handle: OpaquePointer?, _ conn: UInt64, _ entry: UnsafePointer<CChar>?, _ entryLength: Int) -> Int32 {
    guard let server = enter(handle, "lts_upload_cancel") else { return LTS_EMISUSE }
    guard isConnection("lts_upload_cancel", conn), let entryBytes = copyEntry("lts_upload_cancel", entry, entryLength) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return server.notRunning("lts_upload_cancel") }
    server.engine.cancelUpload(connection: conn, entry: entryBytes)
    return LTS_OK
}
