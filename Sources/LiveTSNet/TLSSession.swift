import COpenSSL

/// One connection's TLS state: an OpenSSL session between two memory BIOs,
/// so the connection keeps doing its own socket I/O on the loop: bytes read
/// from the socket go in with `receive`, ciphertext to send comes out of
/// `takeCiphertext`. No sockets here, so it is tested with a client
/// session on memory BIOs too. Loop thread only.
final class TLSSession {
    private let ssl: OpaquePointer
    /// Ciphertext from the peer, for OpenSSL to read.
    private let readBIO: OpaquePointer
    /// Ciphertext OpenSSL wrote, for the socket.
    private let writeBIO: OpaquePointer
    /// A fatal error ended the session: nothing more may be sent, not even
    /// close_notify (OpenSSL refuses it).
    private(set) var failed = false

    /// Largest TLS record plaintext (RFC 8446 §5.1): one SSL_read gives at
    /// most this.
    static let recordBytes = 16 * 1024

    /// What a `receive` came to.
    enum Outcome: Equatable {
        /// All taken; more may come.
        case open
        /// The peer sent close_notify: it sends nothing more.
        case peerClosed
        /// The handshake or a record failed; `reason` is OpenSSL's, and
        /// `plainHTTP` says the peer spoke HTTP without TLS.
        case failed(reason: String, plainHTTP: Bool)
    }

    init?(_ context: TLSContext) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            return nil
        }
        // An empty memory BIO reads as "try again later", not end of file.
        _ = BIO_ctrl(readBIO, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        _ = BIO_ctrl(writeBIO, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        SSL_set_bio(ssl, readBIO, writeBIO)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
    }

    deinit { SSL_free(ssl) }

    var isHandshakeDone: Bool { SSL_is_init_finished(ssl) == 1 }

    /// Bytes of ciphertext waiting for the socket.
    var pendingCiphertext: Int { Int(BIO_ctrl_pending(writeBIO)) }

    /// Takes `bytes` read from the socket, drives the handshake, and hands
    /// each piece of plaintext they complete to `plaintext`, in order.
    /// `plaintext` returns false to stop (the connection closed); what is
    /// left unread is then dropped with the session. Ciphertext the
    /// handshake wrote waits for `takeCiphertext`, which the caller calls
    /// before each piece of plaintext (`flush`) so replies keep their order.
    func receive(_ bytes: UnsafeRawBufferPointer, flush: () -> Void,
                 plaintext: (UnsafeRawBufferPointer) -> Bool) -> Outcome {
        guard !failed else { return .failed(reason: "the session already failed", plainHTTP: false) }
        if let base = bytes.baseAddress, bytes.count > 0 {
            guard BIO_write(readBIO, base, Int32(bytes.count)) == Int32(bytes.count) else {
                failed = true
                return .failed(reason: "out of memory buffering ciphertext", plainHTTP: false)
            }
        }
        return withUnsafeTemporaryAllocation(byteCount: TLSSession.recordBytes, alignment: 16) { buffer in
            while true {
                ERR_clear_error()
                let n = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
                if n > 0 {
                    flush()
                    guard plaintext(UnsafeRawBufferPointer(rebasing: buffer[..<Int(n)])) else { return .open }
                    continue
                }
                let error = SSL_get_error(ssl, n)
                switch error {
                case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                    return .open
                case SSL_ERROR_ZERO_RETURN:
                    return .peerClosed
                default:
                    failed = true
                    let code = ERR_peek_error()
                    let plainHTTP = code != 0 && lts_err_get_reason(code) == SSL_R_HTTP_REQUEST
                    return .failed(reason: TLSContext.openSSLReason(), plainHTTP: plainHTTP)
                }
            }
        }
    }

    /// Encrypts `bytes` into the ciphertext waiting for the socket. False
    /// if they cannot be sent: the handshake is not done (nothing may be
    /// sent before it) or the session failed.
    func seal(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !failed, isHandshakeDone else { return false }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        ERR_clear_error()
        // A memory BIO takes everything: one SSL_write writes it all, as
        // records of up to 16 KiB.
        let n = SSL_write(ssl, base, Int32(bytes.count))
        guard n == Int32(bytes.count) else {
            failed = true
            ERR_clear_error()
            return false
        }
        return true
    }

    /// Hands the ciphertext waiting for the socket to `send`, in pieces of
    /// at most `scratch`'s size, and forgets it.
    func takeCiphertext(_ send: (UnsafeRawBufferPointer) -> Void) {
        guard pendingCiphertext > 0 else { return }
        withUnsafeTemporaryAllocation(byteCount: 64 * 1024, alignment: 16) { scratch in
            while case let n = BIO_read(writeBIO, scratch.baseAddress, Int32(scratch.count)), n > 0 {
                send(UnsafeRawBufferPointer(rebasing: scratch[..<Int(n)]))
            }
        }
    }

    /// All the ciphertext waiting, in one new buffer the caller owns (for
    /// a write request that outlives this call); nil if there is none.
    func takeCiphertextBuffer() -> UnsafeMutableRawBufferPointer? {
        let count = pendingCiphertext
        guard count > 0 else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        let n = BIO_read(writeBIO, buffer.baseAddress, Int32(count))
        guard n == Int32(count) else {
            buffer.deallocate()
            return nil
        }
        return buffer
    }

    /// Writes close_notify, to go out before our FIN, so the peer can tell
    /// the end of the data from a cut connection. Nothing if the handshake
    /// never finished or the session failed.
    func close() {
        guard !failed, isHandshakeDone else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// The protocol agreed, e.g. "TLSv1.3", for tests and logs.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }
}
