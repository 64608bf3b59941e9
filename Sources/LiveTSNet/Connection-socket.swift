import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// The connection's socket, without a libuv stream: nonblocking reads into
/// the server's one read buffer, sends, a queue for what the kernel does
/// not take at once, our FIN after it, and the close. The server's poller
/// (SocketPoller) says when the socket is ready.
extension Connection {
    /// Takes a connected socket (accepted or adopted); false, with it
    /// closed, if it cannot be used. The poller's reference to the
    /// connection holds it from here until `closeSocket` retires it.
    func open(_ descriptor: Int32) -> Bool {
        fd = descriptor
        _ = Unmanaged.passRetained(self)
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, flags & O_NONBLOCK != 0 || fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            closeHandle()
            return false
        }
        var on: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        peerAddress = LiveTSNet.peerAddress(of: descriptor)
        clientAddress = peerAddress
        lastReadAt = server.now
        return true
    }

    /// Bytes written but not yet taken by the kernel.
    var unsentBytes: Int { outbound?.bytes ?? 0 }

    /// Tells the poller what the socket waits for now: bytes to read while
    /// reading, room to write while bytes or our FIN wait.
    func updateWatch() {
        guard !isClosed, let poller = server.poller else { return }
        var events: UInt32 = 0
        if readingStarted && !readingStopped { events |= EPOLLIN.rawValue }
        if outbound != nil || shutdownRequested { events |= EPOLLOUT.rawValue }
        guard events != watchedEvents else { return }
        guard poller.watch(fd, self, events: events, was: watchedEvents) else {
            watchedEvents = 0
            closeHandle()
            return
        }
        watchedEvents = events
    }

    /// The poller says the socket is ready: `events` as epoll gave them.
    func socketReady(_ events: UInt32) {
        guard !isClosed else { return }
        let failed = events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if events & EPOLLIN.rawValue != 0 || failed, readingStarted && !readingStopped {
            readSocket()
        }
        guard !isClosed else { return }
        if events & EPOLLOUT.rawValue != 0 || failed, watchedEvents & EPOLLOUT.rawValue != 0 {
            writeQueued()
        }
    }

    /// Reads what the socket holds, as libuv's streams do: again while a
    /// read fills the buffer, up to 32 times, so one busy peer cannot
    /// hold the loop.
    private func readSocket() {
        let buffer = server.readBuffer
        let size = SocketServer.readBufferSize
        for _ in 0..<32 {
            let n = recv(fd, buffer, size, 0)
            if n > 0 {
                let bytes = UnsafeRawBufferPointer(start: buffer, count: n)
                if let tls {
                    receivedEncrypted(bytes, tls)
                } else {
                    received(bytes)
                }
                guard n == size, !isClosed, !readingStopped else { return }
                continue
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
            }
            // The peer's FIN, or the connection failed.
            closeHandle()
            return
        }
    }

    /// Copies `bytes` behind what already waits and waits for room.
    func queue(copying bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        owned.copyMemory(from: bytes)
        queue(owned: owned, streamChunk: false)
    }

    /// Queues `chunk`, which the queue frees once written. A stream's
    /// chunk reports its completion (chunkWritten) when the kernel has it
    /// all, on a later turn of the loop, never from inside this call.
    func queue(owned chunk: UnsafeMutableRawBufferPointer, streamChunk: Bool) {
        let queue: OutboundQueue
        if let outbound {
            queue = outbound
        } else {
            queue = OutboundQueue()
            outbound = queue
        }
        queue.append(chunk, streamChunk: streamChunk)
        updateWatch()
    }

    /// Room to write: sends what waits, then our FIN once nothing does.
    private func writeQueued() {
        if let queue = outbound {
            let result = queue.send(on: fd)
            if queue.isEmpty { outbound = nil }
            for _ in 0..<result.streamChunksDone { chunkWritten(status: 0) }
            guard !isClosed else { return }
            if let error = result.error {
                _ = error
                closeHandle()
                return
            }
            updateOutboundPause()
            guard !isClosed else { return }
            if outbound != nil {
                updateWatch()
                return
            }
        }
        if shutdownRequested {
            shutdownRequested = false
            updateWatch()
            guard !isClosed else { return }
            let status: Int32 = Glibc.shutdown(fd, Int32(SHUT_WR)) == 0 ? 0 : -errno
            shutDown(status: status)
        } else {
            updateWatch()
        }
    }

    /// Closes the socket at once; what waited to be written is dropped.
    func closeSocket() {
        if watchedEvents != 0, let poller = server.poller {
            _ = poller.watch(fd, self, events: 0, was: watchedEvents)
            watchedEvents = 0
        }
        if let queue = outbound {
            outbound = nil
            // Like a write libuv cancels at close: the stream hears of it.
            for _ in 0..<queue.discard() { chunkWritten(status: -ECANCELED) }
        }
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        let me = Unmanaged.passUnretained(self)
        if let poller = server.poller {
            poller.retire(me)
        } else {
            me.release()
        }
    }
}

/// Bytes a connection wrote that the kernel did not take yet, in order,
/// each piece owned by the queue until it is sent.
final class OutboundQueue {
    private struct Piece {
        let buffer: UnsafeMutableRawBufferPointer
        var sent: Int
        let streamChunk: Bool
    }

    private var pieces: [Piece] = []
    private var head = 0
    private(set) var bytes = 0

    var isEmpty: Bool { head == pieces.count }

    func append(_ buffer: UnsafeMutableRawBufferPointer, streamChunk: Bool) {
        pieces.append(Piece(buffer: buffer, sent: 0, streamChunk: streamChunk))
        bytes += buffer.count
    }

    /// Sends as much as the socket takes. Returns how many stream chunks
    /// were completed, and the error that ends the connection, if any.
    func send(on fd: Int32) -> (streamChunksDone: Int, error: Int32?) {
        var done = 0
        while head < pieces.count {
            let piece = pieces[head]
            let rest = piece.buffer.count - piece.sent
            let n = Glibc.send(fd, piece.buffer.baseAddress! + piece.sent, rest, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                let error = errno
                compact()
                return (done, error)
            }
            bytes -= n
            if n < rest {
                pieces[head].sent += n
                break
            }
            piece.buffer.deallocate()
            if piece.streamChunk { done += 1 }
            head += 1
        }
        compact()
        return (done, nil)
    }

    private func compact() {
        guard head > 0 else { return }
        pieces.removeFirst(head)
        head = 0
    }

    /// Frees every piece; returns how many were stream chunks.
    func discard() -> Int {
        var streamChunks = 0
        for piece in pieces[head...] {
            piece.buffer.deallocate()
            if piece.streamChunk { streamChunks += 1 }
        }
        pieces.removeAll()
        head = 0
        bytes = 0
        return streamChunks
    }

    deinit { _ = discard() }
}
