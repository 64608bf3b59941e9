import Glibc
import LiveTSNet

/// What the engine tells its host about an upload it allowed.
public struct UploadEvent {
    public enum Kind: Int32 { case progress = 1, done = 2, failed = 3 }
    public let kind: Kind
    public let connection: UInt64
    public let component: [UInt8]
    public let entry: [UInt8]
    /// Bytes written so far (done: all of them).
    public let received: UInt64
    public let size: UInt64
    /// Done: the complete file, now the host's to move or remove.
    public let path: [UInt8]
    /// Failed: why; the partial file is already removed.
    public let reason: [UInt8]
}

/// The uploads of every connection (docs/protocol.md, "Uploads"): what the
/// host allowed, and the file each one is being written to. Loop thread.
struct UploadTable {
    struct Upload {
        let component: [UInt8]
        let size: UInt64
        /// The largest chunk the browser was told to send.
        let chunkBytes: Int
        var received: UInt64 = 0
        var file: UploadFile
    }

    /// Uploads one connection may have allowed and unfinished at once.
    static let maxPerConnection = 64

    var byConnection: [UInt64: [[UInt8]: Upload]] = [:]
    /// Where files are created; the host may set it before start.
    var directory = UploadTable.defaultDirectory

    static var defaultDirectory: String {
        if let tmp = getenv("TMPDIR"), tmp.pointee != 0 { return String(cString: tmp) }
        return "/tmp"
    }
}

extension LiveEngine {
    /// The longest entry id a chunk header carries.
    public static let maxUploadEntryBytes = UploadChunk.maxEntryBytes

    /// 1 to 64 letters, digits, '-' or '_' (the chunk header's id).
    public static func isValidUploadEntry(_ entry: [UInt8]) -> Bool { UploadChunk.isValidEntry(entry) }

    /// Sets where upload files are written. Before start only.
    public func setUploadDirectory(_ path: String) {
        uploads.directory = path
    }

    /// Thread-safe. Lets `connection` send `size` bytes for `entry` of
    /// `component`, in chunks of at most `chunkBytes`; the browser is told
    /// to start with an ack of 0 bytes that names the chunk size.
    /// Allowing an id again replaces its upload (the partial file goes).
    public func allowUpload(connection: UInt64, component: [UInt8], entry: [UInt8], size: UInt64, chunkBytes: Int) {
        loop.runOrPost { [self] in
            guard http.hasConnection(connection) else { return }
            var table = uploads.byConnection[connection] ?? [:]
            if var old = table.removeValue(forKey: entry) { old.file.discard() }
            guard table.count < UploadTable.maxPerConnection else {
                uploads.byConnection[connection] = table
                return failUpload(connection, component, entry, received: 0, size: size,
                                  reason: "too many uploads at once on this connection (\(UploadTable.maxPerConnection))")
            }
            switch UploadFile.create(in: uploads.directory) {
            case .failure(let failure):
                uploads.byConnection[connection] = table
                failUpload(connection, component, entry, received: 0, size: size, reason: failure.reason)
            case .success(let file):
                if size == 0 {
                    uploads.byConnection[connection] = table
                    return finishUpload(connection, UploadTable.Upload(component: component, size: 0, chunkBytes: chunkBytes, file: file), entry: entry)
                }
                table[entry] = UploadTable.Upload(component: component, size: size, chunkBytes: chunkBytes, file: file)
                uploads.byConnection[connection] = table
                http.send(connection, text: ServerMessage.uploadStart(component: component, entry: entry, chunkBytes: chunkBytes))
            }
        }
    }

    /// Thread-safe. Forgets an upload and removes its partial file; a
    /// finished one is the host's already and is left alone.
    public func cancelUpload(connection: UInt64, entry: [UInt8]) {
        loop.runOrPost { [self] in
            guard var upload = uploads.byConnection[connection]?.removeValue(forKey: entry) else { return }
            upload.file.discard()
        }
    }

