import Glibc
import XCTest
import CLiveTS

/// What the host hears of long-poll sessions, recorded across threads.
private final class PollHost {
    let lock = NSLockLike()
    private var _opened: [(conn: UInt64, target: String)] = []
    private var _closed: [(conn: UInt64, code: Int32)] = []
    var opened: [(conn: UInt64, target: String)] { lock.with { _opened } }
    var closed: [(conn: UInt64, code: Int32)] { lock.with { _closed } }
    func open(_ conn: UInt64, _ target: String) { lock.with { _opened.append((conn, target)) } }
    func close(_ conn: UInt64, _ code: Int32) { lock.with { _closed.append((conn, code)) } }
}

private func pollHost(_ userdata: UnsafeMutableRawPointer?) -> PollHost {
    Unmanaged<PollHost>.fromOpaque(userdata!).takeUnretainedValue()
}

private let onOpen: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { _, conn, request, userdata in
    let r = request!.pointee
    pollHost(userdata).open(conn, String(decoding: UnsafeRawBufferPointer(start: r.target, count: r.target_len), as: UTF8.self))
}

private let onClose: @convention(c) (OpaquePointer?, UInt64, Int32, UnsafeMutableRawPointer?) -> Void = { _, conn, code, userdata in
    pollHost(userdata).close(conn, code)
}

/// Joins are rendered and events answered at once, as a quick host would.
private let onLiveEvent: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, _ in
    let e = event!.pointee
    if e.kind == LTS_EVENT_JOIN {
        _ = "<i>0</i>".withCString { lts_component_register(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0)) }
    } else if e.kind == LTS_EVENT_EVENT {
        _ = "<i>1</i>".withCString { lts_component_update(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0)) }
    }
}

/// Long-poll sessions through the C ABI: the host sees them as
/// connections, and the caps and rate limits of WebSockets hold for them.
final class LongPollLimitsTests: XCTestCase {
    private var server: OpaquePointer?
    private let host = PollHost()

