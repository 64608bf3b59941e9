import XCTest
@testable import LiveTSNet

final class HTTPBodyDecoderTests: XCTestCase {
    private func limits(maxBody: Int = 1 << 20) -> HTTPLimits {
        var limits = HTTPLimits()
        limits.maxBodyBytes = maxBody
        return limits
    }

    /// Feeds `wire` in pieces of `step` bytes; the body, what was consumed in all, and the last outcome.
    private func decode(_ wire: [UInt8], framing: HTTPParser.BodyFraming, step: Int = .max, maxBody: Int = 1 << 20)
        -> (body: [UInt8], consumed: Int, outcome: HTTPBodyDecoder.Outcome) {
        var decoder = HTTPBodyDecoder(framing: framing, limits: limits(maxBody: maxBody))
        var body: [UInt8] = []
        var at = 0
        var outcome = HTTPBodyDecoder.Outcome.needMore
        repeat {
            let end = min(wire.count, at + min(step, wire.count - at))
            let (consumed, result) = wire[at..<end].withUnsafeBytes { decoder.decode($0) { body += $0 } }
            at += consumed
            outcome = result
            if consumed < end - (at - consumed) { break }
        } while outcome == .needMore && at < wire.count
        return (body, at, outcome)
    }

    func testContentLengthBodyStopsAtItsLength() {
        let result = decode(Array("helloGET / HTTP/1.1".utf8), framing: .length(5))
        XCTAssertEqual(result.body, Array("hello".utf8))
        XCTAssertEqual(result.consumed, 5)
        XCTAssertEqual(result.outcome, .done)
    }

    func testChunkedBodyIsDecodedWhateverTheReadSizes() {
        let wire = Array("5\r\nhello\r\n1;ext=\"a b\"\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT".utf8)
        for step in [1, 2, 3, 7, 1000] {
            let result = decode(wire, framing: .chunked, step: step)
            XCTAssertEqual(String(decoding: result.body, as: UTF8.self), "hello 0123456789", "step \(step)")
            XCTAssertEqual(result.outcome, .done, "step \(step)")
            XCTAssertEqual(result.consumed, wire.count - 4, "step \(step): the next request's bytes stay unread")
        }
    }

    func testUppercaseHexAndAnEmptyChunkedBody() {
        XCTAssertEqual(decode(Array("1F\r\n".utf8) + Array(repeating: 97, count: 31) + Array("\r\n0\r\n\r\n".utf8), framing: .chunked).body.count, 31)
        let empty = decode(Array("0\r\n\r\n".utf8), framing: .chunked)
        XCTAssertEqual(empty.body, [])
        XCTAssertEqual(empty.outcome, .done)
    }

    func testBrokenFramingIs400() {
        for wire in ["x\r\nhello\r\n", "5\nhello\r\n", "5\r\nhelloXX", "5x\r\nhello\r\n", "\r\n", "5\r\nhello\r\n0\r\nbad\ntrailer\r\n\r\n", "-1\r\n"] {
            XCTAssertEqual(decode(Array(wire.utf8), framing: .chunked).outcome, .failure(status: 400), wire.debugDescription)
        }
    }

    func testAChunkedBodyOverTheLimitIs413BeforeItsBytesAreRead() {
        let result = decode(Array("8\r\n12345678\r\n8\r\n".utf8), framing: .chunked, maxBody: 10)
        XCTAssertEqual(result.outcome, .failure(status: 413))
        XCTAssertEqual(result.body.count, 8)
        // A size that would overflow an Int is refused on the digit that passes the limit.
        XCTAssertEqual(decode(Array("ffffffffffffffffffff\r\n".utf8), framing: .chunked).outcome, .failure(status: 413))
    }

    func testAChunkSizeLineWithEndlessExtensionsIs400() {
        let wire = Array("1;".utf8) + Array(repeating: UInt8(ascii: "a"), count: 5000)
        XCTAssertEqual(decode(wire, framing: .chunked).outcome, .failure(status: 400))
    }

