import LiveTSNet

/// Messages straight from the read buffer. In raw mode the host gets them
/// as they were decoded, with no copy; the live protocol parses an owned
/// copy (its parser and ledgers keep parts of it).
extension LiveEngine {
    public func server(_ server: SocketServer, connection: UInt64, borrowedMessage: UnsafeRawBufferPointer, opcode: WebSocketOpcode) {
        if mode == .raw {
            host?.engineMessage(connection: connection, bytes: borrowedMessage, binary: opcode == .binary)
        } else {
            self.server(server, connection: connection, message: Array(borrowedMessage), opcode: opcode)
        }
    }

    /// In raw mode, has the server hand every message straight to `sink`
    /// rather than through this engine to its host: the same call, with no
    /// reference counting on the way (MessageSink). Before the server runs.
    public func deliverRawMessages(to sink: MessageSink) {
        guard mode == .raw else { return }
        http.messageSink = sink
    }
}
