import CLibUV

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
