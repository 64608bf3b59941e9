import XCTest
import CLiveTS


/// What the test host's callbacks saw, reached through `userdata`.
final class HostLog {
    var opened: [UInt64] = []
    var requests: [String] = []
    var events: [(kind: Int32, component: String, name: String, payload: String)] = []
    var closes = 0
}

private func text(_ p: UnsafePointer<CChar>?, _ n: Int) -> String {
    guard let p, n > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
}

private let onRequest: @convention(c) (OpaquePointer?, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { server, request, userdata in
    let log = Unmanaged<HostLog>.fromOpaque(userdata!).takeUnretainedValue()
    let r = request!.pointee
    let target = text(r.target, r.target_len)
    log.requests.append(target)
    let body = Array("page \(target)".utf8)
    _ = body.withUnsafeBytes { lts_respond(server, r.id, 200, nil, 0, $0.baseAddress!.assumingMemoryBound(to: CChar.self), body.count) }
}

private let onLiveEvent: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, userdata in
    let log = Unmanaged<HostLog>.fromOpaque(userdata!).takeUnretainedValue()
    let e = event!.pointee
    log.events.append((e.kind, text(e.component, e.component_len), text(e.name, e.name_len), text(e.payload, e.payload_len)))
    let html = e.kind == LTS_EVENT_JOIN ? "<span>0</span>" : "<span>1</span>"
    _ = html.withCString {
        e.kind == LTS_EVENT_JOIN
            ? lts_component_register(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0))
            : lts_component_update(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0))
    }
}

private let onOpen: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { _, conn, _, userdata in
    Unmanaged<HostLog>.fromOpaque(userdata!).takeUnretainedValue().opened.append(conn)
}

private let onClose: @convention(c) (OpaquePointer?, UInt64, Int32, UnsafeMutableRawPointer?) -> Void = { _, _, _, userdata in
    Unmanaged<HostLog>.fromOpaque(userdata!).takeUnretainedValue().closes += 1
}

final class CABITests: XCTestCase {
    private var server: OpaquePointer?
    private let log = HostLog()

