import COpenSSL
import Foundation
import XCTest
@testable import LiveTSNet

/// The server's TLS session against an OpenSSL client, both on memory
/// BIOs: handshake, data both ways, refusals and the close, with no socket.
final class TLSTests: XCTestCase {
    private static var directory = ""

    override class func setUp() {
        directory = NSTemporaryDirectory() + "lts-tls-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        makeCertificate("first")
        makeCertificate("second")
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A self-signed certificate for localhost and its key: `name`.crt and `name`.key.
    private static func makeCertificate(_ name: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).crt", "-days", "1",
                             "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }

    private func path(_ file: String) -> String { "\(TLSTests.directory)/\(file)" }

    private func context(_ name: String = "first") throws -> TLSContext {
        try TLSContext(certificateFile: path("\(name).crt"), keyFile: path("\(name).key"))
    }

    func testHandshakeAgreesOnHTTP11AndCarriesDataBothWays() throws {
        let server = try XCTUnwrap(TLSSession(try context()))
        let client = Client()
        XCTAssertEqual(pump(client, server).outcome, .open)
        XCTAssertTrue(server.isHandshakeDone)
        XCTAssertEqual(client.alpn, "http/1.1")
        XCTAssertEqual(server.protocolVersion, "TLSv1.3")
        XCTAssertEqual(client.peerCommonName, "first")

        client.write(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        XCTAssertEqual(pump(client, server).plaintext, Array("GET / HTTP/1.1\r\n\r\n".utf8))

        // More than one record's worth comes back whole and in order.
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        XCTAssertTrue(big.withUnsafeBytes { server.seal($0) })
        var ciphertext: [UInt8] = []
        server.takeCiphertext { ciphertext += $0 }
        XCTAssertGreaterThan(ciphertext.count, big.count)
        XCTAssertEqual(server.pendingCiphertext, 0)
        client.feed(ciphertext)
        XCTAssertEqual(client.readAll(), big)
    }

    func testCloseSendsCloseNotify() throws {
        let server = try XCTUnwrap(TLSSession(try context()))
        let client = Client()
        _ = pump(client, server)
        server.close()
        var ciphertext: [UInt8] = []
        server.takeCiphertext { ciphertext += $0 }
        client.feed(ciphertext)
        XCTAssertEqual(client.readAll(), [])
        XCTAssertTrue(client.sawCloseNotify)
    }

    func testPeerCloseNotifyEndsTheSession() throws {
        let server = try XCTUnwrap(TLSSession(try context()))
        let client = Client()
        _ = pump(client, server)
        client.shutdown()
        XCTAssertEqual(pump(client, server).outcome, .peerClosed)
    }

    func testNothingIsSentBeforeTheHandshake() throws {
        let server = try XCTUnwrap(TLSSession(try context()))
        XCTAssertFalse(Array("HTTP/1.1 408".utf8).withUnsafeBytes { server.seal($0) })
    }

    func testATLS11ClientIsRefused() throws {
        let server = try XCTUnwrap(TLSSession(try context()))
        let client = Client(maxVersion: TLS1_1_VERSION)
        guard case .failed(let reason, let plainHTTP) = pump(client, server).outcome else {
            return XCTFail("a TLS 1.1 handshake was not refused")
        }
        XCTAssertTrue(reason.contains("unsupported protocol"), reason)
        XCTAssertFalse(plainHTTP)
        XCTAssertFalse(server.isHandshakeDone)
        XCTAssertFalse(Array("x".utf8).withUnsafeBytes { server.seal($0) })
    }

    func testPlainHTTPIsRecognised() throws {
        let server = try XCTUnwrap(TLSSession(try context()))
        let outcome = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { server.receive($0, flush: {}) { _ in true } }
        guard case .failed(_, let plainHTTP) = outcome else { return XCTFail("plain HTTP was taken: \(outcome)") }
        XCTAssertTrue(plainHTTP)
    }

    func testBadFilesAreNamedWithTheReason() throws {
        func message(_ certificate: String, _ key: String) -> String {
            do {
                _ = try TLSContext(certificateFile: certificate, keyFile: key, names: ("cert", "key"))
                return "loaded"
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(message(path("missing.crt"), path("first.key")),
                       "cert \"\(path("missing.crt"))\" cannot be read: No such file or directory")
        XCTAssertTrue(message(path("first.key"), path("first.key")).hasPrefix("cert \"\(path("first.key"))\" is not a PEM certificate chain (OpenSSL: "))
        XCTAssertTrue(message(path("first.crt"), path("first.crt")).hasPrefix("key \"\(path("first.crt"))\" is not an unencrypted PEM private key"))
        let mismatch = message(path("first.crt"), path("second.key"))
        XCTAssertTrue(mismatch.hasPrefix("key \"\(path("second.key"))\" does not belong to the certificate in \"\(path("first.crt"))\""), mismatch)
    }

    func testAReloadThatFailsKeepsTheCertificate() throws {
        let credentials = try TLSCredentials(certificateFile: path("first.crt"), keyFile: path("first.key"), names: ("c", "k"))
        let before = credentials.current
        XCTAssertThrowsError(try credentials.reload((path("missing.crt"), path("second.key")), names: ("c", "k")))
        XCTAssertTrue(credentials.current === before)
        try credentials.reload((path("second.crt"), path("second.key")), names: ("c", "k"))
        let client = Client()
        _ = pump(client, try XCTUnwrap(TLSSession(credentials.current)))
        XCTAssertEqual(client.peerCommonName, "second")
        // A reload naming no files reads the last ones again.
        try credentials.reload(nil, names: ("c", "k"))
        XCTAssertFalse(credentials.current === before)
    }

    /// Moves bytes between the two until neither has any to send.
    private func pump(_ client: Client, _ server: TLSSession) -> (outcome: TLSSession.Outcome, plaintext: [UInt8]) {
        var outcome = TLSSession.Outcome.open
        var plaintext: [UInt8] = []
        for _ in 0..<10 {
            client.step()
            let toServer = client.takeOutput()
            if !toServer.isEmpty {
                outcome = toServer.withUnsafeBytes { server.receive($0, flush: {}) { plaintext += $0; return true } }
            }
            var toClient: [UInt8] = []
            server.takeCiphertext { toClient += $0 }
            if toServer.isEmpty && toClient.isEmpty { break }
            client.feed(toClient)
            if outcome != .open { break }
        }
        return (outcome, plaintext)
    }
}

/// An OpenSSL client on memory BIOs that trusts anything.
private final class Client {
    let context: OpaquePointer
    let ssl: OpaquePointer
    let input: OpaquePointer
    let output: OpaquePointer
    var sawCloseNotify = false

    init(maxVersion: Int32 = 0) {
        context = SSL_CTX_new(TLS_client_method())!
        if maxVersion != 0 {
            // An old protocol needs the lowest security level to be offered at all.
            SSL_CTX_set_security_level(context, 0)
            _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_VERSION), nil)
            _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, Int(maxVersion), nil)
        }
        ssl = SSL_new(context)!
        input = BIO_new(BIO_s_mem())!
        output = BIO_new(BIO_s_mem())!
        _ = BIO_ctrl(input, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nil)
        SSL_set_bio(ssl, input, output)
        SSL_set_connect_state(ssl)
        let protocols: [UInt8] = [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8)
        _ = SSL_set_alpn_protos(ssl, protocols, UInt32(protocols.count))
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func step() { _ = SSL_do_handshake(ssl) }

    func takeOutput() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while case let n = BIO_read(output, &buffer, Int32(buffer.count)), n > 0 { out += buffer[..<Int(n)] }
        return out
    }

    func feed(_ bytes: [UInt8]) {
        if !bytes.isEmpty { _ = BIO_write(input, bytes, Int32(bytes.count)) }
    }

    func write(_ bytes: [UInt8]) { _ = SSL_write(ssl, bytes, Int32(bytes.count)) }

    func shutdown() { _ = SSL_shutdown(ssl) }

    func readAll() -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            if n > 0 {
                out += buffer[..<Int(n)]
                continue
            }
            if SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN { sawCloseNotify = true }
            return out
        }
    }

    var alpn: String {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    var peerCommonName: String {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return "" }
        defer { X509_free(certificate) }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, &buffer, Int32(buffer.count))
        return String(cString: buffer)
    }
}
