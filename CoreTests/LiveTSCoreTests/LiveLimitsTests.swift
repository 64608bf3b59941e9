import Glibc
import XCTest
import CLiveTS

/// A host whose answers the test controls: it records every live event
/// and notice, answers joins at once, and answers events only while
/// `answersEvents` is set (a busy JavaScript thread answers nothing).
final class ControlledHost {
    private let lock = NSLockLike()
    private var _events: [(kind: Int32, conn: UInt64, ref: UInt64, component: String, bytes: Int)] = []
    private var _notices: [(cause: Int32, count: UInt64, detail: String)] = []
    private var _infos = 0
    private var _registerResults: [Int32] = []
    var answersEvents = true
    var joinHTMLBytes = 14

    var events: [(kind: Int32, conn: UInt64, ref: UInt64, component: String, bytes: Int)] { lock.with { _events } }
    var notices: [(cause: Int32, count: UInt64, detail: String)] { lock.with { _notices } }
    var infos: Int { lock.with { _infos } }
    var registerResults: [Int32] { lock.with { _registerResults } }

    fileprivate func record(_ e: lts_live_event) {
        lock.with { _events.append((e.kind, e.conn, e.ref, text(e.component, e.component_len), e.payload_len)) }
    }
    fileprivate func recordNotice(_ n: lts_notice) {
        lock.with { _notices.append((n.cause, n.count, text(n.detail, n.detail_len))) }
    }
    fileprivate func recordInfo() { lock.with { _infos += 1 } }
    fileprivate func recordRegister(_ rc: Int32) { lock.with { _registerResults.append(rc) } }
}

/// A pthread mutex, as Foundation is not a dependency of the tests' module.
final class NSLockLike {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func with<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

private func text(_ p: UnsafePointer<CChar>?, _ n: Int) -> String {
    guard let p, n > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
}

private func host(_ userdata: UnsafeMutableRawPointer?) -> ControlledHost {
    Unmanaged<ControlledHost>.fromOpaque(userdata!).takeUnretainedValue()
}

private let onLiveEvent: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, userdata in
    let h = host(userdata)
    let e = event!.pointee
    h.record(e)
    if e.kind == LTS_EVENT_JOIN {
        let html = String(repeating: "x", count: h.joinHTMLBytes)
        let rc = html.withCString { lts_component_register(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0)) }
        h.recordRegister(rc)
    } else if e.kind == LTS_EVENT_EVENT && h.answersEvents {
        _ = "<i>1</i>".withCString { lts_component_update(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0)) }
    }
}

private let onNotice: @convention(c) (OpaquePointer?, UnsafePointer<lts_notice>?, UnsafeMutableRawPointer?) -> Void = { _, notice, userdata in
    host(userdata).recordNotice(notice!.pointee)
}

private let onInfo: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int,
                                    UnsafePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Void = { _, _, _, _, _, _, _, _, userdata in
    host(userdata).recordInfo()
}

final class LiveLimitsTests: XCTestCase {
    private var server: OpaquePointer?
    private let controlled = ControlledHost()

