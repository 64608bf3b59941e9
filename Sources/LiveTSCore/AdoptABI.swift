import CLiveTS
import LiveTSEngine
import LiveTSNet
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("lts_server_start_unbound")
public func lts_server_start_unbound(_ handle: OpaquePointer?) -> Int32 {
    guard let server = enter(handle, "lts_server_start_unbound") else { return LTS_EMISUSE }
    guard !server.engine.isRunning else { return fail(LTS_ESTATE, "lts_server_start_unbound: the server is already running") }
    guard !server.stopped else {
        return fail(LTS_ESTATE, "lts_server_start_unbound: a stopped server cannot be started again (create a new one)")
    }
    do {
        try server.engine.start(listening: false)
        return LTS_OK
    } catch {
        server.stopped = true
        return fail(LTS_EIO, "lts_server_start_unbound: cannot start the loop thread: \(error)")
    }
}

@_cdecl("lts_server_adopt")
public func lts_server_adopt(_ handle: OpaquePointer?, _ fd: Int32, _ request: UnsafePointer<CChar>?, _ requestLength: Int) -> Int32 {
    guard let server = enter(handle, "lts_server_adopt") else { return LTS_EMISUSE }
    if let problem = AdoptedSocket.problem(fd) { return fail(LTS_EINVAL, "lts_server_adopt: fd \(fd) \(problem)") }
    guard isReadable(request, requestLength) else { return unreadable("lts_server_adopt", "request", "request_len", requestLength) }
    let limits = server.engine.http.settings.httpLimits
    let maximum = limits.maxHeadBytes + limits.maxBodyBytes
    guard requestLength <= maximum else {
        return fail(LTS_ETOOBIG, "lts_server_adopt: request of \(requestLength) bytes is over the \(maximum) a request head and body may have")
    }
    guard server.engine.isRunning else { return server.notRunning("lts_server_adopt") }
    // The duplicate is taken now, so the caller may close its descriptor
    // as soon as this returns, before the loop thread gets to it.
    let duplicate = fcntl(fd, F_DUPFD_CLOEXEC, 0)
    guard duplicate >= 0 else {
        return fail(LTS_EIO, "lts_server_adopt: cannot duplicate fd \(fd): \(String(cString: strerror(errno)))")
    }
    guard let bytes = copyBytes(request, requestLength), server.engine.adopt(descriptor: duplicate, request: bytes) else {
        close(duplicate)
        return server.notRunning("lts_server_adopt")
    }
    return LTS_OK
}

/// What makes a descriptor unfit to adopt, checked on the caller's thread
/// so a bad one is an error code rather than a connection that dies later.
enum AdoptedSocket {
    /// nil for a TCP connection (IPv4 or IPv6) that is not a listener; a
    /// phrase for lts_last_error otherwise.
    static func problem(_ fd: Int32) -> String? {
        guard fd >= 0 else { return "is negative (pass the descriptor of a connected TCP socket)" }
        guard fcntl(fd, F_GETFD) >= 0 else { return "is not an open descriptor" }
        guard let type = option(fd, SO_TYPE) else { return "is not a socket" }
        guard let domain = option(fd, SO_DOMAIN), domain == AF_INET || domain == AF_INET6,
              type == Int32(SOCK_STREAM.rawValue) else {
            return "is not a TCP socket (IPv4 or IPv6 stream)"
        }
        if option(fd, SO_ACCEPTCONN) == 1 { return "is a listening socket, not a connection" }
        return nil
    }

    private static func option(_ fd: Int32, _ name: Int32) -> Int32? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 else { return nil }
        return value
    }
}