    private func startServer() -> Int32 {
        var config = lts_config()
        config.port = 0
        config.mode = LTS_MODE_LIVETS
        var callbacks = lts_callbacks()
        callbacks.on_request = onRequest
        callbacks.on_live_event = onLiveEvent
        callbacks.on_close = onClose
        callbacks.on_open = onOpen
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(log).toOpaque(), &server), LTS_OK)
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        return lts_server_port(server)
    }

    override func tearDown() {
        lts_server_free(server)
        server = nil
    }

    func testVersionAndErrors() {
        XCTAssertEqual(lts_version_number(), LTS_VERSION_NUMBER)
        XCTAssertEqual(String(cString: lts_version_string()), LTS_VERSION_STRING)
        XCTAssertEqual(String(cString: lts_err_name(LTS_EMISUSE)), "LTS_EMISUSE")
        XCTAssertEqual(String(cString: lts_err_name(-999)), "unknown")
        XCTAssertEqual(String(cString: lts_strerror(-999)), "unknown error code")
    }

    func testBadCallsReturnCodesInsteadOfCrashing() {
        var out: OpaquePointer?
        XCTAssertEqual(lts_server_new(nil, nil, nil, &out), LTS_EINVAL)
        XCTAssertNil(out)
        var config = lts_config()
        config.port = 70000
        var callbacks = lts_callbacks()
        XCTAssertEqual(lts_server_new(&config, &callbacks, nil, &out), LTS_EINVAL)
        let bogus = OpaquePointer(bitPattern: 0xdead_beef)
        XCTAssertEqual(lts_server_start(bogus), LTS_EMISUSE)
        XCTAssertEqual(lts_send(bogus, 1, "x", 1), LTS_EMISUSE)
        lts_server_free(nil)
        lts_server_free(bogus)
        var patch: UnsafeMutablePointer<UInt8>?
        XCTAssertEqual(lts_diff(nil, 3, "a", 1, &patch, nil), LTS_EINVAL)
    }

    func testAFreedHandleIsRejected() {
        _ = startServer()
        let freed = server
        lts_server_free(server)
        server = nil
        XCTAssertEqual(lts_server_port(freed), LTS_EMISUSE)
        XCTAssertEqual(lts_publish(freed, "t", 1, "d", 1), LTS_EMISUSE)
        XCTAssertEqual(lts_host_subscribe(freed, "t", 1), LTS_EMISUSE)
    }

    func testMethodsBeforeStartAreStateErrors() {
        var config = lts_config()
        var callbacks = lts_callbacks()
        XCTAssertEqual(lts_server_new(&config, &callbacks, nil, &server), LTS_OK)
        XCTAssertEqual(lts_server_port(server), LTS_ESTATE)
        XCTAssertEqual(lts_send(server, 1, "x", 1), LTS_ESTATE)
        XCTAssertEqual(lts_host_subscribe(server, "t", 1), LTS_ESTATE)
        XCTAssertEqual(lts_host_subscribe(server, "t", 0), LTS_EINVAL, "an empty topic")
        XCTAssertEqual(lts_respond(server, 1, 200, "Bad\r\nInjected", 13, nil, 0), LTS_EPARSE)
    }

    func testPortInUse() {
        let port = startServer()
        var config = lts_config()
        config.port = port
        var callbacks = lts_callbacks()
        var second: OpaquePointer?
        XCTAssertEqual(lts_server_new(&config, &callbacks, nil, &second), LTS_OK)
        XCTAssertEqual(lts_server_start(second), LTS_EADDRINUSE)
        lts_server_free(second)
    }

    func testDiffWithoutAServer() {
        var patch: UnsafeMutablePointer<UInt8>?
        var length = 0
        XCTAssertEqual(lts_diff("<b>1</b>", 8, "<b>2</b>", 8, &patch, &length), LTS_OK)
        let ops = String(decoding: UnsafeBufferPointer(start: patch, count: length), as: UTF8.self)
        lts_free(patch)
        XCTAssertEqual(ops, ##"[[1,[0,0],"#text","2"]]"##)
    }

    func testHTTPRequestReachesTheHostAndGarbageGets400() {
        let port = startServer()
        let garbage = TestClient(port: port)
        garbage.send("this is not http\r\n\r\n")
        XCTAssertEqual(garbage.readResponse()?.status, 400)
        let client = TestClient(port: port)
        client.send("GET /counter?a=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let first = client.readResponse(), second = client.readResponse()
        XCTAssertEqual(first?.status, 200)
        XCTAssertEqual(first?.body, "page /counter?a=1")
        XCTAssertEqual(second?.body, "page /two")
        XCTAssertTrue(first?.head.contains("Date: ") ?? false)
    }

    func testLiveProtocolJoinEventAndRejections() {
        let port = startServer()
        let client = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["e",1,"c1","inc",{}]"#)
        XCTAssertEqual(client.readText(), #"["x","c1",1,"component not joined on this connection"]"#)
        client.sendText(#"["j",2,"c1","tok",{"a":1}]"#)
        XCTAssertEqual(client.readText(), #"["r","c1",1,2,"<span>0\u003c/span>"]"#)
        client.sendText("{not json")
        XCTAssertEqual(client.readText(), #"["x","",0,"message is not a JSON array"]"#)
        client.sendText(#"["e",3,"c1","inc",{"v":"é"}]"#)
        XCTAssertEqual(client.readText(), ##"["p","c1",2,3,[[1,[0,0],"#text","1"]]]"##)
        client.sendText(#"["u",5,"c1","javascript:alert(1)"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["x","",0,"url change is"#), true)
        client.sendText(#"["s",4,"c1"]"#)
        XCTAssertEqual(client.readText(), #"["r","c1",3,4,"<span>1\u003c/span>"]"#)
        client.sendText(#"["u",6,"c1","/counter?page=2"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["p","c1",4,6,"#), true)
        XCTAssertEqual(log.events.map(\.kind), [LTS_EVENT_JOIN, LTS_EVENT_EVENT, LTS_EVENT_URL])
        XCTAssertEqual(log.events[2].name, "/counter?page=2")
        XCTAssertEqual(log.events[0].name, "tok")
        XCTAssertEqual(log.events[0].payload, #"{"a":1}"#)
        XCTAssertEqual(log.events[1].payload, #"{"v":"é"}"#)
    }

    func testBadFramesCloseOnlyTheirConnection() {
        let port = startServer()
        let good = TestClient(port: port), bad = TestClient(port: port)
        XCTAssertEqual(good.upgrade(), 101)
        XCTAssertEqual(bad.upgrade(), 101)
        bad.sendFrame(0x1, [0xFF, 0xFE])
        let close = bad.readFrame()
        XCTAssertEqual(close?.opcode, 0x8)
        XCTAssertEqual(close.map { Int($0.payload[0]) << 8 | Int($0.payload[1]) }, 1007)
        good.sendText(#"["j",1,"c","t"]"#)
        XCTAssertEqual(good.readText()?.hasPrefix(#"["r","c",1,1,"#), true)
    }

    private func stats() -> lts_stats {
        var stats = lts_stats()
        XCTAssertEqual(lts_server_stats(server, &stats), LTS_OK)
        return stats
    }

    func testNoSubscriptionLeaksAfter100000Cycles() {
        let port = startServer()
        let client = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["j",1,"c","t"]"#)
        _ = client.readText()
        let conn = stats().websockets == 1 ? log.opened.last! : 0
        for i in 0..<100_000 {
            let topic = "topic-\(i % 1000)"
            XCTAssertEqual(lts_conn_subscribe(server, conn, topic, topic.utf8.count), LTS_OK)
            XCTAssertEqual(lts_subscribe(server, conn, "c", 1, topic, topic.utf8.count), LTS_OK)
            XCTAssertEqual(lts_conn_unsubscribe(server, conn, topic, topic.utf8.count), LTS_OK)
            XCTAssertEqual(lts_unsubscribe(server, conn, "c", 1, topic, topic.utf8.count), LTS_OK)
        }
        var after = stats()
        XCTAssertEqual(after.subscriptions, 0)
        XCTAssertEqual(after.topics, 0)
        XCTAssertEqual(after.components, 1)
        for i in 0..<500 {
            let topic = "kept-\(i)"
            _ = lts_subscribe(server, conn, "c", 1, topic, topic.utf8.count)
            _ = lts_conn_subscribe(server, conn, topic, topic.utf8.count)
        }
        XCTAssertEqual(stats().subscriptions, 1000)
        client.sendFrame(0x8, [0x03, 0xE8])
        _ = client.readFrame()
        var closed = false
        for _ in 0..<200 where !closed {
            after = stats()
            closed = after.websockets == 0
            if !closed { usleep(10_000) }
        }
        XCTAssertEqual(after.subscriptions, 0, "a closed connection's subscriptions must go with it")
        XCTAssertEqual(after.topics, 0)
        XCTAssertEqual(after.components, 0)
    }

    func testAComponentsSubscriptionsEndWhenItIsUnregisteredOrLeaves() {
        let port = startServer()
        let client = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["j",1,"a","t"]"#)
        _ = client.readText()
        client.sendText(#"["j",2,"b","t"]"#)
        _ = client.readText()
        let conn = log.opened.last!
        for topic in ["x", "y", "z"] {
            XCTAssertEqual(lts_subscribe(server, conn, "a", 1, topic, 1), LTS_OK)
            XCTAssertEqual(lts_subscribe(server, conn, "b", 1, topic, 1), LTS_OK)
        }
        XCTAssertEqual(stats().subscriptions, 6)
        XCTAssertEqual(lts_component_unregister(server, conn, "a", 1), LTS_OK)
        XCTAssertEqual(stats().subscriptions, 3, "unregistering (an unmount) ends the component's subscriptions")
        XCTAssertEqual(lts_subscribe(server, conn, "a", 1, "x", 1), LTS_OK)
        XCTAssertEqual(stats().subscriptions, 3, "an unregistered component cannot subscribe")
        client.sendText(#"["l",3,"b"]"#)
        var after = stats()
        for _ in 0..<200 where after.subscriptions != 0 {
            usleep(10_000)
            after = stats()
        }
        XCTAssertEqual(after.subscriptions, 0, "a leave ends the component's subscriptions")
        XCTAssertEqual(after.topics, 0)
        XCTAssertEqual(after.websockets, 1, "the connection itself stays")
    }

    func testPublishReachesEverySubscribedConnectionOnce() {
        let port = startServer()
        let a = TestClient(port: port), b = TestClient(port: port)
        XCTAssertEqual(a.upgrade(), 101)
        XCTAssertEqual(b.upgrade(), 101)
        _ = stats()
        let conns = log.opened
        XCTAssertEqual(conns.count, 2)
        for conn in conns { XCTAssertEqual(lts_conn_subscribe(server, conn, "news", 4), LTS_OK) }
        XCTAssertEqual(lts_publish(server, "news", 4, "hello", 5), LTS_OK)
        XCTAssertEqual(a.readText(), "hello")
        XCTAssertEqual(b.readText(), "hello")
        var bad: [CChar] = [CChar(bitPattern: 0xFF)]
        XCTAssertEqual(lts_publish(server, "news", 4, &bad, 1), LTS_EPARSE)
    }

    func testStatsV2CountsDiffsAndPubSubTrafficAndFillsOnlyWhatTheCallerKnows() {
        let port = startServer()
        let client = TestClient(port: port), raw = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        XCTAssertEqual(raw.upgrade(), 101)
        client.sendText(#"["j",1,"c1","tok",{}]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","c1""#), true)
        client.sendText(#"["e",2,"c1","inc",{}]"#)
        let patch = client.readText() ?? ""
        XCTAssertTrue(patch.hasPrefix(#"["p","c1",2,2,"#), patch)
        XCTAssertEqual(lts_conn_subscribe(server, log.opened[1], "news", 4), LTS_OK)
        XCTAssertEqual(lts_host_subscribe(server, "news", 4), LTS_OK)
        XCTAssertEqual(lts_publish(server, "news", 4, "hello", 5), LTS_OK)
        XCTAssertEqual(raw.readText(), "hello")

        var full = lts_stats_v2()
        full.size = MemoryLayout<lts_stats_v2>.size
        XCTAssertEqual(lts_server_stats_v2(server, &full), LTS_OK)
        XCTAssertEqual(full.size, MemoryLayout<lts_stats_v2>.size, "size is the caller's, left as it was")
        XCTAssertEqual(full.base.websockets, 2)
        XCTAssertEqual(full.diffs, 1, "the join registers; only the event's update is diffed")
        XCTAssertGreaterThan(full.diff_ns, 0)
        // The patch's operations, as the frame carries them: [[1,[0,0],"#text","1"]].
        XCTAssertEqual(full.patch_bytes, UInt64(##"[[1,[0,0],"#text","1"]]"##.utf8.count))
        XCTAssertEqual(full.publishes, 1)
        XCTAssertEqual(full.deliveries, 2, "the raw connection and the host")
        XCTAssertEqual(full.remote_publishes, 0)

        // An older host's struct, ending before patch_bytes: nothing past it is written.
        var older = lts_stats_v2()
        older.size = MemoryLayout<lts_stats_v2>.offset(of: \lts_stats_v2.patch_bytes)!
        older.patch_bytes = 0xDEAD
        older.publishes = 0xBEEF
        XCTAssertEqual(lts_server_stats_v2(server, &older), LTS_OK)
        XCTAssertEqual(older.diffs, 1)
        XCTAssertEqual(older.patch_bytes, 0xDEAD)
        XCTAssertEqual(older.publishes, 0xBEEF)
        XCTAssertEqual(older.base.websockets, 2)

        var tooSmall = lts_stats_v2()
        tooSmall.size = MemoryLayout<lts_stats_v2>.offset(of: \lts_stats_v2.base)!
        XCTAssertEqual(lts_server_stats_v2(server, &tooSmall), LTS_EINVAL)
        XCTAssertEqual(tooSmall.base.websockets, 0, "a refused call writes nothing")
    }

    func testPingGetsPong() {
        let port = startServer()
        let client = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        client.sendFrame(0x9, Array("hi".utf8))
        let pong = client.readFrame()
        XCTAssertEqual(pong?.opcode, 0xA)
        XCTAssertEqual(pong?.payload, Array("hi".utf8))
    }

    func testWrongWebSocketVersionIs426() {
        let port = startServer()
        let client = TestClient(port: port)
        client.send("GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
        let response = client.readResponse()
        XCTAssertEqual(response?.status, 426)
        XCTAssertTrue(response?.head.contains("Sec-WebSocket-Version: 13") ?? false)
    }
}