    func testTrailersOverTheHeadLimitAre431() {
        let wire = Array("0\r\nX: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 20_000) + Array("\r\n\r\n".utf8)
        XCTAssertEqual(decode(wire, framing: .chunked).outcome, .failure(status: 431))
    }

    func testHeadParsingGivesTheFraming() {
        let parser = HTTPParser()
        func framing(_ text: String) -> HTTPParser.BodyFraming? {
            if case .head(_, _, let framing) = parser.parseHead(Array(text.utf8)) { return framing }
            return nil
        }
        func status(_ text: String) -> Int? {
            if case .failure(let status) = parser.parseHead(Array(text.utf8)) { return status }
            return nil
        }
        XCTAssertEqual(framing("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"), .chunked)
        XCTAssertEqual(framing("DELETE /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), HTTPParser.BodyFraming.none)
        XCTAssertEqual(framing("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n"), .length(12))
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 501)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n"), 413)
        // The whole-request parser still refuses chunked bodies it would have to hold.
        if case .failure(let s) = parser.parse(Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)) {
            XCTAssertEqual(s, 501)
        } else {
            XCTFail("expected 501")
        }
    }

    func testHostResponseHeadsAreCheckedAndRead() {
        func inspect(_ text: String) -> Result<HostResponseHead, HostResponseHead.Problem> { HostResponseHead.inspect(Array(text.utf8)) }
        guard case .success(let head) = inspect("Content-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive, close\r\n") else {
            return XCTFail("expected a head")
        }
        XCTAssertEqual(head.contentLength, 5)
        XCTAssertTrue(head.close)
        XCTAssertEqual(String(decoding: head.lines, as: UTF8.self), "Content-Type: text/plain\r\nContent-Length: 5\r\n")
        for bad in ["X: a\rb\r\n", "X: a\nb\r\n", "X: a\u{0}\r\n", "Bad Name: v\r\n", "X: v", ": v\r\n"] {
            guard case .failure(.malformed) = inspect(bad) else { return XCTFail("\(bad.debugDescription) should be malformed") }
        }
        for bad in ["Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: x\r\n", "Transfer-Encoding: gzip\r\n",
                    "Transfer-Encoding: chunked\r\nContent-Length: 1\r\n"] {
            guard case .failure(.contradictory) = inspect(bad) else { return XCTFail("\(bad.debugDescription) should be contradictory") }
        }
    }

    func testTheLedgerRefusesCallsOutOfOrder() {
        let ledger = ResponseLedger()
        XCTAssertEqual(ledger.consume(7, bytes: 0).failure, .unknown)
        ledger.open(7, minorVersion: 1, isHead: false)
        XCTAssertEqual(ledger.write(7, count: 1, last: false).failure, .notStarted)
        ledger.delivered(7, bytes: 10)
        XCTAssertEqual(ledger.consume(7, bytes: 11).failure, .overConsumed(unconsumed: 10))
        XCTAssertNil(ledger.consume(7, bytes: 10).failure)
        var head = HostResponseHead()
        head.contentLength = 100_000
        XCTAssertEqual(try? ledger.start(7, status: 200, head: head).get(), .length(100_000))
        XCTAssertEqual(ledger.start(7, status: 200, head: head).failure, .alreadyStarted)
        XCTAssertEqual(try? ledger.write(7, count: 70_000, last: false).get().wait, true, "over the high-water mark: wait for drain")
        XCTAssertFalse(ledger.progress(7, sent: 10_000, socketQueued: 0), "60,000 unsent is above the low-water mark")
        XCTAssertTrue(ledger.progress(7, sent: 60_000, socketQueued: 0))
        XCTAssertEqual(ledger.write(7, count: 40_000, last: false).failure, .overLength(declared: 100_000, written: 110_000))
        XCTAssertEqual(try? ledger.write(7, count: 10_000, last: true).get().written, 80_000)
        XCTAssertEqual(ledger.write(7, count: 1, last: false).failure, .ended)
        ledger.remove(7)
        XCTAssertEqual(ledger.write(7, count: 1, last: false).failure, .unknown)
    }

    func testTheLedgerChoosesTheFraming() {
        let ledger = ResponseLedger()
        ledger.open(1, minorVersion: 1, isHead: false)
        ledger.open(2, minorVersion: 0, isHead: false)
        ledger.open(3, minorVersion: 1, isHead: true)
        ledger.open(4, minorVersion: 1, isHead: false)
        XCTAssertEqual(try? ledger.start(1, status: 200, head: HostResponseHead()).get(), .chunked)
        XCTAssertEqual(try? ledger.start(2, status: 200, head: HostResponseHead()).get(), .untilClose)
        XCTAssertEqual(try? ledger.start(3, status: 200, head: HostResponseHead()).get(), ResponseLedger.BodyFraming.none)
        XCTAssertEqual(try? ledger.start(4, status: 204, head: HostResponseHead()).get(), ResponseLedger.BodyFraming.none)
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
