import XCTest
@testable import LiveTSNet

final class HTTPParserTests: XCTestCase {
    private func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParser.Result {
        HTTPParser(limits: limits).parse(Array(text.utf8))
    }

    private func status(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Int? {
        if case .failure(let status) = parse(text, limits: limits) { return status }
        return nil
    }

    func testParsesASimpleGet() {
        guard case .request(let request, let consumed) = parse("GET /counter?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing:  v \r\n\r\n") else {
            return XCTFail("expected a request")
        }
        XCTAssertEqual(consumed, 52)
        XCTAssertEqual(request.method, Array("GET".utf8))
        XCTAssertEqual(request.path, Array("/counter".utf8))
        XCTAssertEqual(request.header("x-thing"), Array("v".utf8))
        XCTAssertTrue(request.keepAlive)
    }

    func testWaitsForTheRestOfTheHead() {
        guard case .needMore = parse("GET / HTTP/1.1\r\nHost: a\r\n") else { return XCTFail("expected needMore") }
    }

    func testReadsAContentLengthBody() {
        guard case .request(let request, _) = parse("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello") else {
            return XCTFail("expected a request")
        }
        XCTAssertEqual(request.body, Array("hello".utf8))
        guard case .needMore = parse("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel") else { return XCTFail("expected needMore") }
    }

    func testNotHTTPIs400() {
        XCTAssertEqual(status("hello there\r\n\r\n"), 400)
        XCTAssertEqual(status("\u{16}\u{03}\u{01}\u{02}\u{00}"), 400)
    }

    func testSmugglingShapesAre400() {
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nBad Name: a\r\nHost: a\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), 400)
    }

    func testMissingHostOn11Is400() {
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: y\r\n\r\n"), 400)
    }

    func testVersionAndMethodStatuses() {
        XCTAssertEqual(status("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505)
        XCTAssertEqual(status("BREW / HTTP/1.1\r\nHost: a\r\n\r\n"), 501)
    }

    func testLimits() {
        var limits = HTTPLimits()
        limits.maxHeadBytes = 64
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "a", count: 100) + "\r\n\r\n", limits: limits), 431)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n"), 413)
    }

    func testConnectionCloseAndHTTP10() {
        guard case .request(let close, _) = parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
              case .request(let old, _) = parse("GET / HTTP/1.0\r\n\r\n") else { return XCTFail("expected requests") }
        XCTAssertFalse(close.keepAlive)
        XCTAssertFalse(old.keepAlive)
    }
}
