import LiveTSNet

/// Streamed requests between the network layer and the host: records go
/// up on the loop thread, answers come down from any thread and are run
/// on the loop in call order.
extension LiveEngine {
    /// Before start: every request the core does not answer itself goes
    /// to the host as a head and a body stream.
    public func streamRequests() { http.streamsRequests = true }

    public func server(_ server: SocketServer, requestHead request: HTTPRequest, id: UInt64, bodyFraming: HTTPParser.BodyFraming) {
        guard let host else {
            server.abortRequest(id)
            return
        }
        host.engineRequestHead(request, id: id, bodyFraming: bodyFraming)
    }

    public func server(_ server: SocketServer, requestBody bytes: [UInt8], id: UInt64) {
        host?.engineRequestBody(bytes, id: id)
    }

    public func server(_ server: SocketServer, requestEnded id: UInt64) {
        host?.engineRequestEnded(id: id)
    }

    public func server(_ server: SocketServer, responseDrained id: UInt64) {
        host?.engineResponseDrained(id: id)
    }

    public func server(_ server: SocketServer, requestDone id: UInt64, aborted: Bool) {
        host?.engineRequestDone(id: id, aborted: aborted)
    }

    // MARK: - Thread-safe calls from the host

    // Each waits for releaseWakeups when its thread holds wakeups
    // (lts_server_hold_calls), as every call posted to the loop does; they
    // are queued in call order either way.
    public func holdWakeups() { loop.holdWakeups() }
    public func releaseWakeups() { loop.releaseWakeups() }

    public func startResponse(request: UInt64, status: Int, reason: [UInt8], head: HostResponseHead, framing: ResponseLedger.BodyFraming) {
        loop.runOrPost { [self] in http.startResponse(request: request, status: status, reason: reason, head: head, framing: framing) }
    }

    public func sendResponse(request: UInt64, status: Int, reason: [UInt8], head: HostResponseHead, framing: ResponseLedger.BodyFraming,
                             bytes: [UInt8], short: Bool) {
        loop.runOrPost { [self] in
            http.sendResponse(request: request, status: status, reason: reason, head: head, framing: framing, bytes: bytes, short: short)
        }
    }

    public func writeResponse(request: UInt64, bytes: [UInt8], count: Int) {
        loop.runOrPost { [self] in http.writeResponse(request: request, bytes: bytes, count: count) }
    }

    public func endResponse(request: UInt64, bytes: [UInt8], count: Int, short: Bool) {
        loop.runOrPost { [self] in http.endResponse(request: request, bytes: bytes, count: count, short: short) }
    }

    public func consumeBody(request: UInt64, bytes: Int) {
        loop.runOrPost { [self] in http.consumeBody(request: request, bytes: bytes) }
    }

    public func abortRequest(_ request: UInt64) {
        loop.runOrPost { [self] in http.abortRequest(request) }
    }
}
