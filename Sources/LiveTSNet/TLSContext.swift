import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// A certificate and key that could not be used: the sentence names the
/// file and gives OpenSSL's reason.
public struct TLSError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// One OpenSSL server context (SSL_CTX): the certificate chain and key of
/// a server and how it negotiates. Built on any thread; after that only
/// read (SSL_new takes a reference of its own), so sessions on the loop
/// thread may outlive the context that made them.
public final class TLSContext {
    let context: OpaquePointer

    /// Mozilla's "intermediate" TLS 1.2 suites (forward secrecy, AEAD only);
    /// TLS 1.3 keeps OpenSSL's own three, which are the same list's.
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"

    /// The ALPN protocol list offered back to clients: HTTP/1.1 only, as
    /// length-prefixed names.
    static let alpn: [UInt8] = [8] + Array("http/1.1".utf8)

    /// Loads `certificateFile` (PEM: the certificate, then any intermediates)
    /// and `keyFile` (PEM, unencrypted). `names` are the settings that
    /// gave the paths, as messages call them ("lts_config.tls_cert_file").
    public init(certificateFile: String, keyFile: String,
                names: (certificate: String, key: String) = ("certificate", "key")) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError(message: "TLS: OpenSSL could not create a context (\(TLSContext.openSSLReason()))")
        }
        self.context = context
        // Old protocols are refused in the handshake (a TLS 1.1 client gets
        // "protocol version"); renegotiation a client starts costs the
        // server a handshake each time, so it is refused too.
        _ = lts_ssl_ctx_set_min_proto_version(context, TLS1_2_VERSION)
        lts_ssl_ctx_refuse_renegotiation_and_compression(context)
        // An idle connection gives its record buffers back: 10,000 open
        // WebSockets would otherwise hold ~34 KiB each.
        _ = lts_ssl_ctx_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS))
        _ = lts_ssl_ctx_set_dh_auto(context)
        guard SSL_CTX_set_cipher_list(context, TLSContext.tls12Ciphers) == 1 else {
            throw TLSError(message: "TLS: OpenSSL refused the cipher list (\(TLSContext.openSSLReason()))")
        }
        // An encrypted key would make OpenSSL ask for a passphrase on the
        // terminal, from the loop thread: fail instead.
        SSL_CTX_set_default_passwd_cb(context) { _, _, _, _ in 0 }
        SSL_CTX_set_alpn_select_cb(context, TLSContext.selectALPN, nil)

        try TLSContext.checkReadable(certificateFile, names.certificate)
        try TLSContext.checkReadable(keyFile, names.key)
        guard SSL_CTX_use_certificate_chain_file(context, certificateFile) == 1 else {
            throw TLSError(message: "\(names.certificate) \(quoted(certificateFile)) is not a PEM certificate chain (OpenSSL: \(TLSContext.openSSLReason()))")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyFile, SSL_FILETYPE_PEM) == 1 else {
            let reason = TLSContext.openSSLReason()
            // OpenSSL checks the key against the certificate as it loads it.
            if reason.contains("key values mismatch") {
                throw TLSError(message: "\(names.key) \(quoted(keyFile)) does not belong to the certificate in \(quoted(certificateFile)) (OpenSSL: \(reason))")
            }
            throw TLSError(message: "\(names.key) \(quoted(keyFile)) is not an unencrypted PEM private key (OpenSSL: \(reason))")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError(message: "\(names.key) \(quoted(keyFile)) does not belong to the certificate in \(quoted(certificateFile)) (OpenSSL: \(TLSContext.openSSLReason()))")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// A missing or unreadable file is said in the system's words, which
    /// are clearer than OpenSSL's "system lib".
    private static func checkReadable(_ path: String, _ name: String) throws(TLSError) {
        guard !path.isEmpty else { throw TLSError(message: "\(name) is an empty path (a PEM file is needed)") }
        guard let file = fopen(path, "r") else {
            let reason = String(cString: strerror(errno))
            throw TLSError(message: "\(name) \(quoted(path)) cannot be read: \(reason)")
        }
        fclose(file)
    }

    /// The reasons on this thread's OpenSSL error queue, oldest first, and
    /// the queue emptied.
    static func openSSLReason() -> String {
        var reasons: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            if let text = ERR_reason_error_string(code) {
                reasons.append(String(cString: text))
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                reasons.append(String(cString: buffer))
            }
        }
        return reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")
    }

    /// Agrees on http/1.1 when the client offers it; a client offering
    /// only others (h2) gets no ALPN answer and may still speak HTTP/1.1.
    private static let selectALPN: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                                                   UnsafeMutablePointer<UInt8>?, UnsafePointer<UInt8>?, UInt32,
                                                   UnsafeMutableRawPointer?) -> Int32 = { _, out, outLength, offered, offeredLength, _ in
        guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
        var selected: UnsafeMutablePointer<UInt8>?
        let rc = SSL_select_next_proto(&selected, outLength, alpnList.baseAddress, UInt32(alpnList.count), offered, offeredLength)
        guard rc == OPENSSL_NPN_NEGOTIATED, let selected else { return SSL_TLSEXT_ERR_NOACK }
        out.pointee = UnsafePointer(selected)
        return SSL_TLSEXT_ERR_OK
    }

    /// SSL_select_next_proto may point into our list, so it must outlive
    /// every handshake: a global array, never freed.
    private static let alpnList: UnsafeBufferPointer<UInt8> = {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: alpn.count)
        _ = storage.initialize(from: alpn)
        return UnsafeBufferPointer(storage)
    }()
}

private func quoted(_ text: String) -> String {
    "\"" + (text.count > 200 ? String(text.prefix(200)) + "…" : text) + "\""
}
