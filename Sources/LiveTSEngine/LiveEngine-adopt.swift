import LiveTSNet

extension LiveEngine {
    /// Hands a connected TCP socket and the bytes already read from it to
    /// the loop thread (SocketServer.adopt). False if the loop no longer
    /// takes work: the descriptor is then still the caller's to close.
    public func adopt(descriptor: Int32, request: [UInt8]) -> Bool {
        loop.post { [http] in http.adopt(descriptor: descriptor, request: request) }
    }
}
