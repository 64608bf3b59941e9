import XCTest
import CLiveTS
import Synchronization

/// What the streaming host saw, reached through `userdata`.
private final class StreamLog {
    var heads: [(id: UInt64, method: String, target: String, bodyLength: Int64)] = []
    var bodies: [UInt64: [UInt8]] = [:]
    var ended: [UInt64] = []
    var done: [(id: UInt64, aborted: Bool)] = []
    /// Codes the misuse probes got, by name.
    var codes: [String: Int32] = [:]
    /// The id of the request for /later, which the test polls for from its
    /// own thread while the loop thread may be handling the request: an
    /// atomic, so the poll does not race the head callback.
    let laterID = Atomic<UInt64>(0)
    /// `done.count`, stored after each append: a test polling it from its
    /// own thread reads `done` only once this says it is there.
    let doneCount = Atomic<Int>(0)
}

private func text(_ p: UnsafePointer<CChar>?, _ n: Int) -> String {
    guard let p, n > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
}

private func log(_ userdata: UnsafeMutableRawPointer?) -> StreamLog {
    Unmanaged<StreamLog>.fromOpaque(userdata!).takeUnretainedValue()
}

private func start(_ server: OpaquePointer?, _ id: UInt64, _ status: Int32, _ headers: String) -> Int32 {
    headers.withCString { lts_response_start(server, id, status, nil, 0, $0, strlen($0)) }
}

private func end(_ server: OpaquePointer?, _ id: UInt64, _ body: String) -> Int32 {
    body.withCString { lts_response_end(server, id, $0, strlen($0)) }
}

private func send(_ server: OpaquePointer?, _ id: UInt64, _ headers: String, _ body: String) -> Int32 {
    headers.withCString { h in body.withCString { b in lts_response_send(server, id, 200, "Fine", 4, h, strlen(h), b, strlen(b)) } }
}

/// /send answers whole with lts_response_send (after a refused try);
/// /echo streams the body back chunked as it comes; /early answers before
/// reading the body; /probe tries the calls that must fail; anything else
/// gets the whole answer from lts_respond.
private let onHead: @convention(c) (OpaquePointer?, UnsafePointer<lts_http_request>?, UnsafeMutableRawPointer?) -> Void = { server, request, userdata in
    let r = request!.pointee
    let target = text(r.target, r.target_len)
    log(userdata).heads.append((r.id, text(r.method, r.method_len), target, r.body_length))
    switch target {
    case "/echo":
        _ = start(server, r.id, 200, "Content-Type: application/octet-stream\r\n")
    case "/early":
        _ = start(server, r.id, 201, "Content-Length: 2\r\n")
        _ = end(server, r.id, "ok")
    case "/send":
        let l = log(userdata)
        l.codes["send past Content-Length"] = send(server, r.id, "Content-Length: 2\r\n", "long")
        l.codes["send"] = send(server, r.id, "Content-Length: 4\r\n", "sent")
    case "/later":
        // Answered by the test, from its own thread.
        log(userdata).laterID.store(r.id, ordering: .releasing)
    case "/send-short":
        log(userdata).codes["send short"] = send(server, r.id, "Content-Length: 9\r\n", "short")
    case "/probe":
        let l = log(userdata)
        l.codes["write before start"] = "x".withCString { lts_response_write(server, r.id, $0, 1) }
        l.codes["CRLF in a value"] = start(server, r.id, 200, "X-Evil: a\r\nSet-Cookie: b\r\n".replacingOccurrences(of: "a\r\nSet", with: "a\nSet"))
        l.codes["status 101"] = start(server, r.id, 101, "")
        l.codes["id 0"] = lts_response_write(server, 0, nil, 0)
        l.codes["unknown id"] = lts_response_write(server, r.id + 1000, nil, 0)
        l.codes["consume more than delivered"] = lts_request_consume(server, r.id, 1)
        l.codes["start"] = start(server, r.id, 200, "Content-Length: 3\r\n")
        l.codes["start twice"] = start(server, r.id, 200, "")
        l.codes["past Content-Length"] = "abcd".withCString { lts_response_write(server, r.id, $0, 4) }
        l.codes["end"] = end(server, r.id, "abc")
        l.codes["write after done"] = "x".withCString { lts_response_write(server, r.id, $0, 1) }
    default:
        let body = Array("whole \(target)".utf8)
        _ = body.withUnsafeBytes { lts_respond(server, r.id, 200, nil, 0, $0.baseAddress!.assumingMemoryBound(to: CChar.self), body.count) }
    }
}