    private func start(_ configure: (inout lts_config) -> Void = { _ in }) -> Int32 {
        var config = lts_config()
        config.mode = LTS_MODE_LIVETS
        "/live".withCString { path in
            config.ws_path = path
            configure(&config)
            var callbacks = lts_callbacks()
            callbacks.on_open = onOpen
            callbacks.on_close = onClose
            callbacks.on_live_event = onLiveEvent
            XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(host).toOpaque(), &server), LTS_OK)
        }
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        return lts_server_port(server)
    }

    override func tearDown() {
        lts_server_free(server)
        server = nil
    }

    private func refusals(_ cause: Int32) -> UInt64 {
        var s = lts_stats()
        XCTAssertEqual(lts_server_stats(server, &s), LTS_OK)
        return withUnsafeBytes(of: &s.refusals) { $0.bindMemory(to: UInt64.self)[Int(cause)] }
    }

    private func exchange(_ client: TestClient, _ method: String, session: String? = nil, body: String = "") -> (status: Int, head: String, body: String)? {
        let header = session.map { "LiveTS-Session: \($0)\r\n" } ?? ""
        client.send("\(method) /live/poll?v=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\(header)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return client.readResponse()
    }

    /// Waits until `condition` holds or a few seconds pass: on_close runs
    /// just after the answers that the close sent.
    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<300 where !condition() { usleep(10_000) }
        return condition()
    }

    private func frames(_ messages: String...) -> String {
        messages.map { "\($0.utf8.count)\n\($0)" }.joined()
    }

    /// The messages of a GET's answer (ASCII here, so lengths are characters).
    private func messages(_ body: String) -> [String] {
        var out: [String] = []
        var rest = Substring(body)
        while let newline = rest.firstIndex(of: "\n"), let length = Int(rest[..<newline]) {
            let start = rest.index(after: newline)
            let end = rest.index(start, offsetBy: length)
            out.append(String(rest[start..<end]))
            rest = rest[end...]
        }
        return out
    }

    func testASessionIsAConnectionToTheHostAndLtsSendAndCloseReachIt() {
        let port = start()
        let client = TestClient(port: port)
        let opened = exchange(client, "POST")
        XCTAssertEqual(opened?.status, 200)
        let session = opened!.body
        let conn = UInt64(session.split(separator: ".")[0])!
        XCTAssertEqual(host.opened.map(\.conn), [conn])
        XCTAssertEqual(host.opened.first?.target, "/live/poll?v=1", "on_open has the request that opened the session")
        XCTAssertEqual("hello\nworld".withCString { lts_send(server, conn, $0, 11) }, LTS_OK)
        XCTAssertEqual("again".withCString { lts_send(server, conn, $0, 5) }, LTS_OK)
        let poll = exchange(client, "GET", session: session)
        XCTAssertEqual(poll?.status, 200)
        XCTAssertEqual(messages(poll!.body), ["hello\nworld", "again"], "messages sent together come in one answer")
        // A GET held when the host closes the session gets 410; on_close has the code.
        let held = TestClient(port: port)
        held.send("GET /live/poll HTTP/1.1\r\nHost: 127.0.0.1\r\nLiveTS-Session: \(session)\r\n\r\n")
        usleep(100_000)
        XCTAssertEqual("bye".withCString { lts_close(server, conn, 4000, $0, 3) }, LTS_OK)
        XCTAssertEqual(held.readResponse()?.status, 410)
        XCTAssertTrue(eventually { host.closed.map(\.code) == [4000] })
        XCTAssertEqual(exchange(client, "POST", session: session, body: frames("[\"l\",1,\"c\"]"))?.status, 410)
    }

    func testEventsOverTheRateAreRefusedAndSustainedAbuseEndsTheSession() {
        let port = start {
            $0.event_rate = 1
            $0.event_burst = 5
        }
        let client = TestClient(port: port)
        let session = exchange(client, "POST")!.body
        XCTAssertEqual(exchange(client, "POST", session: session, body: frames(#"["j",1,"c","t"]"#))?.status, 204)
        XCTAssertEqual(messages(exchange(client, "GET", session: session)!.body).first?.hasPrefix(#"["r","c",1,1,"#), true)
        // Ten events in one POST: the bucket lets five through, the rest are refused.
        let events = (2..<12).map { #"["e",\#($0),"c","inc",{}]"# }
        XCTAssertEqual(exchange(client, "POST", session: session, body: events.map { "\($0.utf8.count)\n\($0)" }.joined())?.status, 204)
        // Answers the host gives later come in later GETs.
        var replies: [String] = []
        for _ in 0..<20 where replies.count < 10 {
            replies += messages(exchange(client, "GET", session: session)?.body ?? "")
        }
        XCTAssertEqual(replies.count, 10)
        XCTAssertGreaterThanOrEqual(replies.filter { $0.hasPrefix(#"["p""#) }.count, 5)
        XCTAssertGreaterThanOrEqual(replies.filter { $0.hasSuffix(#""rate limited"]"#) }.count, 3)
        let flood = (12..<40).map { #"["e",\#($0),"c","inc",{}]"# }.map { "\($0.utf8.count)\n\($0)" }.joined()
        XCTAssertEqual(exchange(client, "POST", session: session, body: flood)?.status, 410, "the session ended while its POST was read")
        XCTAssertTrue(eventually { host.closed.map(\.code) == [1008] })
        XCTAssertEqual(refusals(LTS_CAUSE_RATE_ABUSE), 1)
        XCTAssertEqual(exchange(client, "GET", session: session)?.status, 410)
    }

    func testSessionsCountAgainstTheAddressCapBesideTheirConnections() {
        let port = start { $0.max_connections_per_ip = 3 }
        let client = TestClient(port: port)
        XCTAssertEqual(exchange(client, "POST")?.status, 200)
        let second = exchange(client, "POST")
        XCTAssertEqual(second?.status, 200)
        let refused = exchange(client, "POST")
        XCTAssertEqual(refused?.status, 503, "one connection and two sessions are the address's three")
        XCTAssertEqual(refused?.head.contains("Retry-After: 5"), true)
        XCTAssertEqual(refusals(LTS_CAUSE_CONNECTIONS_PER_IP), 1)
        // A session that ends gives its place back.
        XCTAssertEqual(exchange(client, "DELETE", session: second!.body)?.status, 204)
        XCTAssertTrue(eventually { host.closed.map(\.code) == [1000] })
        XCTAssertEqual(exchange(client, "POST")?.status, 200)
    }

    func testBadSessionsFramesAndSizesAreRefusedWithTheirStatus() {
        let port = start { $0.max_message_bytes = 64 }
        let client = TestClient(port: port)
        let session = exchange(client, "POST")!.body
        let id = session.split(separator: ".")[0]
        XCTAssertEqual(exchange(client, "GET", session: "\(id).\(String(repeating: "0", count: 32))")?.status, 403)
        XCTAssertEqual(exchange(client, "GET", session: "999.\(String(repeating: "0", count: 32))")?.status, 410)
        XCTAssertEqual(exchange(client, "GET", session: "nonsense")?.status, 400)
        XCTAssertEqual(refusals(LTS_CAUSE_LONG_POLL), 3)
        XCTAssertEqual(exchange(client, "POST", session: session, body: "9\nshort")?.status, 400)
        XCTAssertEqual(refusals(LTS_CAUSE_BAD_MESSAGE), 1)
        XCTAssertEqual(exchange(client, "POST", session: session, body: frames(String(repeating: "x", count: 65)))?.status, 413)
        XCTAssertEqual(refusals(LTS_CAUSE_TOO_BIG), 1)
        XCTAssertEqual(exchange(client, "PUT", session: session)?.status, 405)
        XCTAssertEqual(String(cString: lts_cause_name(LTS_CAUSE_LONG_POLL)), "long_poll")
        XCTAssertEqual(host.closed.count, 0, "refused requests leave the session open")
    }

    func testDisabledTheEndpointIsAnOrdinaryPath() {
        let port = start { $0.disable_long_polling = 1 }
        let client = TestClient(port: port)
        XCTAssertEqual(exchange(client, "POST")?.status, 404)
        XCTAssertEqual(host.opened.count, 0)
    }
}
