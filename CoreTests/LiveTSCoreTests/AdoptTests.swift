import XCTest
import CLiveTS
import Glibc

// lts_server_adopt: connections another loop accepted, handed to the core
// with the bytes already read from them, then served as if accepted.

/// A plain listener standing in for the host's own HTTP server: it accepts
/// a TestClient's connection and gives the accepted descriptor.
private final class HostListener {
    let fd: Int32
    let port: Int32

    init() {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                precondition(bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0)
            }
        }
        fd = listener
        port = Int32(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }

    /// A connected client and the host's end of its connection.
    func connect() -> (client: TestClient, accepted: Int32) {
        let client = TestClient(port: port)
        return (client, accept(fd, nil, nil))
    }
}

private final class AdoptLog {
    var requests: [String] = []
    var opened: [String] = []
    var joins: [String] = []
}

private func text(_ p: UnsafePointer<CChar>?, _ n: Int) -> String {
    guard let p, n > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
}

private let onRequest: @convention(c) (OpaquePointer?, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { server, request, userdata in
    let r = request!.pointee
    Unmanaged<AdoptLog>.fromOpaque(userdata!).takeUnretainedValue().requests.append(text(r.target, r.target_len))
    _ = lts_respond(server, r.id, 200, nil, 0, "page", 4)
}

private let onOpen: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { _, _, upgrade, userdata in
    let path = upgrade!.pointee.target, length = upgrade!.pointee.target_len
    Unmanaged<AdoptLog>.fromOpaque(userdata!).takeUnretainedValue().opened.append(text(path, length))
}

private let onLiveEvent: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, userdata in
    let e = event!.pointee
    guard e.kind == LTS_EVENT_JOIN else { return }
    Unmanaged<AdoptLog>.fromOpaque(userdata!).takeUnretainedValue().joins.append(text(e.name, e.name_len))
    _ = lts_component_register(server, e.conn, e.component, e.component_len, e.ref, "<b>0</b>", 8)
}

private let upgradeHead = "GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

/// A masked client text frame, as it would follow the head in the same read.
private func clientFrame(_ text: String) -> [UInt8] {
    let payload = Array(text.utf8)
    precondition(payload.count < 126)
    let key: [UInt8] = [9, 8, 7, 6]
    return [0x81, 0x80 | UInt8(payload.count)] + key + payload.enumerated().map { $0.element ^ key[$0.offset & 3] }
}

private func adopt(_ server: OpaquePointer?, _ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { lts_server_adopt(server, fd, $0.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count) }
}

final class AdoptTests: XCTestCase {
    private var server: OpaquePointer?
    private let log = AdoptLog()
    private let host = HostListener()

