import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Connections another event loop accepted and hands over (a Node HTTP
/// server passing on a WebSocket upgrade): from the moment they are
/// adopted they are this server's like any it accepted, under the same
/// caps, deadlines and request path.
extension SocketServer {
    /// Takes over `descriptor`, a connected TCP socket this server now
    /// owns and closes, and handles `request`, the bytes its first owner
    /// had read from it, as if they had just arrived. Loop thread only.
    public func adopt(descriptor: Int32, request: [UInt8]) {
        // Once stopping, a new handle would keep the loop from ending.
        guard !isStopping else {
            Glibc.close(descriptor)
            return
        }
        let connection = Connection(server: self, id: takeConnectionID())
        guard connection.open(descriptor) else { return }
        guard admitAndRead(connection) else { return }
        guard !request.isEmpty else { return }
        request.withUnsafeBytes { connection.received($0) }
    }
}

extension Connection {
    /// Wraps an already connected socket; false (with the descriptor
    /// closed) if libuv refuses it.
    func open(_ descriptor: Int32) -> Bool {
        uv_tcp_init(server.loop.loop, tcp)
        tcp.pointee.data = Unmanaged.passRetained(self).toOpaque()
        guard uv_tcp_open(tcp, descriptor) == 0 else {
            // Not the handle's yet: closing the handle leaves it open.
            Glibc.close(descriptor)
            closeHandle()
            return false
        }
        didConnect()
        return true
    }
}
