import CLibUV
import CLiveTS
import LiveTSNet

/// The servers handed out and not yet freed. Every entry point looks its
/// handle up here first, so a freed, foreign or NULL handle is an error
/// code rather than a crash.
enum HandleTable {
    private static let mutex: UnsafeMutablePointer<uv_mutex_t> = {
        let m = UnsafeMutablePointer<uv_mutex_t>.allocate(capacity: 1)
        uv_mutex_init(m)
        return m
    }()
    private static var live: [UnsafeMutableRawPointer: CoreServer] = [:]

    static func insert(_ server: CoreServer) -> OpaquePointer {
        let handle = Unmanaged.passUnretained(server).toOpaque()
        uv_mutex_lock(mutex)
        live[handle] = server
        uv_mutex_unlock(mutex)
        return OpaquePointer(handle)
    }

    /// The server behind a handle, retained for the caller's use.
    static func lookup(_ handle: OpaquePointer?) -> CoreServer? {
        guard let handle else { return nil }
        uv_mutex_lock(mutex)
        defer { uv_mutex_unlock(mutex) }
        return live[UnsafeMutableRawPointer(handle)]
    }

    static func remove(_ handle: OpaquePointer?) -> CoreServer? {
        guard let handle else { return nil }
        uv_mutex_lock(mutex)
        defer { uv_mutex_unlock(mutex) }
        return live.removeValue(forKey: UnsafeMutableRawPointer(handle))
    }
}

/// The first step of every method: forgets the thread's last error and finds
/// the server, before any other argument is read, so a NULL, freed or foreign
/// handle is LTS_EMISUSE whatever else was passed. nil, with the error
/// recorded, for such a handle.
///
/// On a server's own loop thread (a host calling back from a callback) the
/// handle is that server's without a lock or a lookup: the loop thread runs
/// only while its server lives, as freeing joins it.
func enter(_ handle: OpaquePointer?, _ function: StaticString) -> CoreServer? {
    LastError.clear()
    if let handle, let running = EventLoop.currentContext, running == UnsafeMutableRawPointer(handle) {
        return Unmanaged<CoreServer>.fromOpaque(running).takeUnretainedValue()
    }
    guard let handle else {
        _ = fail(LTS_EMISUSE, "\(function): the server handle is NULL")
        return nil
    }
    guard let server = HandleTable.lookup(handle) else {
        let address = String(UInt(bitPattern: Int(bitPattern: handle)), radix: 16)
        _ = fail(LTS_EMISUSE, "\(function): 0x\(address) is not a live lts_server (already freed, or not from lts_server_new)")
        return nil
    }
    return server
}
