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
        guard poller != nil else {
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