    private func newServer(_ configure: (inout lts_config) -> Void = { _ in }) {
        var config = lts_config()
        config.ws_path = nil
        configure(&config)
        var callbacks = lts_callbacks()
        callbacks.on_request = onRequest
        callbacks.on_open = onOpen
        callbacks.on_live_event = onLiveEvent
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(log).toOpaque(), &server), LTS_OK)
    }

    override func tearDown() {
        lts_server_free(server)
        server = nil
    }

    private var lastError: String { String(cString: lts_last_error()) }

    func testAnAdoptedUpgradeIsAWebSocketOfTheCoreWithItsEarlyFrames() {
        "/live".withCString { path in newServer { $0.ws_path = path } }
        XCTAssertEqual(lts_server_start_unbound(server), LTS_OK)
        XCTAssertEqual(lts_server_port(server), LTS_ESTATE, "an unbound server has no port")
        XCTAssertTrue(lastError.contains("lts_server_start_unbound"), lastError)
        let (client, accepted) = host.connect()
        // The head and a join the client sent before the 101: one read of the host's.
        XCTAssertEqual(adopt(server, accepted, Array(upgradeHead.utf8) + clientFrame(#"["j",1,"c","tok"]"#)), LTS_OK)
        // The host closes its descriptor at once; the core's duplicate keeps the connection.
        close(accepted)
        let answer = client.readResponse()
        XCTAssertEqual(answer?.status, 101)
        XCTAssertTrue(answer?.head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") ?? false, answer?.head ?? "no answer")
        XCTAssertEqual(client.readText(), #"["r","c",1,1,"<b>0\u003c/b>"]"#)
        client.sendText(#"["j",2,"d","second"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","d",1,2,"#), true, "later frames come straight from the socket")
        XCTAssertEqual(log.opened, ["/live"])
        XCTAssertEqual(log.joins, ["tok", "second"])
        var stats = lts_stats()
        XCTAssertEqual(lts_server_stats(server, &stats), LTS_OK)
        XCTAssertEqual(stats.websockets, 1)
    }

    func testAnAdoptedRequestRunsTheUsualChecks() {
        "/live".withCString { path in newServer { $0.ws_path = path } }
        XCTAssertEqual(lts_server_start_unbound(server), LTS_OK)
        let (foreign, fromForeign) = host.connect()
        let crossOrigin = upgradeHead.replacingOccurrences(of: "Host: 127.0.0.1\r\n", with: "Host: 127.0.0.1\r\nOrigin: http://evil.example\r\n")
        XCTAssertEqual(adopt(server, fromForeign, Array(crossOrigin.utf8)), LTS_OK)
        close(fromForeign)
        XCTAssertEqual(foreign.readResponse()?.status, 403, "the Origin check applies")
        let (page, fromPage) = host.connect()
        XCTAssertEqual(adopt(server, fromPage, Array("GET /counter HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)), LTS_OK)
        close(fromPage)
        XCTAssertEqual(page.readResponse()?.body, "page", "a plain request reaches on_request")
        page.send("GET /again HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(page.readResponse()?.body, "page", "and the connection is kept alive")
        XCTAssertEqual(log.requests, ["/counter", "/again"])
        XCTAssertTrue(log.opened.isEmpty)
    }

    func testTheConnectionCapsCountAdoptedConnections() {
        newServer { $0.max_connections_per_ip = 1 }
        XCTAssertEqual(lts_server_start_unbound(server), LTS_OK)
        let (first, fromFirst) = host.connect()
        XCTAssertEqual(adopt(server, fromFirst, Array(upgradeHead.utf8)), LTS_OK)
        close(fromFirst)
        XCTAssertEqual(first.readResponse()?.status, 101)
        let (second, fromSecond) = host.connect()
        XCTAssertEqual(adopt(server, fromSecond, Array(upgradeHead.utf8)), LTS_OK)
        close(fromSecond)
        XCTAssertEqual(second.readResponse()?.status, 503)
    }

    func testAListeningServerAdoptsToo() {
        newServer()
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        XCTAssertGreaterThan(lts_server_port(server), 0)
        let (client, accepted) = host.connect()
        XCTAssertEqual(adopt(server, accepted, []), LTS_OK, "nothing read yet: the core reads it all")
        close(accepted)
        client.send("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.body, "page")
    }

    func testBadDescriptorsAreRefusedAndLeftToTheCaller() {
        newServer()
        XCTAssertEqual(lts_server_start_unbound(server), LTS_OK)
        let head = Array(upgradeHead.utf8)
        XCTAssertEqual(adopt(server, -1, head), LTS_EINVAL)
        XCTAssertEqual(lastError, "lts_server_adopt: fd -1 is negative (pass the descriptor of a connected TCP socket)")
        let file = open("/dev/null", O_RDONLY)
        XCTAssertEqual(adopt(server, file, head), LTS_EINVAL)
        XCTAssertTrue(lastError.hasSuffix("is not a socket"), lastError)
        close(file)
        XCTAssertEqual(adopt(server, file, head), LTS_EINVAL, "a closed descriptor")
        XCTAssertTrue(lastError.hasSuffix("is not an open descriptor"), lastError)
        let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        XCTAssertEqual(adopt(server, udp, head), LTS_EINVAL)
        XCTAssertTrue(lastError.hasSuffix("is not a TCP socket (IPv4 or IPv6 stream)"), lastError)
        close(udp)
        var pair: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair), 0)
        XCTAssertEqual(adopt(server, pair[0], head), LTS_EINVAL, "a Unix socket")
        close(pair[0])
        close(pair[1])
        XCTAssertEqual(adopt(server, host.fd, head), LTS_EINVAL)
        XCTAssertTrue(lastError.hasSuffix("is a listening socket, not a connection"), lastError)

        let (client, accepted) = host.connect()
        XCTAssertEqual(lts_server_adopt(server, accepted, nil, 5), LTS_EINVAL)
        XCTAssertTrue(lastError.contains("request_len"), lastError)
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 16 * 1024 + 1024 * 1024 + 1)
        XCTAssertEqual(adopt(server, accepted, huge), LTS_ETOOBIG)
        // Refused calls took nothing: the host still owns the connection and answers it.
        _ = "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n".withCString { send(accepted, $0, strlen($0), 0) }
        XCTAssertEqual(client.readResponse()?.status, 418)
        close(accepted)
        XCTAssertEqual(lts_server_adopt(OpaquePointer(bitPattern: 0xdead_beef), -1, nil, 0), LTS_EMISUSE, "the handle is checked first")
    }

    func testAServerNotRunningAdoptsNothing() {
        newServer()
        let (client, accepted) = host.connect()
        defer { close(accepted) }
        let head = Array(upgradeHead.utf8)
        XCTAssertEqual(adopt(server, accepted, head), LTS_ESTATE)
        XCTAssertTrue(lastError.contains("not started"), lastError)
        XCTAssertEqual(lts_server_start_unbound(server), LTS_OK)
        XCTAssertEqual(lts_server_start_unbound(server), LTS_ESTATE)
        XCTAssertEqual(lts_server_start(server), LTS_ESTATE)
        XCTAssertEqual(lts_server_stop(server), LTS_OK)
        XCTAssertEqual(adopt(server, accepted, head), LTS_ESTATE)
        XCTAssertTrue(lastError.contains("stopped"), lastError)
        XCTAssertEqual(lts_server_start_unbound(server), LTS_ESTATE, "a stopped server cannot start again")
        // Nothing was taken: the connection is still the host's alone.
        _ = "HTTP/1.1 204 No Content\r\n\r\n".withCString { send(accepted, $0, strlen($0), 0) }
        XCTAssertEqual(client.readResponse()?.status, 204)
    }
}
