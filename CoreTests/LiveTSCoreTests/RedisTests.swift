import XCTest
import CLiveTS
import Glibc

/// What one node's host saw, written on its loop thread, read by the test.
private final class NodeLog {
    private var lock = pthread_mutex_t()
    private var _opened: [UInt64] = []
    private var _infos: [String] = []
    private var _hostInfos: [String] = []
    init() { pthread_mutex_init(&lock, nil) }
    private func locked<T>(_ body: () -> T) -> T { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return body() }
    func open(_ conn: UInt64) { locked { _opened.append(conn) } }
    func info(_ data: String) { locked { _infos.append(data) } }
    func hostInfo(_ data: String) { locked { _hostInfos.append(data) } }
    var opened: [UInt64] { locked { _opened } }
    var infos: [String] { locked { _infos } }
    var hostInfos: [String] { locked { _hostInfos } }
}

private func bytesText(_ p: UnsafePointer<CChar>?, _ n: Int) -> String {
    guard let p, n > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
}

private let nodeOpen: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { _, conn, _, userdata in
    Unmanaged<NodeLog>.fromOpaque(userdata!).takeUnretainedValue().open(conn)
}

private let nodeLiveEvent: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, _ in
    let e = event!.pointee
    guard e.kind == LTS_EVENT_JOIN else { return }
    _ = lts_component_register(server, e.conn, e.component, e.component_len, e.ref, "<b>0</b>", 8)
}

private let nodeInfo: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<CChar>?, Int, UnsafePointer<CChar>?, Int,
                                      UnsafePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Void = { _, conn, _, componentLength, _, _, data, length, userdata in
    let log = Unmanaged<NodeLog>.fromOpaque(userdata!).takeUnretainedValue()
    if conn == 0 {
        XCTAssertEqual(componentLength, 0, "a host subscription names no component")
        log.hostInfo(bytesText(data, length))
    } else {
        log.info(bytesText(data, length))
    }
}

/// A redis-server of our own on a free loopback port.
private final class RedisProcess {
    static let path: String? = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first { (p: String) in access(p, X_OK) == 0 }
    let port: Int32
    private var pid: pid_t = 0

    /// Extra redis-server arguments, e.g. ["--requirepass", "x"].
    var arguments: [String] = []

    init(port: Int32) { self.port = port }

    static func freePort() -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
                _ = bind(fd, p, length)
                return getsockname(fd, p, &length)
            }
        }
        return Int32(UInt16(bigEndian: address.sin_port))
    }

    func start() -> Bool {
        guard let path = RedisProcess.path else { return false }
        let args = [path, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Neither output is inherited: a test process that crashes must not
        // leave swift test waiting for EOF on a pipe redis-server holds open.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, path, &actions, nil, &argv, environ) == 0 else { return false }
        return waitUntil(seconds: 5) { RedisProcess.canConnect(self.port) }
    }

    func kill() {
        guard pid > 0 else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    /// A socket connected to `port` on loopback, or -1.
    static func connectLoopback(_ port: Int32) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc == 0 { return fd }
        close(fd)
        return -1
    }

    static func canConnect(_ port: Int32) -> Bool {
        let fd = connectLoopback(port)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }

    /// Sends one command in RESP and waits for its reply, as another node would.
    func command(_ args: [String], password: String? = nil) {
        let fd = RedisProcess.connectLoopback(port)
        guard fd >= 0 else { return XCTFail("redis-server on \(port) refused a connection") }
        defer { close(fd) }
        var resp = ""
        for command in (password.map { [["AUTH", $0]] } ?? []) + [args] {
            resp += "*\(command.count)\r\n"
            for arg in command { resp += "$\(arg.utf8.count)\r\n\(arg)\r\n" }
        }
        let bytes = Array(resp.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }
        var reply = [UInt8](repeating: 0, count: 64)
        _ = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 64, 0) }
    }
}

/// Polls `condition` every 20 ms for at most `seconds`.
@discardableResult
private func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Int(seconds * 50)
    for _ in 0..<deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

