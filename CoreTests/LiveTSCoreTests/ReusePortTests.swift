import XCTest
import CLiveTS

// lts_config.reuse_port: servers that all set it share one port and the
// kernel spreads connections among them; a socket without it keeps the
// port to itself, as before.

/// Each server answers every request with its own name, so a client sees
/// which one accepted it without touching the servers' threads.
private final class Name {
    let text: String
    init(_ text: String) { self.text = text }
}

private let answerWithName: @convention(c) (OpaquePointer?, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { server, request, userdata in
    let name = Unmanaged<Name>.fromOpaque(userdata!).takeUnretainedValue().text
    _ = name.withCString { lts_respond(server, request!.pointee.id, 200, nil, 0, $0, strlen($0)) }
}

final class ReusePortTests: XCTestCase {
    private var servers: [OpaquePointer?] = []
    private let names = [Name("first"), Name("second")]

    override func tearDown() {
        for server in servers { lts_server_free(server) }
        servers = []
    }

    private var lastError: String { String(cString: lts_last_error()) }

    /// Creates a server on `port` and starts it; the answer of lts_server_start.
    private func start(_ name: Name, port: Int32, reusePort: Bool) -> Int32 {
        var config = lts_config()
        config.port = port
        config.reuse_port = reusePort ? 1 : 0
        var callbacks = lts_callbacks()
        callbacks.on_request = answerWithName
        var server: OpaquePointer?
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(name).toOpaque(), &server), LTS_OK, lastError)
        servers.append(server)
        return lts_server_start(server)
    }

    func testServersWithReusePortShareAPortAndBothAccept() {
        XCTAssertEqual(start(names[0], port: 0, reusePort: true), LTS_OK, lastError)
        let port = lts_server_port(servers[0])
        XCTAssertEqual(start(names[1], port: port, reusePort: true), LTS_OK, lastError)
        XCTAssertEqual(lts_server_port(servers[1]), port)
        var answeredBy: [String: Int] = [:]
        // Linux hashes each connection's addresses to one listener; 50
        // connections all landing on one of two is a 2^-49 chance.
        for _ in 0..<50 {
            let client = TestClient(port: port)
            client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            guard let answer = client.readResponse() else { return XCTFail("no answer") }
            XCTAssertEqual(answer.status, 200)
            answeredBy[answer.body, default: 0] += 1
        }
        XCTAssertEqual(answeredBy.values.reduce(0, +), 50)
        XCTAssertGreaterThan(answeredBy["first"] ?? 0, 0, "\(answeredBy)")
        XCTAssertGreaterThan(answeredBy["second"] ?? 0, 0, "\(answeredBy)")
    }

    func testWithoutReusePortTheSecondServerFindsThePortInUse() {
        XCTAssertEqual(start(names[0], port: 0, reusePort: false), LTS_OK, lastError)
        let port = lts_server_port(servers[0])
        XCTAssertEqual(start(names[1], port: port, reusePort: false), LTS_EADDRINUSE)
        XCTAssertEqual(lastError, "127.0.0.1:\(port) is already in use (lts_config.port; 0 picks a free port, reuse_port shares it)")
    }

    func testReusePortOnOneSideOnlyIsNotEnough() {
        XCTAssertEqual(start(names[0], port: 0, reusePort: false), LTS_OK, lastError)
        let plainPort = lts_server_port(servers[0])
        XCTAssertEqual(start(names[1], port: plainPort, reusePort: true), LTS_EADDRINUSE, "the holder did not agree to share")
        XCTAssertEqual(lastError, "127.0.0.1:\(plainPort) is already in use by a socket without SO_REUSEPORT or of another user")

        XCTAssertEqual(start(names[0], port: 0, reusePort: true), LTS_OK, lastError)
        let sharedPort = lts_server_port(servers[2])
        XCTAssertEqual(start(names[1], port: sharedPort, reusePort: false), LTS_EADDRINUSE, "the newcomer did not ask to share")
    }

    func testReusePortWorksOnIPv6() throws {
        var config = lts_config()
        config.reuse_port = 1
        var callbacks = lts_callbacks()
        callbacks.on_request = answerWithName
        var first: OpaquePointer?, second: OpaquePointer?
        try "::1".withCString { host in
            config.host = host
            XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(names[0]).toOpaque(), &first), LTS_OK)
            servers.append(first)
            let rc = lts_server_start(first)
            try XCTSkipIf(rc == LTS_EINVAL || rc == LTS_EIO, "no IPv6 loopback here: \(lastError)")
            XCTAssertEqual(rc, LTS_OK, lastError)
            config.port = lts_server_port(first)
            XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(names[1]).toOpaque(), &second), LTS_OK)
            servers.append(second)
            XCTAssertEqual(lts_server_start(second), LTS_OK, lastError)
        }
    }
}
