import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// The server's connections are watched by an epoll set of its own, which
/// the loop watches as one descriptor, rather than each by a libuv stream
/// handle: a uv_tcp_t is 248 bytes a connection (and libuv keeps a watcher
/// slot per descriptor besides), more than everything else an idle
/// WebSocket holds. Here a connection costs its socket's entry in the
/// kernel's set and nothing in user space. Loop thread only.
final class SocketPoller {
    private let epoll: Int32
    private let handle: UnsafeMutablePointer<uv_poll_t>
    /// Closed connections are released from here once the callback that
    /// closed them has returned: callers up the stack still use them.
    private let reaper: UnsafeMutablePointer<uv_idle_t>
    private var retired: [Unmanaged<Connection>] = []
    private var reaping = false
    private static let batch = 256
    private let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: SocketPoller.batch)
    private(set) var isClosed = false

    /// nil if the kernel gives no epoll set (out of descriptors or memory).
    init?(loop: UnsafeMutablePointer<uv_loop_t>) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        handle = .allocate(capacity: 1)
        reaper = .allocate(capacity: 1)
        guard epoll >= 0, uv_poll_init(loop, handle, epoll) == 0 else {
            if epoll >= 0 { Glibc.close(epoll) }
            handle.deallocate()
            reaper.deallocate()
            events.deallocate()
            return nil
        }
        uv_idle_init(loop, reaper)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        reaper.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_poll_start(handle, Int32(UV_READABLE.rawValue)) { handle, _, _ in
            guard let handle, let data = handle.pointee.data else { return }
            Unmanaged<SocketPoller>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.dispatch() }
        }
    }

    deinit {
        events.deallocate()
    }

    /// Watches `fd` for `events`, or changes what it is watched for; 0
    /// takes it out of the set (a socket left in it would still report
    /// hang-ups, level-triggered, again and again). False if the kernel
    /// refused.
    func watch(_ fd: Int32, _ connection: Connection, events newEvents: UInt32, was oldEvents: UInt32) -> Bool {
        guard newEvents != oldEvents else { return true }
        var event = epoll_event()
        event.events = newEvents
        event.data.ptr = Unmanaged.passUnretained(connection).toOpaque()
        let op = newEvents == 0 ? EPOLL_CTL_DEL : oldEvents == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        return epoll_ctl(epoll, op, fd, &event) == 0
    }

    /// Every ready socket, each told once per turn of the loop.
    private func dispatch() {
        let n = epoll_wait(epoll, events, Int32(SocketPoller.batch), 0)
        guard n > 0 else { return }
        for i in 0..<Int(n) {
            let event = events[i]
            guard let data = event.data.ptr else { continue }
            // A connection closed earlier in this batch is still alive
            // (retired, released after the batch) and ignores its events.
            Unmanaged<Connection>.fromOpaque(data)._withUnsafeGuaranteedRef { $0.socketReady(event.events) }
        }
    }

    /// Releases `connection`, whose socket is closed, once the current
    /// callback has returned (on the loop's next idle turn).
    func retire(_ connection: Unmanaged<Connection>) {
        retired.append(connection)
        guard !reaping, !isClosed else { return }
        reaping = true
        uv_idle_start(reaper) { idle in
            guard let idle, let data = idle.pointee.data else { return }
            Unmanaged<SocketPoller>.fromOpaque(data).takeUnretainedValue().reap()
        }
    }

    private func reap() {
        reaping = false
        uv_idle_stop(reaper)
        let done = retired
        retired.removeAll()
        for connection in done { connection.release() }
        onReaped?()
    }

    /// Called after closed connections were released (the server ends its
    /// loop's use of the poller once it stops and has none left).
    var onReaped: (() -> Void)?

    /// Closes the poller's handles; the loop can then end. Connections not
    /// yet released are released now.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        for connection in retired { connection.release() }
        retired.removeAll()
        onReaped = nil
        uv_idle_stop(reaper)
        uv_poll_stop(handle)
        uv_close(asHandle(reaper)) { handle in handle?.deallocate() }
        let fd = epoll
        uv_close(asHandle(handle)) { handle in handle?.deallocate() }
        Glibc.close(fd)
    }
}