final class RedisTests: XCTestCase {
    private var redis: RedisProcess!
    private var servers: [OpaquePointer?] = []
    private var logs: [NodeLog] = []

    override func setUpWithError() throws {
        guard RedisProcess.path != nil else {
            throw XCTSkip("redis-server is not installed (scripts/bootstrap installs it); skipping the Redis bridge tests")
        }
        redis = RedisProcess(port: RedisProcess.freePort())
        XCTAssertTrue(redis.start(), "redis-server did not start")
    }

    override func tearDown() {
        for server in servers { lts_server_free(server) }
        servers = []
        redis?.kill()
    }

    /// A node on the test Redis, in LiveTS mode so components and raw
    /// connection subscribers can both be tested.
    private func startNode(redisURL: String? = nil) -> (server: OpaquePointer?, port: Int32, log: NodeLog) {
        let log = NodeLog()
        logs.append(log)
        let url = redisURL ?? "redis://127.0.0.1:\(redis.port)"
        var server: OpaquePointer?
        url.withCString { urlPointer in
            var config = lts_config()
            config.mode = LTS_MODE_LIVETS
            config.redis_url = urlPointer
            var callbacks = lts_callbacks()
            callbacks.on_open = nodeOpen
            callbacks.on_live_event = nodeLiveEvent
            callbacks.on_info = nodeInfo
            XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(log).toOpaque(), &server), LTS_OK)
        }
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        servers.append(server)
        return (server, lts_server_port(server), log)
    }

    private func stats(_ server: OpaquePointer?) -> lts_stats {
        var out = lts_stats()
        XCTAssertEqual(lts_server_stats(server, &out), LTS_OK)
        return out
    }

    private func waitConnected(_ nodes: [OpaquePointer?], _ connected: UInt64 = 1, seconds: Double = 10) -> Bool {
        waitUntil(seconds: seconds) { nodes.allSatisfy { stats($0).redis_connected == connected } }
    }

    /// A WebSocket on `port` subscribed to `topic`, with the connection id the server gave it.
    private func subscriber(_ node: (server: OpaquePointer?, port: Int32, log: NodeLog), _ topic: String) -> (TestClient, UInt64) {
        let before = node.log.opened.count
        let client = TestClient(port: node.port)
        XCTAssertEqual(client.upgrade(), 101)
        XCTAssertTrue(waitUntil(seconds: 2) { node.log.opened.count > before })
        let conn = node.log.opened.last!
        XCTAssertEqual(lts_conn_subscribe(node.server, conn, topic, topic.utf8.count), LTS_OK)
        _ = stats(node.server) // the subscription is queued before this read
        return (client, conn)
    }

    private func publish(_ server: OpaquePointer?, _ topic: String, _ data: String) {
        XCTAssertEqual(lts_publish(server, topic, topic.utf8.count, data, data.utf8.count), LTS_OK)
    }

    func testPublishReachesTheOtherNodeExactlyOnce() {
        let a = startNode(), b = startNode()
        XCTAssertTrue(waitConnected([a.server, b.server]), "both nodes connect to Redis")
        let (localClient, _) = subscriber(a, "news")
        let (remoteClient, _) = subscriber(b, "news")
        // A component subscriber on the other node gets on_info.
        let component = TestClient(port: b.port)
        XCTAssertEqual(component.upgrade(), 101)
        component.sendText(#"["j",1,"c1","tok"]"#)
        XCTAssertEqual(component.readText()?.hasPrefix(#"["r","c1""#), true)
        XCTAssertEqual(lts_subscribe(b.server, b.log.opened.last!, "c1", 2, "news", 4), LTS_OK)
        _ = stats(b.server)

        publish(a.server, "news", "hello")
        publish(a.server, "news", "marker")
        XCTAssertEqual(localClient.readText(), "hello")
        XCTAssertEqual(localClient.readText(), "marker", "a local subscriber gets a publish once, not again from Redis")
        XCTAssertEqual(remoteClient.readText(), "hello")
        XCTAssertEqual(remoteClient.readText(), "marker", "a remote subscriber gets a publish once")
        XCTAssertTrue(waitUntil(seconds: 2) { b.log.infos == ["hello", "marker"] }, "on_info on the other node: \(b.log.infos)")
        XCTAssertEqual(a.log.infos, [])
        XCTAssertEqual(stats(a.server).redis_dropped_publishes, 0)
    }

    func testHostSubscriptionsHearEveryNodeOnceUntilUnsubscribed() {
        let a = startNode(), b = startNode()
        XCTAssertTrue(waitConnected([a.server, b.server]))
        for node in [a.server, b.server] {
            XCTAssertEqual(lts_host_subscribe(node, "state", 5), LTS_OK)
            XCTAssertEqual(lts_host_subscribe(node, "marker", 6), LTS_OK)
            _ = stats(node)
        }
        publish(a.server, "state", "one")
        XCTAssertTrue(waitUntil(seconds: 2) { b.log.hostInfos == ["one"] }, "the other node's host: \(b.log.hostInfos)")
        XCTAssertEqual(a.log.hostInfos, ["one"], "the publishing node's host hears it once, not again from Redis")

        XCTAssertEqual(lts_host_unsubscribe(b.server, "state", 5), LTS_OK)
        _ = stats(b.server)
        publish(a.server, "state", "two")
        publish(a.server, "marker", "end")
        XCTAssertTrue(waitUntil(seconds: 2) { b.log.hostInfos == ["one", "end"] }, "unsubscribed from state only: \(b.log.hostInfos)")
        XCTAssertEqual(a.log.hostInfos, ["one", "two", "end"])
        XCTAssertEqual(a.log.infos + b.log.infos, [], "no component was subscribed")
    }

    func testLocalDeliverySurvivesARedisOutageAndCrossNodeDeliveryResumes() {
        let a = startNode(), b = startNode()
        XCTAssertTrue(waitConnected([a.server, b.server]))
        let (localClient, _) = subscriber(a, "t")
        let (remoteClient, _) = subscriber(b, "t")
        XCTAssertEqual(lts_host_subscribe(a.server, "lts:redis", 9), LTS_OK)
        XCTAssertTrue(waitUntil(seconds: 2) { a.log.hostInfos == [#"{"connected":true,"reconnects":0}"#] },
                      "a new subscriber hears the link's state at once: \(a.log.hostInfos)")

        redis.kill()
        XCTAssertTrue(waitConnected([a.server, b.server], 0, seconds: 5), "redis_connected drops to 0")
        XCTAssertTrue(waitUntil(seconds: 2) { a.log.hostInfos.dropFirst().first?.hasPrefix(#"{"connected":false,"reconnects":0,"error":""#) == true },
                      "the host hears the link go down, and why: \(a.log.hostInfos)")
        publish(a.server, "t", "during outage")
        XCTAssertEqual(localClient.readText(), "during outage", "local delivery keeps working without Redis")
        XCTAssertEqual(stats(a.server).redis_dropped_publishes, 1)

        XCTAssertTrue(redis.start(), "redis-server restarts on the same port")
        XCTAssertTrue(waitConnected([a.server, b.server], seconds: 12), "both nodes reconnect within the backoff cap")
        XCTAssertEqual(stats(a.server).redis_reconnects, 1)
        XCTAssertTrue(waitUntil(seconds: 2) { a.log.hostInfos.last == #"{"connected":true,"reconnects":1}"# },
                      "the host hears the link come back, to re-sync what it keeps: \(a.log.hostInfos)")
        let downs = a.log.hostInfos.dropFirst().dropLast()
        XCTAssertTrue(downs.allSatisfy { $0.hasPrefix(#"{"connected":false,"reconnects":0,"error":""#) }, "\(downs)")
        XCTAssertEqual(downs.count, Set(downs).count, "each reason is said once, not once per failed attempt: \(downs)")
        XCTAssertLessThanOrEqual(downs.count, 3, "\(downs)")
        publish(a.server, "t", "after outage")
        XCTAssertEqual(remoteClient.readText(), "after outage", "cross-node delivery resumes, and the outage message is not replayed")
        XCTAssertEqual(localClient.readText(), "after outage")
    }

    func testAPasswordInTheURLIsSentWithAUTHAndARefusalIsReportedAndRetried() throws {
        redis.kill()
        redis.arguments = ["--requirepass", "s3cret/pw"]
        XCTAssertTrue(redis.start())
        let url = "redis://127.0.0.1:\(redis.port)"
        let a = startNode(redisURL: "redis://:s3cret%2Fpw@127.0.0.1:\(redis.port)")
        let b = startNode(redisURL: "redis://default:s3cret%2fpw@127.0.0.1:\(redis.port)/0")
        let wrong = startNode(redisURL: "redis://:nope@127.0.0.1:\(redis.port)")
        let none = startNode(redisURL: url)
        for node in [wrong, none] {
            XCTAssertEqual(lts_host_subscribe(node.server, "lts:redis", 9), LTS_OK)
        }
        XCTAssertTrue(waitConnected([a.server, b.server]), "AUTH with the password, with and without a user name")
        let (remoteClient, _) = subscriber(b, "t")
        publish(a.server, "t", "authenticated")
        XCTAssertEqual(remoteClient.readText(), "authenticated")

        // Refused links never come up, say why once, and keep retrying.
        XCTAssertTrue(waitUntil(seconds: 5) { wrong.log.hostInfos.count == 1 && none.log.hostInfos.count == 1 },
                      "\(wrong.log.hostInfos) \(none.log.hostInfos)")
        let refusal = #"{"connected":false,"reconnects":0,"error":"#
        XCTAssertTrue(wrong.log.hostInfos.first?.hasPrefix(refusal + #""WRONGPASS"#) == true, "\(wrong.log.hostInfos)")
        XCTAssertTrue(none.log.hostInfos.first?.hasPrefix(refusal + #""NOAUTH"#) == true, "\(none.log.hostInfos)")
        // Subscribing after the refusal still tells why: the state is retained.
        let (late, _) = subscriber(wrong, "lts:redis")
        XCTAssertEqual(late.readText(), wrong.log.hostInfos.first)
        usleep(1_000_000)
        XCTAssertEqual(stats(wrong.server).redis_connected, 0)
        XCTAssertEqual(stats(none.server).redis_connected, 0)
        XCTAssertEqual(wrong.log.hostInfos.count + none.log.hostInfos.count, 2, "the same reason is not repeated per attempt")

        // The password changes to the one the refused node has: it gets in on a retry.
        redis.command(["CONFIG", "SET", "requirepass", "nope"], password: "s3cret/pw")
        XCTAssertTrue(waitConnected([wrong.server], seconds: 8), "a refused node retries with backoff")
        XCTAssertEqual(wrong.log.hostInfos.last, #"{"connected":true,"reconnects":0}"#)
    }

    func testARefusedConnectionIsReportedWithItsReason() {
        // Nothing listens there: the socket's own error is the reason, not the connect deadline.
        let node = startNode(redisURL: "redis://127.0.0.1:\(RedisProcess.freePort())")
        XCTAssertEqual(lts_host_subscribe(node.server, "lts:redis", 9), LTS_OK)
        XCTAssertTrue(waitUntil(seconds: 5) { !node.log.hostInfos.isEmpty })
        XCTAssertEqual(node.log.hostInfos.first, #"{"connected":false,"reconnects":0,"error":"Connection refused"}"#)
        XCTAssertEqual(stats(node.server).redis_connected, 0)
    }

    private func presenceList(_ server: OpaquePointer?, _ topic: String) -> String? {
        var out: UnsafeMutablePointer<CChar>?
        var length = 0
        guard lts_presence_list(server, topic, topic.utf8.count, &out, &length) == LTS_OK else { return nil }
        defer { lts_free(out) }
        return bytesText(out, length)
    }

    func testPresenceIsSharedAndAStoppedNodesEntriesLeave() {
        let a = startNode(), b = startNode()
        XCTAssertTrue(waitConnected([a.server, b.server]))
        let (clientA, connA) = subscriber(a, "room")
        let (clientB, connB) = subscriber(b, "room")

        XCTAssertEqual(lts_presence_track(a.server, connA, "room", 4, "alice", 5, #"{"n":1}"#, 7), LTS_OK)
        let aliceJoins = #"{"presence_diff":{"joins":{"alice":[{"n":1}]},"leaves":{}}}"#
        XCTAssertEqual(clientA.readText(), aliceJoins)
        XCTAssertEqual(clientB.readText(), aliceJoins)

        XCTAssertEqual(lts_presence_track(b.server, connB, "room", 4, "bob", 3, #"{"n":2}"#, 7), LTS_OK)
        let bobJoins = #"{"presence_diff":{"joins":{"bob":[{"n":2}]},"leaves":{}}}"#
        XCTAssertEqual(clientB.readText(), bobJoins)
        XCTAssertEqual(clientA.readText(), bobJoins)
        let both = #"{"alice":[{"n":1}],"bob":[{"n":2}]}"#
        XCTAssertEqual(presenceList(a.server, "room"), both)
        XCTAssertEqual(presenceList(b.server, "room"), both)

        XCTAssertEqual(lts_presence_untrack(a.server, connA, "room", 4, "alice", 5), LTS_OK)
        let aliceLeaves = #"{"presence_diff":{"joins":{},"leaves":{"alice":[{"n":1}]}}}"#
        XCTAssertEqual(clientA.readText(), aliceLeaves)
        XCTAssertEqual(clientB.readText(), aliceLeaves)

        // A stopping node says goodbye; its entries leave at once (at the
        // latest after the documented 4.5 s silence plus one 1.5 s sweep).
        var started = timespec()
        clock_gettime(CLOCK_MONOTONIC, &started)
        XCTAssertEqual(lts_server_stop(b.server), LTS_OK)
        XCTAssertEqual(clientA.readText(), #"{"presence_diff":{"joins":{},"leaves":{"bob":[{"n":2}]}}}"#)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        XCTAssertLessThan(now.tv_sec - started.tv_sec, 7)
        XCTAssertEqual(presenceList(a.server, "room"), "{}")
    }

    func testAClosedConnectionsPresenceLeavesOnEveryNode() {
        let a = startNode(), b = startNode()
        XCTAssertTrue(waitConnected([a.server, b.server]))
        let (clientA, _) = subscriber(a, "room")
        let (clientB, connB) = subscriber(b, "room")
        _ = clientA
        let tracked = TestClient(port: b.port)
        XCTAssertEqual(tracked.upgrade(), 101)
        XCTAssertTrue(waitUntil(seconds: 2) { b.log.opened.count == 2 })
        let trackedConn = b.log.opened.last!
        XCTAssertNotEqual(trackedConn, connB)
        XCTAssertEqual(lts_presence_track(b.server, trackedConn, "room", 4, "carol", 5, nil, 0), LTS_OK)
        XCTAssertEqual(clientA.readText(), #"{"presence_diff":{"joins":{"carol":[{}]},"leaves":{}}}"#)
        XCTAssertEqual(clientB.readText(), #"{"presence_diff":{"joins":{"carol":[{}]},"leaves":{}}}"#)
        tracked.sendFrame(0x8, [0x03, 0xE8])
        let leaves = #"{"presence_diff":{"joins":{},"leaves":{"carol":[{}]}}}"#
        XCTAssertEqual(clientB.readText(), leaves)
        XCTAssertEqual(clientA.readText(), leaves)
    }

    func testASilentNodesEntriesExpire() {
        let a = startNode()
        XCTAssertTrue(waitConnected([a.server]))
        let (client, _) = subscriber(a, "room")
        // Another node, forged on the wire: one join, then silence.
        let ghost = String(repeating: "ab", count: 16)
        redis.command(["PUBLISH", "livets:presence", "\(ghost)\nJ1:74:room5:ghost2:{}"])
        XCTAssertEqual(client.readText(), #"{"presence_diff":{"joins":{"ghost":[{}]},"leaves":{}}}"#)
        var started = timespec()
        clock_gettime(CLOCK_MONOTONIC, &started)
        var frame: String?
        for _ in 0..<3 where frame == nil { frame = client.readText() } // reads time out after 5 s
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        XCTAssertEqual(frame, #"{"presence_diff":{"joins":{},"leaves":{"ghost":[{}]}}}"#)
        let elapsed = now.tv_sec - started.tv_sec
        XCTAssertGreaterThanOrEqual(elapsed, 3, "not before 3 heartbeats of silence")
        XCTAssertLessThanOrEqual(elapsed, 7, "within 4.5 s of silence plus one sweep")
        XCTAssertEqual(presenceList(a.server, "room"), "{}")
    }

    func testBadInputIsRefusedWithCodes() {
        var server: OpaquePointer?
        var config = lts_config()
        var callbacks = lts_callbacks()
        let urls = redisURLCases()
        XCTAssertGreaterThan(urls.count, 30)
        for (url, valid) in urls {
            url.withCString { config.redis_url = $0; XCTAssertEqual(lts_server_new(&config, &callbacks, nil, &server), valid ? LTS_OK : LTS_EINVAL, url) }
            if valid { lts_server_free(server) }
        }
        // Presence works without Redis too.
        config.redis_url = nil
        XCTAssertEqual(lts_server_new(&config, &callbacks, nil, &server), LTS_OK)
        servers.append(server)
        XCTAssertEqual(lts_presence_track(server, 1, "t", 1, "k", 1, "{}", 2), LTS_ESTATE)
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        XCTAssertEqual(lts_presence_track(server, 1, "t", 1, "k", 1, "{nope", 5), LTS_EPARSE)
        XCTAssertEqual(lts_presence_track(server, 1, "t", 1, "k", 1, "{} {}", 5), LTS_EPARSE)
        var badKey: [CChar] = [CChar(bitPattern: 0xFF)]
        XCTAssertEqual(lts_presence_track(server, 1, "t", 1, &badKey, 1, nil, 0), LTS_EPARSE)
        XCTAssertEqual(lts_presence_track(server, 0, "t", 1, "k", 1, nil, 0), LTS_EINVAL)
        XCTAssertEqual(lts_presence_untrack(server, 1, nil, 3, "k", 1), LTS_EINVAL)
        XCTAssertEqual(lts_presence_list(server, "t", 1, nil, nil), LTS_EINVAL)
        let big = String(repeating: " ", count: 64 * 1024 + 1)
        XCTAssertEqual(lts_presence_track(server, 1, "t", 1, "k", 1, big, big.utf8.count), LTS_ETOOBIG)
        // Only the core speaks on its reserved topics, so subscribers can trust them.
        XCTAssertEqual(lts_publish(server, "lts:redis", 9, "{}", 2), LTS_EINVAL)
        XCTAssertEqual(lts_presence_track(server, 1, "lts:x", 5, "k", 1, nil, 0), LTS_EINVAL)
        XCTAssertEqual(lts_host_subscribe(server, "lts:redis", 9), LTS_OK)
        XCTAssertEqual(lts_publish(server, "lts", 3, "{}", 2), LTS_OK)
        XCTAssertEqual(presenceList(server, "t"), "{}")
        XCTAssertEqual(stats(server).redis_connected, 0)
        XCTAssertEqual(lts_presence_list(OpaquePointer(bitPattern: 0xdead_beef), "t", 1, nil, nil), LTS_EMISUSE)
    }
}

/// tests/fixtures/redis-urls.txt: "ok URL" or "bad URL" a line, shared with
/// the TypeScript server's check.
private func redisURLCases() -> [(url: String, valid: Bool)] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../tests/fixtures/redis-urls.txt").standardized.path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        XCTFail("cannot read \(path)")
        return []
    }
    return text.split(separator: "\n").compactMap { line in
        guard !line.hasPrefix("#"), let space = line.firstIndex(of: " ") else { return nil }
        return (String(line[line.index(after: space)...]), line[..<space] == "ok")
    }
}
