/// What a connection needs only while it speaks HTTP: the request bytes
/// not yet handled, the request's clock and a streamed response. Every
/// connection starts with one, and an upgrade to a WebSocket drops it, so
/// an idle WebSocket does not carry it. Loop thread only.
final class HTTPState {
    /// Bytes of requests not yet handled.
    var inbound: [UInt8] = []
    /// The TCP peer, fixed at accept (a trusted proxy's requests each name
    /// their client, which is found from it).
    var peerAddress: [UInt8] = []
    /// A response body going out chunk by chunk (Connection-streaming).
    var streamingBody: ResponseBody?
    var streamWritesInFlight = 0
    /// Loop time of the last write that completed, for a stream whose
    /// reader stopped reading.
    var lastWriteAt: UInt64 = 0
    /// Loop time (ms) of the first byte of the request being read (0 when
    /// none is partly read).
    var requestStartedAt: UInt64 = 0
    var keepAliveAfterStream = true
    /// Set while the first chunks are queued from the request's handler,
    /// which goes on to the next request itself if the body is all queued.
    var startingStream = false
}

/// The HTTP fields, read as the connection's own: once upgraded they read
/// as empty and writes to them are dropped (nothing HTTP runs then).
extension Connection {
    var inbound: [UInt8] {
        get { httpState?.inbound ?? [] }
        _modify {
            if let httpState {
                yield &httpState.inbound
            } else {
                var none: [UInt8] = []
                yield &none
            }
        }
    }

    var peerAddress: [UInt8] {
        get { httpState?.peerAddress ?? clientAddress }
        set { httpState?.peerAddress = newValue }
    }

    var streamingBody: ResponseBody? {
        get { httpState?.streamingBody }
        set { httpState?.streamingBody = newValue }
    }

    var streamWritesInFlight: Int {
        get { httpState?.streamWritesInFlight ?? 0 }
        set { httpState?.streamWritesInFlight = newValue }
    }

    var lastWriteAt: UInt64 {
        get { httpState?.lastWriteAt ?? 0 }
        set { httpState?.lastWriteAt = newValue }
    }

    var requestStartedAt: UInt64 {
        get { httpState?.requestStartedAt ?? 0 }
        set { httpState?.requestStartedAt = newValue }
    }

    var keepAliveAfterStream: Bool {
        get { httpState?.keepAliveAfterStream ?? true }
        set { httpState?.keepAliveAfterStream = newValue }
    }

    var startingStream: Bool {
        get { httpState?.startingStream ?? false }
        set { httpState?.startingStream = newValue }
    }
}