private let onBody: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Void = { server, id, data, len, userdata in
    log(userdata).bodies[id, default: []] += UnsafeRawBufferPointer(start: data, count: len)
    _ = lts_response_write(server, id, data, len)
    _ = lts_request_consume(server, id, len)
}

private let onEnd: @convention(c) (OpaquePointer?, UInt64, UnsafeMutableRawPointer?) -> Void = { server, id, userdata in
    log(userdata).ended.append(id)
    _ = lts_response_end(server, id, nil, 0)
}

private let onDone: @convention(c) (OpaquePointer?, UInt64, Int32, UnsafeMutableRawPointer?) -> Void = { _, id, aborted, userdata in
    let l = log(userdata)
    l.done.append((id, aborted != 0))
    l.doneCount.store(l.done.count, ordering: .releasing)
}

final class HTTPStreamABITests: XCTestCase {
    private var server: OpaquePointer?
    private let streamLog = StreamLog()

    private func startServer(maxBodyBytes: Int = 0) -> Int32 {
        var config = lts_config()
        config.max_body_bytes = maxBodyBytes
        var callbacks = lts_callbacks()
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(streamLog).toOpaque(), &server), LTS_OK)
        var http = lts_http_callbacks()
        XCTAssertEqual(lts_server_set_http_callbacks(server, &http), LTS_EINVAL, "on_request_head is required")
        http.on_request_head = onHead
        http.on_request_body = onBody
        http.on_request_end = onEnd
        http.on_request_done = onDone
        XCTAssertEqual(lts_server_set_http_callbacks(server, &http), LTS_OK)
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        XCTAssertEqual(lts_server_set_http_callbacks(server, &http), LTS_ESTATE)
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

    func testAChunkedBodyStreamsBackAndThePipelinedRequestWaitsForIt() {
        let client = TestClient(port: startServer())
        client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                    + "DELETE /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let echo = client.readChunkedResponse()
        XCTAssertEqual(echo?.status, 200)
        XCTAssertEqual(echo.map { String(decoding: $0.body, as: UTF8.self) }, "hello world")
        XCTAssertTrue(echo?.head.contains("Transfer-Encoding: chunked") ?? false)
        let next = client.readResponse()
        XCTAssertEqual(next?.body, "whole /next")
        _ = stats() // the loop has run every callback by now
        XCTAssertEqual(streamLog.heads.map(\.method), ["POST", "DELETE"])
        XCTAssertEqual(streamLog.heads.first?.bodyLength, -1)
        XCTAssertEqual(streamLog.ended.count, 1, "no end for a request answered before its body was read")
        XCTAssertEqual(streamLog.done.map(\.aborted), [false, false])
    }

    func testAnAnswerBeforeTheBodyDropsTheBodyAndKeepsTheConnection() {
        let client = TestClient(port: startServer())
        client.send("PUT /early HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.body, "ok")
        client.send(Array(repeating: UInt8(ascii: "z"), count: 100_000))
        client.send("GET /after HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.body, "whole /after")
        _ = stats()
        XCTAssertEqual(streamLog.bodies.values.map(\.count).reduce(0, +), 0, "a dropped body is never delivered")
    }

    func testAWholeAnswerIsOneCallAndARefusedOneLeavesTheRequestOpen() {
        let client = TestClient(port: startServer())
        client.send("POST /send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc" + "GET /after HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let sent = client.readResponse()
        XCTAssertEqual(sent?.status, 200)
        XCTAssertEqual(sent?.body, "sent")
        XCTAssertTrue(sent?.head.hasPrefix("HTTP/1.1 200 Fine\r\n") ?? false, sent?.head ?? "no answer")
        XCTAssertTrue(sent?.head.contains("Connection: keep-alive") ?? false)
        XCTAssertEqual(client.readResponse()?.body, "whole /after", "the connection takes its next request")
        _ = stats()
        XCTAssertEqual(streamLog.codes["send past Content-Length"], LTS_EINVAL)
        XCTAssertEqual(streamLog.codes["send"], LTS_OK)
        XCTAssertEqual(streamLog.done.map(\.aborted), [false, false])

        let short = TestClient(port: lts_server_port(server))
        short.send("GET /send-short HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let head = short.readHead()
        XCTAssertTrue(head?.contains("Connection: close") ?? false, "a body short of its Content-Length closes, and the head says so")
        _ = stats()
        XCTAssertEqual(streamLog.codes["send short"], LTS_OK)
    }

    func testHeldAnswersWaitForTheRelease() {
        let client = TestClient(port: startServer())
        client.send("GET /later HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        var id: UInt64 = 0
        for _ in 0..<500 where id == 0 {
            id = streamLog.laterID.load(ordering: .acquiring)
            if id == 0 { usleep(2000) }
        }
        XCTAssertNotEqual(id, 0, "the head arrived")
        XCTAssertEqual(lts_server_hold_calls(server), LTS_OK)
        XCTAssertEqual(send(server, id, "Content-Length: 4\r\n", "held"), LTS_OK, "checked at once")
        usleep(100_000)
        var byte: UInt8 = 0
        XCTAssertEqual(recv(client.fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)), -1, "nothing is sent before the release")
        XCTAssertEqual(lts_server_release_calls(server), LTS_OK)
        XCTAssertEqual(client.readResponse()?.body, "held")
    }

    func testBadCallsGetCodes() {
        let client = TestClient(port: startServer())
        client.send("GET /probe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.body, "abc")
        _ = stats()
        XCTAssertEqual(streamLog.codes["write before start"], LTS_ESTATE)
        XCTAssertEqual(streamLog.codes["CRLF in a value"], LTS_EPARSE)
        XCTAssertEqual(streamLog.codes["status 101"], LTS_EINVAL)
        XCTAssertEqual(streamLog.codes["id 0"], LTS_EINVAL)
        XCTAssertEqual(streamLog.codes["unknown id"], LTS_ENOTFOUND)
        XCTAssertEqual(streamLog.codes["consume more than delivered"], LTS_EINVAL)
        XCTAssertEqual(streamLog.codes["start"], LTS_OK)
        XCTAssertEqual(streamLog.codes["start twice"], LTS_ESTATE)
        XCTAssertEqual(streamLog.codes["past Content-Length"], LTS_EINVAL)
        XCTAssertEqual(streamLog.codes["end"], LTS_OK)
        XCTAssertEqual(streamLog.codes["write after done"], LTS_ENOTFOUND)
        XCTAssertEqual(String(cString: lts_err_name(LTS_BUFFERED)), "LTS_BUFFERED")
    }

    func testBodiesOverTheLimitAre413() {
        let port = startServer(maxBodyBytes: 10)
        let declared = TestClient(port: port)
        declared.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\n")
        XCTAssertEqual(declared.readResponse()?.status, 413)
        XCTAssertTrue(declared.readsEndOfStream())
        let chunked = TestClient(port: port)
        chunked.send("POST /early HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        XCTAssertEqual(chunked.readResponse()?.body, "ok")
        chunked.send("8\r\n12345678\r\n8\r\n12345678\r\n")
        XCTAssertTrue(chunked.readsEndOfStream(), "past the limit, a body being dropped closes the connection")
        _ = stats()
        XCTAssertEqual(streamLog.heads.map(\.target), ["/early"], "a declared body over the limit never reaches the host")
        XCTAssertEqual(stats().refusals.14, 2)
    }

    func testAClientLeavingMidBodyAbortsTheRequest() {
        let port = startServer()
        do {
            let client = TestClient(port: port)
            client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nonly a part")
        }
        let deadline = Date().addingTimeInterval(5)
        while streamLog.doneCount.load(ordering: .acquiring) == 0 && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(streamLog.done.map(\.aborted), [true])
        XCTAssertEqual(streamLog.ended, [], "the body never ended")
    }
}

/// A host that writes `total` bytes in 64 KiB pieces, waiting for drain
/// whenever a write says LTS_BUFFERED, and takes no request body.
private final class Writer {
    static let total = 32 << 20
    static let piece = [UInt8](repeating: UInt8(ascii: "w"), count: 64 << 10)
    var written: [UInt64: Int] = [:]
    var buffered = 0
    var drains = 0
    var bodyEnds = 0
}

private func writer(_ userdata: UnsafeMutableRawPointer?) -> Writer {
    Unmanaged<Writer>.fromOpaque(userdata!).takeUnretainedValue()
}

private func pump(_ server: OpaquePointer?, _ id: UInt64, _ w: Writer) {
    while w.written[id, default: 0] < Writer.total {
        w.written[id, default: 0] += Writer.piece.count
        let rc = Writer.piece.withUnsafeBytes { lts_response_write(server, id, $0.baseAddress, $0.count) }
        if rc == LTS_BUFFERED {
            w.buffered += 1
            return
        }
        precondition(rc == LTS_OK, String(cString: lts_last_error()))
    }
    _ = lts_response_end(server, id, nil, 0)
}

private let writerHead: @convention(c) (OpaquePointer?, UnsafePointer<lts_http_request>?, UnsafeMutableRawPointer?) -> Void = { server, request, _ in
    _ = start(server, request!.pointee.id, 200, "")
}

private let writerEnd: @convention(c) (OpaquePointer?, UInt64, UnsafeMutableRawPointer?) -> Void = { server, id, userdata in
    writer(userdata).bodyEnds += 1
    pump(server, id, writer(userdata))
}

private let writerDrain: @convention(c) (OpaquePointer?, UInt64, UnsafeMutableRawPointer?) -> Void = { server, id, userdata in
    writer(userdata).drains += 1
    pump(server, id, writer(userdata))
}

final class HTTPStreamBackpressureTests: XCTestCase {
    func testWritesWaitForDrainAndABodyNobodyReadsIsConsumed() {
        let w = Writer()
        var config = lts_config()
        config.max_body_bytes = 8 << 20
        var callbacks = lts_callbacks()
        var server: OpaquePointer?
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(w).toOpaque(), &server), LTS_OK)
        defer { lts_server_free(server) }
        var http = lts_http_callbacks()
        http.on_request_head = writerHead
        http.on_request_end = writerEnd
        http.on_response_drain = writerDrain
        XCTAssertEqual(lts_server_set_http_callbacks(server, &http), LTS_OK)
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        let client = TestClient(port: lts_server_port(server))
        // 2 MiB of body with no on_request_body: far past the 256 KiB window,
        // so it must be taken as it comes for on_request_end to arrive.
        client.send("POST /download HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(2 << 20)\r\n\r\n")
        client.send([UInt8](repeating: UInt8(ascii: "b"), count: 2 << 20))
        // Not reading for a while: the kernel's buffers fill and writes queue.
        usleep(300_000)
        let response = client.readChunkedResponse()
        XCTAssertEqual(response?.status, 200)
        XCTAssertEqual(response?.body.count, Writer.total)
        var stats = lts_stats()
        XCTAssertEqual(lts_server_stats(server, &stats), LTS_OK)
        XCTAssertEqual(w.bodyEnds, 1)
        XCTAssertGreaterThan(w.buffered, 0, "32 MiB to a client that is not reading passes the 64 KiB high-water mark")
        XCTAssertEqual(w.drains, w.buffered, "one drain per LTS_BUFFERED")
    }
}