    private func start(_ configure: (inout lts_config) -> Void = { _ in }) -> Int32 {
        var config = lts_config()
        config.mode = LTS_MODE_LIVETS
        configure(&config)
        var callbacks = lts_callbacks()
        callbacks.on_live_event = onLiveEvent
        callbacks.on_notice = onNotice
        callbacks.on_info = onInfo
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(controlled).toOpaque(), &server), LTS_OK)
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        return lts_server_port(server)
    }

    override func tearDown() {
        lts_server_free(server)
        server = nil
    }

    private func stats() -> lts_stats {
        var stats = lts_stats()
        XCTAssertEqual(lts_server_stats(server, &stats), LTS_OK)
        return stats
    }

    private func refusals(_ cause: Int32) -> UInt64 {
        var s = stats()
        return withUnsafeBytes(of: &s.refusals) { $0.bindMemory(to: UInt64.self)[Int(cause)] }
    }

    private func joined(_ port: Int32, _ component: String = "c") -> TestClient {
        let client = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["j",1,"\#(component)","t"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","\#(component)",1,1,"#), true)
        return client
    }

    /// Waits until `condition` holds or a few seconds pass; no timing is asserted.
    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<300 where !condition() { usleep(10_000) }
        return condition()
    }

    func testRefsAJavaScriptNumberCannotHoldAreRefusedAndTheConnectionGoesOn() {
        let port = start()
        let client = joined(port)
        for _ in 0..<70 {
            client.sendText(#"["e",9007199254740993,"c","inc",{}]"#)
            XCTAssertEqual(client.readText(), #"["x","c",9007199254740993,"ref must be an integer from 1 to 2^53-1"]"#)
        }
        client.sendText(#"["e",0,"c","$clear-flash",{}]"#)
        XCTAssertEqual(client.readText(), #"["x","c",0,"ref must be an integer from 1 to 2^53-1"]"#)
        client.sendText(#"["e",9007199254740991,"c","inc",{}]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["p","c",2,9007199254740991,"#), true)
        XCTAssertEqual(controlled.events.filter { $0.kind == LTS_EVENT_EVENT }.count, 1, "no refused frame reached the host")
    }

    func testARefStillAwaitingItsAnswerIsRefused() {
        let port = start()
        controlled.answersEvents = false
        let client = joined(port)
        client.sendText(#"["e",7,"c","inc",{}]"#)
        client.sendText(#"["e",7,"c","inc",{}]"#)
        XCTAssertEqual(client.readText(), #"["x","c",7,"ref is already awaiting an answer"]"#)
    }

    /// The host answers nothing: what it is handed stays within the
    /// per-connection byte limit however much the client sends.
    func testUnansweredEventsAreBoundedInBytesAndReadingResumesWhenAnswered() {
        let port = start { $0.max_host_queue_bytes = 1 << 20 }
        controlled.answersEvents = false
        let client = joined(port)
        let pad = String(repeating: "a", count: 200_000)
        let sender = Background { for ref in 2..<42 { client.sendText(#"["e",\#(ref),"c","$clear-flash",{"pad":"\#(pad)"}]"#) } }
        XCTAssertTrue(eventually { controlled.events.count >= 6 })
        usleep(300_000)
        let handed = controlled.events.filter { $0.kind == LTS_EVENT_EVENT }
        XCTAssertLessThanOrEqual(handed.reduce(0) { $0 + $1.bytes }, (1 << 20) + 200_100, "at most one message past the limit")
        XCTAssertLessThan(handed.count, 40)
        XCTAssertGreaterThanOrEqual(refusals(LTS_CAUSE_HOST_QUEUE), 1)
        XCTAssertTrue(controlled.notices.contains { $0.cause == LTS_CAUSE_HOST_QUEUE })
        for event in handed {
            _ = "busy".withCString { lts_reply_error(server, event.conn, "c", 1, event.ref, $0, 4) }
        }
        XCTAssertTrue(eventually { controlled.events.filter { $0.kind == LTS_EVENT_EVENT }.count > handed.count },
                      "answers free the backlog and reading resumes")
        shutdown(client.fd, Int32(SHUT_RDWR))
        sender.join()
    }

    func testTheServerWideBacklogPausesEveryConnectionPastIt() {
        let port = start {
            $0.max_host_queue_bytes = 8 << 20
            $0.max_host_queue_bytes_total = 1 << 20
        }
        controlled.answersEvents = false
        let clients = (0..<3).map { _ in joined(port) }
        let pad = String(repeating: "b", count: 150_000)
        let senders = clients.map { client in
            Background { for ref in 2..<20 { client.sendText(#"["e",\#(ref),"c","x",{"pad":"\#(pad)"}]"#) } }
        }
        XCTAssertTrue(eventually { controlled.events.count >= 9 })
        usleep(300_000)
        let bytes = controlled.events.filter { $0.kind == LTS_EVENT_EVENT }.reduce(0) { $0 + $1.bytes }
        XCTAssertLessThanOrEqual(bytes, (1 << 20) + 3 * 150_100, "one message past the limit per connection at most")
        // Closing the sockets unblocks the senders; the server forgets their backlog.
        for client in clients { shutdown(client.fd, Int32(SHUT_RDWR)) }
        senders.forEach { $0.join() }
    }

    func testAJoinOverTheViewCapIsRefusedAndTheConnectionLivesOn() {
        let port = start { $0.max_views_per_connection = 3 }
        let client = joined(port, "v1")
        for (ref, id) in [(2, "v2"), (3, "v3")] {
            client.sendText(#"["j",\#(ref),"\#(id)","t"]"#)
            XCTAssertEqual(client.readText()?.hasPrefix(#"["r","\#(id)",1,\#(ref),"#), true)
        }
        client.sendText(#"["j",4,"v4","t"]"#)
        XCTAssertEqual(client.readText(), #"["x","v4",4,"too many views"]"#)
        client.sendText(#"["j",5,"v1","t"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","v1",1,5,"#), true, "a view already joined may join again")
        client.sendText(#"["l",6,"v2"]"#)
        client.sendText(#"["j",7,"v4","t"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","v4",1,7,"#), true, "a leave frees a place")
        client.sendText(#"["e",8,"v1","inc",{}]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["p","v1",2,8,"#), true)
        XCTAssertEqual(refusals(LTS_CAUSE_VIEWS_PER_CONNECTION), 1)
    }

    func testEventsOverTheRateAreRefusedAndSustainedAbuseCloses1008() {
        let port = start {
            $0.event_rate = 1
            $0.event_burst = 5
        }
        let client = joined(port)
        var answered = 0, limited = 0
        for ref in 2..<12 {
            client.sendText(#"["e",\#(ref),"c","inc",{}]"#)
            let reply = client.readText() ?? ""
            if reply.hasPrefix(#"["p""#) { answered += 1 }
            if reply.hasSuffix(#""rate limited"]"#) { limited += 1 }
        }
        XCTAssertGreaterThanOrEqual(answered, 5)
        XCTAssertGreaterThanOrEqual(limited, 3)
        XCTAssertEqual(answered + limited, 10)
        var closeCode: Int?
        for ref in 12..<40 {
            client.sendText(#"["e",\#(ref),"c","inc",{}]"#)
            guard let frame = client.readFrame() else { break }
            if frame.opcode == 0x8 {
                closeCode = Int(frame.payload[0]) << 8 | Int(frame.payload[1])
                break
            }
        }
        XCTAssertEqual(closeCode, 1008)
        XCTAssertEqual(refusals(LTS_CAUSE_RATE_ABUSE), 1)
        XCTAssertGreaterThanOrEqual(refusals(LTS_CAUSE_EVENT_RATE), UInt64(limited))
    }

    func testJoinsHaveTheirOwnRate() {
        let port = start {
            $0.join_rate = 1
            $0.join_burst = 2
        }
        let client = joined(port, "a")
        client.sendText(#"["j",2,"b","t"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","b",1,2,"#), true)
        client.sendText(#"["j",3,"c","t"]"#)
        XCTAssertEqual(client.readText(), #"["x","c",3,"rate limited"]"#)
        client.sendText(#"["e",4,"a","inc",{}]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["p","a",2,4,"#), true, "events draw on another budget")
        XCTAssertEqual(refusals(LTS_CAUSE_JOIN_RATE), 1)
    }

    /// 40 views on one topic and 40 joins in a burst: each view hears of
    /// them in a few batched diffs, not 40 (1,600 renders in all).
    func testPresenceJoinsReachEachSubscriberInBatches() {
        let port = start { $0.join_burst = 100 }
        let client = joined(port, "v0")
        for i in 1..<40 {
            client.sendText(#"["j",\#(i + 1),"v\#(i)","t"]"#)
            _ = client.readText()
        }
        let conn = controlled.events[0].conn
        for i in 0..<40 {
            let id = "v\(i)"
            XCTAssertEqual(lts_subscribe(server, conn, id, id.utf8.count, "room", 4), LTS_OK)
        }
        for i in 0..<40 {
            let key = "user\(i)"
            XCTAssertEqual(lts_presence_track(server, conn, "room", 4, key, key.utf8.count, nil, 0), LTS_OK)
        }
        XCTAssertTrue(eventually { lts_presence_list_count(server, "room") == 40 })
        usleep(200_000)
        XCTAssertGreaterThanOrEqual(controlled.infos, 40, "every subscriber heard of the joins")
        XCTAssertLessThanOrEqual(controlled.infos, 40 * 4, "in a few batches, not one diff per join")
    }

    func testHTMLOverTheLiveMessageLimitIsRefusedWithETOOBIG() {
        let port = start { $0.max_live_message_bytes = 1000 }
        controlled.joinHTMLBytes = 2000
        let client = TestClient(port: port)
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["j",1,"c","t"]"#)
        XCTAssertTrue(eventually { !controlled.registerResults.isEmpty })
        XCTAssertEqual(controlled.registerResults, [LTS_ETOOBIG])
        XCTAssertTrue(eventually { controlled.notices.contains { $0.cause == LTS_CAUSE_TOO_BIG } })
        XCTAssertTrue(controlled.notices.first { $0.cause == LTS_CAUSE_TOO_BIG }?.detail.contains("max_live_message_bytes") ?? false)
    }

    /// A flood of refused frames is one notice for the host's log, with
    /// every refusal still counted.
    func testAFloodOfBadFramesIsOneNoticeAndEveryOneCounted() {
        let port = start()
        let client = joined(port)
        for _ in 0..<500 {
            client.sendText(#"["e",2,"nope","inc",{}]"#)
            _ = client.readText()
        }
        XCTAssertEqual(refusals(LTS_CAUSE_BAD_MESSAGE), 500)
        let notices = controlled.notices.filter { $0.cause == LTS_CAUSE_BAD_MESSAGE }
        XCTAssertEqual(notices.count, 1)
        XCTAssertEqual(notices.first?.count, 1)
        XCTAssertEqual(String(cString: lts_cause_name(LTS_CAUSE_BAD_MESSAGE)), "bad_message")
        XCTAssertEqual(String(cString: lts_cause_name(99)), "unknown")
    }
}

/// The number of keys present on `topic`, from lts_presence_list.
private func lts_presence_list_count(_ server: OpaquePointer?, _ topic: String) -> Int {
    var json: UnsafeMutablePointer<CChar>?
    var length = 0
    guard lts_presence_list(server, topic, topic.utf8.count, &json, &length) == LTS_OK, let json else { return -1 }
    defer { lts_free(json) }
    let text = Array(String(cString: json).utf8), needle = Array("\"user".utf8)
    guard text.count >= needle.count else { return 0 }
    return (0...(text.count - needle.count)).filter { Array(text[$0..<($0 + needle.count)]) == needle }.count
}

/// A body run on a thread of its own, for a client that must keep sending
/// while the test watches the server.
final class Background {
    private var thread = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping () -> Void) {
        self.body = body
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            let me = Unmanaged<Background>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, box)
    }

    func join() { pthread_join(thread, nil) }
}
