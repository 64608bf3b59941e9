import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Every byte a connection sends passes `admit` (the outbound limits), then
/// the cork while this connection's read is handled, then send(2), and
/// what the kernel does not take waits in libuv's write queue.
extension Connection {
    func writeRaw(_ data: [UInt8]) {
        data.withUnsafeBytes { write($0) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        guard admit(bytes.count) else { return }
        if server.cork.owner == ObjectIdentifier(self) {
            guard makeRoom(bytes.count) else { return }
            if server.cork.space >= bytes.count {
                server.cork.append(bytes)
                updateOutboundPause()
                return
            }
        }
        writeNow(bytes)
    }

    /// Sends what the cork gathered when `count` more bytes would not fit,
    /// so order is kept: what was gathered goes first. False if that write
    /// closed the connection.
    func makeRoom(_ count: Int) -> Bool {
        guard server.cork.space < count else { return true }
        writeNow(server.cork.take())
        return !isClosed
    }

    /// Applies the outbound limits to `count` more bytes: false when they
    /// must not be sent, because the connection is closing or was just
    /// closed for them. Bytes in the cork count as unsent.
    func admit(_ count: Int) -> Bool {
        guard isOpen, count > 0 else { return false }
        let queued = unsentBytes + server.cork.pending(for: ObjectIdentifier(self))
        // One message bigger than the limit is no sign of a slow reader when
        // nothing is waiting ahead of it.
        guard queued > 0 && queued + count > server.settings.maxOutboundBytes else { return true }
        // A peer that stops reading must not make the server buffer
        // without bound. Its buffer is full, so the close frame goes out
        // only if the kernel takes it at once; gathered replies are dropped.
        server.countSlowConsumer()
        server.refuse(.slowConsumer, connection: isWebSocket ? id : 0, address: clientAddress,
                      detail: "A connection was closed: over \(server.settings.maxOutboundBytes) bytes were waiting for it to read (lts_config.max_outbound_bytes).")
        if server.cork.owner == ObjectIdentifier(self) { server.cork.discard() }
        if case .webSocket(let socket) = phase {
            socket.closeCode = CloseCode.policyViolation
            let frame = WebSocketEncoder.close(code: CloseCode.policyViolation, reason: Array("slow consumer".utf8))
            frame.withUnsafeBytes { plain in
                if let tls {
                    guard tls.seal(plain) else { return }
                    tls.takeCiphertext { tryWrite($0) }
                } else {
                    tryWrite(plain)
                }
            }
        }
        closeHandle()
        return false
    }

    /// What the kernel takes at once, if anything; the rest is dropped.
    private func tryWrite(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, outbound == nil else { return }
        _ = send(fd, base, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
    }

    /// Writes past the cork, after the limits were applied: through TLS
    /// (Connection-tls) when the connection has it.
    func writeNow(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosed, bytes.count > 0 else { return }
        if let tls {
            writeEncrypted(bytes, tls)
        } else {
            writeToSocket(bytes)
        }
    }

    /// Bytes as they go on the wire: send(2) now, or the outbound queue.
    func writeToSocket(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosed, let base = bytes.baseAddress, bytes.count > 0 else { return }
        var rest = bytes
        if outbound == nil {
            // Most writes fit the socket buffer at once: skip the copy.
            // send(2) rather than write(2): a socket write through the file
            // layer costs the kernel more, and this is one syscall per
            // broadcast receiver.
            var written: Int
            repeat {
                written = send(fd, base, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            } while written < 0 && errno == EINTR
            if written == bytes.count {
                updateOutboundPause()
                return
            }
            if written > 0 {
                rest = UnsafeRawBufferPointer(rebasing: bytes[written...])
            } else if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                closeHandle()
                return
            }
        }
        queue(copying: rest)
        updateOutboundPause()
    }

    /// Sends what this connection gathered in the cork, so bytes written
    /// past it next do not overtake them.
    func flushCork() {
        guard server.cork.owner == ObjectIdentifier(self) else { return }
        writeNow(server.cork.take())
    }
}
