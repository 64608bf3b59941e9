import XCTest
@testable import LiveTSNet

final class AcceptEncodingTests: XCTestCase {
    private func allows(_ header: String?) -> Bool {
        AcceptEncoding.allows("gzip", in: header.map { Array($0.utf8) })
    }

    func testNamedCodingTakesItsWeight() {
        XCTAssertTrue(allows("gzip"))
        XCTAssertTrue(allows("deflate, GZip;q=0.5, br"))
        XCTAssertTrue(allows("x-gzip"))
        XCTAssertTrue(allows("gzip; q=1.000"))
        XCTAssertFalse(allows("gzip;q=0"))
        XCTAssertFalse(allows("gzip;q=0.000, br"))
        XCTAssertFalse(allows("gzip ; Q=0.0"))
    }

    func testWildcardCoversUnnamedCodings() {
        XCTAssertTrue(allows("*"))
        XCTAssertTrue(allows("br, *;q=0.1"))
        XCTAssertFalse(allows("*;q=0"))
        // A named coding's own weight wins over the wildcard's, either way.
        XCTAssertFalse(allows("*, gzip;q=0"))
        XCTAssertTrue(allows("*;q=0, gzip"))
    }

    func testAbsentOrUnlistedIsRefused() {
        XCTAssertFalse(allows(nil))
        XCTAssertFalse(allows(""))
        XCTAssertFalse(allows("identity, br, deflate"))
        XCTAssertFalse(allows("gzipped"))
    }

    func testMalformedWeightNeitherGrantsNorRefuses() {
        XCTAssertFalse(allows("gzip;q=2"))
        XCTAssertFalse(allows("gzip;q=0.0001"))
        XCTAssertFalse(allows("gzip;q=high"))
        XCTAssertTrue(allows("gzip;q=x, *"))
    }

    func testRequestJoinsEveryAcceptEncodingLine() {
        let request = HTTPRequest(method: Array("GET".utf8), target: Array("/".utf8), minorVersion: 1,
                                  headers: [(Array("accept-encoding".utf8), Array("br".utf8)),
                                            (Array("accept-encoding".utf8), Array("gzip;q=0.8".utf8))], body: [])
        XCTAssertTrue(request.accepts(encoding: "gzip"))
        XCTAssertFalse(request.accepts(encoding: "deflate"))
    }
}

final class PageCompressionTests: XCTestCase {
    private let page = Array(String(repeating: "<tr><td>row</td><td>value</td></tr>\n", count: 100).utf8)
    private let html = Array("Content-Type: text/html; charset=utf-8\r\n".utf8)

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testLargeTextPageIsGzippedAndVaries() {
        let (headers, body) = PageCompression().encode(status: 200, headers: html, body: page, acceptsGzip: true)
        XCTAssertEqual(text(headers), "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n")
        XCTAssertLessThan(body.count, page.count / 5)
        XCTAssertEqual(Array(body.prefix(2)), [0x1f, 0x8b])
        // zlib's gzip: a 10-byte header, the raw DEFLATE stream, an 8-byte trailer.
        guard case .ok(let inflated) = DeflateCodec().decompressMessage(Array(body[10..<(body.count - 8)]), limit: 1 << 20) else {
            return XCTFail("not DEFLATE inside")
        }
        XCTAssertEqual(inflated, page)
    }

    func testClientWithoutGzipGetsIdentityButStillVary() {
        let (headers, body) = PageCompression().encode(status: 200, headers: html, body: page, acceptsGzip: false)
        XCTAssertEqual(body, page)
        XCTAssertEqual(text(headers), text(html) + "Vary: Accept-Encoding\r\n")
    }

    func testThresholdTypesAndExistingEncodingsAreLeftAlone() {
        let compression = PageCompression()
        let small = Array(page.prefix(PageCompression.defaultMinBytes - 1))
        XCTAssertEqual(compression.encode(status: 200, headers: html, body: small, acceptsGzip: true).body, small)
        for headers in ["Content-Type: image/png\r\n", "", "Content-Type: text/html\r\nContent-Encoding: br\r\n",
                        "Content-Type: text/html\r\nCache-Control: public, no-transform\r\n",
                        "Content-Type: text/html\r\nContent-Range: bytes 0-9/100\r\n"] {
            let result = compression.encode(status: 200, headers: Array(headers.utf8), body: page, acceptsGzip: true)
            XCTAssertEqual(result.body, page, headers)
            XCTAssertEqual(text(result.headers), headers)
        }
        for status in [204, 206, 304] {
            XCTAssertEqual(compression.encode(status: status, headers: html, body: page, acceptsGzip: true).body, page)
        }
        XCTAssertNotEqual(compression.encode(status: 404, headers: html, body: page, acceptsGzip: true).body, page)
    }

    func testConfiguredThresholdAndOff() {
        var compression = PageCompression()
        compression.minBytes = 10
        let short = Array("<p>hello hello hello hello hello hello hello</p>".utf8)
        XCTAssertNotEqual(compression.encode(status: 200, headers: html, body: short, acceptsGzip: true).body, short)
        compression.minBytes = nil
        let off = compression.encode(status: 200, headers: html, body: page, acceptsGzip: true)
        XCTAssertEqual(off.body, page)
        XCTAssertEqual(off.headers, html)
    }

    func testIncompressibleBodyGoesAsItIs() {
        var noise: [UInt8] = []
        var seed: UInt32 = 7
        for _ in 0..<4096 { seed = seed &* 1_103_515_245 &+ 12345; noise.append(UInt8(truncatingIfNeeded: seed >> 16)) }
        let result = PageCompression().encode(status: 200, headers: Array("Content-Type: text/plain\r\n".utf8), body: noise, acceptsGzip: true)
        XCTAssertEqual(result.body, noise)
    }

    func testStrongETagBecomesWeakOnlyInTheGzipVariant() {
        let headers = Array("Content-Type: text/html\r\nETag: \"v1\"\r\nEtag: W/\"w\"\r\n".utf8)
        let gz = PageCompression().encode(status: 200, headers: headers, body: page, acceptsGzip: true)
        XCTAssertEqual(text(gz.headers), "Content-Type: text/html\r\nETag: W/\"v1\"\r\nEtag: W/\"w\"\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n")
        let plain = PageCompression().encode(status: 200, headers: headers, body: page, acceptsGzip: false)
        XCTAssertTrue(text(plain.headers).contains("ETag: \"v1\"\r\n"))
    }
}
