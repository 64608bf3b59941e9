/// What the network layer reports upward. Every call runs on the loop thread.
public protocol ServerDelegate: AnyObject {
    /// A request that is neither static nor an upgrade; answer with `SocketServer.respond`.
    func server(_ server: SocketServer, request: HTTPRequest, id: UInt64)
    /// `request` is the upgrade request that opened the WebSocket.
    func server(_ server: SocketServer, didOpen connection: UInt64, request: HTTPRequest)
    func server(_ server: SocketServer, connection: UInt64, message: [UInt8], opcode: WebSocketOpcode)
    /// A message as it was decoded, in the read buffer: valid only during
    /// the call. Text is valid UTF-8. By default it is copied to `message`.
    func server(_ server: SocketServer, connection: UInt64, borrowedMessage: UnsafeRawBufferPointer, opcode: WebSocketOpcode)
    func server(_ server: SocketServer, didClose connection: UInt64, code: UInt16)
    /// Something was refused (see RefusalLog): for the host's log.
    func server(_ server: SocketServer, notice: RefusalNotice)

    // Streamed requests (SocketServer.streamsRequests), in this order per
    // id: the head, body pieces, the end of the body, then done. Drain may
    // come between; nothing comes after done. The end of the body is not
    // reported when the response ended first.
    func server(_ server: SocketServer, requestHead: HTTPRequest, id: UInt64, bodyFraming: HTTPParser.BodyFraming)
    func server(_ server: SocketServer, requestBody: [UInt8], id: UInt64)
    func server(_ server: SocketServer, requestEnded id: UInt64)
    func server(_ server: SocketServer, responseDrained id: UInt64)
    func server(_ server: SocketServer, requestDone id: UInt64, aborted: Bool)
}

extension ServerDelegate {
    public func server(_ server: SocketServer, connection: UInt64, borrowedMessage: UnsafeRawBufferPointer, opcode: WebSocketOpcode) {
        self.server(server, connection: connection, message: Array(borrowedMessage), opcode: opcode)
    }
}
