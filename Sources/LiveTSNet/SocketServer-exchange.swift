/// The host's side of streamed requests (Connection-exchange), on the
/// loop thread. A request that is gone by the time its call arrives (the
/// client left) is dropped: the host heard on_request_done already, or
/// is about to.
extension SocketServer {
    func streamedRequest(_ id: UInt64) -> (Connection, HostExchange)? {
        guard let connectionID = pendingRequests[id], let connection = connections[connectionID],
              case .http(.exchange(let exchange)) = connection.phase, exchange.id == id else { return nil }
        return (connection, exchange)
    }

    public func startResponse(request id: UInt64, status: Int, reason: [UInt8], head: HostResponseHead, framing: ResponseLedger.BodyFraming) {
        guard case let (connection, exchange)? = streamedRequest(id) else { return }
        connection.startResponse(exchange, status: status, reason: reason, head: head, framing: framing)
    }

    public func sendResponse(request id: UInt64, status: Int, reason: [UInt8], head: HostResponseHead, framing: ResponseLedger.BodyFraming,
                             bytes: [UInt8], short: Bool) {
        guard case let (connection, exchange)? = streamedRequest(id) else { return }
        connection.sendResponse(exchange, status: status, reason: reason, head: head, framing: framing, bytes: bytes, short: short)
    }

    public func writeResponse(request id: UInt64, bytes: [UInt8], count: Int) {
        guard case let (connection, exchange)? = streamedRequest(id) else { return }
        connection.writeResponse(exchange, bytes: bytes, count: count)
    }

    public func endResponse(request id: UInt64, bytes: [UInt8], count: Int, short: Bool) {
        guard case let (connection, exchange)? = streamedRequest(id) else { return }
        connection.endResponse(exchange, bytes: bytes, count: count, short: short)
    }

    public func consumeBody(request id: UInt64, bytes: Int) {
        guard case let (connection, exchange)? = streamedRequest(id) else { return }
        connection.consumeBody(exchange, bytes: bytes)
    }

    /// Closes the request's connection at once: the client sees its
    /// response cut off, which is all an answer broken midway can say.
    public func abortRequest(_ id: UInt64) {
        guard case let (connection, _)? = streamedRequest(id) else { return }
        connection.closeHandle()
    }
}
