import CLibUV

/// Large response bodies go out a chunk at a time: a few chunks are in the
/// write queue at once, and each one written makes room for the next. The
/// body is then limited by how fast the client reads, never by the outbound
/// limit, and a 100 MB file costs four 64 KiB buffers, not 100 MB.
///
/// Every chunk is queued, even when the socket could take it at once: it is
/// sent, and its completion comes, on the next turn of the loop, so a fast
/// reader on loopback gets its file in turns, between other connections'
/// work, instead of in one long callback.
extension Connection {
    /// Chunks in the write queue at once.
    static let streamWindow = 4

    /// Sends `body` after the head already written; requests pipelined
    /// behind this one wait until it is all queued.
    func startStreaming(_ body: ResponseBody, keepAlive: Bool) {
        streamingBody = body
        keepAliveAfterStream = keepAlive
        lastWriteAt = server.now
        // The head may be in the cork: it must reach the socket first.
        flushCork()
        startingStream = true
        pumpStream()
        startingStream = false
    }

    private func pumpStream() {
        while let body = streamingBody, !isClosed, streamWritesInFlight < Connection.streamWindow {
            guard body.remaining > 0 else {
                finishStream()
                return
            }
            let count = min(ResponseBody.chunkBytes, body.remaining)
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            guard body.read(into: chunk) else {
                // The head promised more bytes than the file now has: the
                // client can only tell from the connection closing.
                chunk.deallocate()
                closeHandle()
                return
            }
            guard writeChunk(chunk) else { return }
            if body.remaining == 0 {
                finishStream()
                return
            }
        }
    }

    /// Queues one chunk, which the write request owns from then on.
    private func writeChunk(_ plain: UnsafeMutableRawBufferPointer) -> Bool {
        guard let chunk = sealedChunk(plain) else {
            closeHandle()
            return false
        }
        streamWritesInFlight += 1
        queue(owned: chunk, streamChunk: true)
        return !isClosed
    }

    func chunkWritten(status: Int32) {
        streamWritesInFlight -= 1
        guard !isClosed else { return }
        guard status == 0 else {
            closeHandle()
            return
        }
        lastWriteAt = server.now
        updateOutboundPause()
        pumpStream()
    }

    /// Every byte is queued: the connection goes on with the next request,
    /// whose answer queues behind the last chunks.
    private func finishStream() {
        streamingBody = nil
        if !keepAliveAfterStream {
            closeAfterFlush()
            return
        }
        guard !startingStream else { return }
        updatePipelinePause()
        processHTTP()
        updatePipelinePause()
    }
}