    /// A binary message on a LiveTS socket: one chunk of an allowed upload.
    func receiveUploadChunk(_ message: [UInt8], from connection: UInt64) {
        let chunk: UploadChunk
        switch UploadChunk.parse(message) {
        case .failure(.malformed(let why)):
            guard withinEventBudget(connection) else { return }
            return refuse(connection: connection, component: [], ref: 0, reason: why, cause: .badMessage)
        case .success(let parsed):
            chunk = parsed
        }
        guard var upload = uploads.byConnection[connection]?[chunk.entry] else {
            // A chunk already on its way when its upload was cancelled lands
            // here: the browser hears it, and nothing is written.
            guard withinEventBudget(connection) else { return }
            http.send(connection, text: ServerMessage.uploadAck(component: [], entry: chunk.entry, received: 0, error: Array("unknown upload".utf8)))
            return
        }
        let length = UInt64(message.count - chunk.dataOffset)
        guard length <= UInt64(upload.chunkBytes) else {
            dropUpload(connection, chunk.entry)
            return failUpload(connection, upload.component, chunk.entry, received: upload.received, size: upload.size,
                              reason: "upload chunk of \(length) bytes is over the \(upload.chunkBytes) allowed")
        }
        guard upload.received + length <= upload.size else {
            dropUpload(connection, chunk.entry)
            return failUpload(connection, upload.component, chunk.entry, received: upload.received, size: upload.size,
                              reason: "upload is larger than the \(upload.size) bytes allowed")
        }
        let written = message.withUnsafeBytes { upload.file.write(UnsafeRawBufferPointer(rebasing: $0[chunk.dataOffset...])) }
        if case .failure(let failure) = written {
            dropUpload(connection, chunk.entry)
            return failUpload(connection, upload.component, chunk.entry, received: upload.received, size: upload.size, reason: failure.reason)
        }
        upload.received += length
        if upload.received == upload.size {
            uploads.byConnection[connection]?[chunk.entry] = nil
            return finishUpload(connection, upload, entry: chunk.entry)
        }
        uploads.byConnection[connection]?[chunk.entry] = upload
        http.send(connection, text: ServerMessage.uploadAck(component: upload.component, entry: chunk.entry, received: upload.received, error: nil))
        host?.engineUpload(UploadEvent(kind: .progress, connection: connection, component: upload.component, entry: chunk.entry,
                                       received: upload.received, size: upload.size, path: [], reason: []))
    }

    /// From didClose: partial files of a connection that left are removed.
    func discardUploads(of connection: UInt64) {
        guard let table = uploads.byConnection.removeValue(forKey: connection) else { return }
        for var upload in table.values { upload.file.discard() }
    }

    private func dropUpload(_ connection: UInt64, _ entry: [UInt8]) {
        guard var upload = uploads.byConnection[connection]?.removeValue(forKey: entry) else { return }
        upload.file.discard()
    }

    private func finishUpload(_ connection: UInt64, _ finished: UploadTable.Upload, entry: [UInt8]) {
        var upload = finished
        if case .failure(let failure) = upload.file.finish() {
            upload.file.discard()
            return failUpload(connection, upload.component, entry, received: upload.received, size: upload.size, reason: failure.reason)
        }
        http.send(connection, text: ServerMessage.uploadAck(component: upload.component, entry: entry, received: upload.received, error: nil))
        host?.engineUpload(UploadEvent(kind: .done, connection: connection, component: upload.component, entry: entry,
                                       received: upload.received, size: upload.size, path: Array(upload.file.path.utf8), reason: []))
    }

    private func failUpload(_ connection: UInt64, _ component: [UInt8], _ entry: [UInt8], received: UInt64, size: UInt64, reason: String) {
        let why = Array(reason.utf8)
        http.send(connection, text: ServerMessage.uploadAck(component: component, entry: entry, received: received, error: why))
        host?.engineUpload(UploadEvent(kind: .failed, connection: connection, component: component, entry: entry,
                                       received: received, size: size, path: [], reason: why))
    }
}
