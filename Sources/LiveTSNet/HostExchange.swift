/// A request the host answers as a stream (Connection-exchange): its body
/// goes to the host as it arrives, and the response comes back in pieces.
/// A class, so the decoder is advanced in place inside the phase enum.
///
/// Loop thread only, like the connection that holds it.
final class HostExchange {
    /// Body bytes the host may hold untaken before the connection stops
    /// reading: the same rule as WebSocket events waiting for the host.
    static let bodyWindow = 256 * 1024

    let id: UInt64
    var decoder: HTTPBodyDecoder
    /// The client allows keep-alive (Connection, HTTP version).
    let keepAliveAsked: Bool
    let isHead: Bool
    /// Accept-Encoding allows gzip: a response given whole may be compressed.
    let acceptsGzip: Bool
    /// Body bytes handed to the host and not yet consumed.
    var unconsumed = 0
    var bodyDone: Bool
    /// on_request_end was called.
    var endDelivered = false
    /// Loop time of the last body progress: bytes, or the host making room.
    var lastBodyAt: UInt64
    var responseStarted = false
    var responseEnded = false
    /// Decided with the head: false for Connection: close, a body that ends
    /// with the connection, or a Content-Length the host did not fill.
    var keepAlive = true
    var framing = ResponseLedger.BodyFraming.none
    /// The host heard on_request_done; nothing more is said about this id.
    var finished = false
    /// The response ended before the body: the rest is read and dropped, so
    /// the next request on the connection starts where it should.
    var discarding = false
    /// Re-entrancy guard: a host that consumes inside on_request_body must
    /// not have later bytes delivered before earlier ones.
    var pumping = false
    var pumpAgain = false

    init(id: UInt64, decoder: HTTPBodyDecoder, keepAlive: Bool, isHead: Bool, acceptsGzip: Bool, now: UInt64) {
        self.id = id
        self.decoder = decoder
        keepAliveAsked = keepAlive
        self.isHead = isHead
        self.acceptsGzip = acceptsGzip
        bodyDone = decoder.isDone
        lastBodyAt = now
    }
}
