import XCTest
@testable import LiveTSNet

final class ForwardedForTests: XCTestCase {
    private let proxies: Set<[UInt8]> = [Array("10.0.0.1".utf8), Array("10.0.0.2".utf8)]

    private func client(peer: String, _ headers: [String]) -> String {
        let request = HTTPRequest(method: Array("GET".utf8), target: Array("/".utf8), minorVersion: 1,
                                  headers: headers.map { (Array("x-forwarded-for".utf8), Array($0.utf8)) }, body: [])
        return String(decoding: ForwardedFor.clientAddress(peer: Array(peer.utf8), request: request, trustedProxies: proxies), as: UTF8.self)
    }

    func testAnUntrustedPeerIsTheClient() {
        XCTAssertEqual(client(peer: "192.0.2.1", ["203.0.113.9"]), "192.0.2.1")
    }

    func testTheLastUntrustedEntryIsTheClient() {
        XCTAssertEqual(client(peer: "10.0.0.1", []), "10.0.0.1")
        XCTAssertEqual(client(peer: "10.0.0.1", ["203.0.113.9"]), "203.0.113.9")
        XCTAssertEqual(client(peer: "10.0.0.1", ["198.51.100.7, 203.0.113.9, 10.0.0.2"]), "203.0.113.9")
        XCTAssertEqual(client(peer: "10.0.0.1", ["198.51.100.7", " 203.0.113.9 ,10.0.0.2 "]), "203.0.113.9")
    }

    func testAnUnparsableEntryStopsAtTheLastTrustedHop() {
        XCTAssertEqual(client(peer: "10.0.0.1", ["203.0.113.9, junk"]), "10.0.0.1")
        XCTAssertEqual(client(peer: "10.0.0.1", ["203.0.113.9, junk, 10.0.0.2"]), "10.0.0.2")
        XCTAssertEqual(client(peer: "10.0.0.1", ["203.0.113.9,"]), "10.0.0.1")
    }

    func testEntriesWithPortsAndIPv6AreCanonical() {
        XCTAssertEqual(client(peer: "10.0.0.1", ["203.0.113.9:4711"]), "203.0.113.9")
        XCTAssertEqual(client(peer: "10.0.0.1", ["[2001:DB8:0::1]:443"]), "2001:db8::1")
        XCTAssertEqual(client(peer: "10.0.0.1", ["2001:db8::1"]), "2001:db8::1")
        XCTAssertEqual(client(peer: "10.0.0.1", ["::ffff:203.0.113.9"]), "203.0.113.9")
        XCTAssertEqual(client(peer: "10.0.0.1", ["[2001:db8::1]x"]), "10.0.0.1")
    }
}

final class AllowedHostsTests: XCTestCase {
    private func allows(_ host: String?, bound: String = "127.0.0.1", extra: [String] = [], any: Bool = false) -> Bool {
        var policy = HostPolicy()
        policy.extraNames = Set(extra.map { Array($0.utf8) })
        policy.anyHost = any
        return policy.allows(host: host.map { Array($0.utf8) }, bound: bound)
    }

    func testLocalNamesAndTheBoundAddressPass() {
        for host in ["localhost", "LocalHost:3000", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:8080"] {
            XCTAssertTrue(allows(host), host)
        }
        XCTAssertTrue(allows("192.0.2.4:80", bound: "192.0.2.4"))
        XCTAssertTrue(allows("[2001:db8::4]:80", bound: "2001:db8::4"))
        XCTAssertTrue(allows("app.example:443", extra: ["app.example"]))
        XCTAssertTrue(allows("anything", any: true))
        XCTAssertTrue(allows(nil))
    }

    func testOtherNamesAndUnspecifiedAddressesDoNot() {
        for host in ["evil.example", "127.0.0.2", "localhost.evil.example", "[::2]", "", "[::1", "[::1]x"] {
            XCTAssertFalse(allows(host), host)
        }
        XCTAssertFalse(allows("0.0.0.0", bound: "0.0.0.0"))
        XCTAssertFalse(allows("[::]", bound: "::"))
        XCTAssertTrue(allows("localhost", bound: "0.0.0.0"))
    }
}

final class PartialMessageTests: XCTestCase {
    private func masked(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, declared: Int? = nil) -> [UInt8] {
        let length = declared ?? payload.count
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if length < 126 {
            out.append(0x80 | UInt8(length))
        } else if length < 65536 {
            out += [0x80 | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: length >> shift)) }
        }
        return out + [0, 0, 0, 0] + payload
    }

    private func feed(_ decoder: inout WebSocketDecoder, _ bytes: [UInt8]) -> [WebSocketDecoder.Event] {
        let (events, error) = bytes.withUnsafeBytes { decoder.feed($0) }
        XCTAssertNil(error)
        return events
    }

    func testBufferedBytesCountAPartialFrameAndFragments() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1 << 20)
        XCTAssertFalse(decoder.isMidMessage)
        _ = feed(&decoder, [0x82])
        XCTAssertTrue(decoder.isMidMessage)
        XCTAssertEqual(decoder.bufferedBytes, 1)
        _ = feed(&decoder, Array(masked(2, Array(repeating: 7, count: 300), declared: 1000).dropFirst()))
        XCTAssertEqual(decoder.bufferedBytes, 8 + 300)
        decoder = WebSocketDecoder(maxMessageBytes: 1 << 20)
        _ = feed(&decoder, masked(1, Array("ab".utf8), fin: false))
        XCTAssertTrue(decoder.isMidMessage)
        XCTAssertEqual(decoder.bufferedBytes, 2)
        let ended = decoder.messagesEnded
        _ = feed(&decoder, masked(9, []))
        XCTAssertEqual(decoder.messagesEnded, ended, "a ping inside a fragmented message does not end it")
        let events = feed(&decoder, masked(0, Array("c".utf8)))
        XCTAssertEqual(events, [.message(.text, Array("abc".utf8))])
        XCTAssertFalse(decoder.isMidMessage)
        XCTAssertEqual(decoder.bufferedBytes, 0)
        XCTAssertEqual(decoder.messagesEnded, ended + 1)
    }
}

final class PageRateLimiterTests: XCTestCase {
    func testPerAddressBucketsAndForgettingFullOnes() {
        let limiter = PageRateLimiter(rate: 2, burst: 2)
        let a = Array("192.0.2.1".utf8), b = Array("192.0.2.2".utf8)
        XCTAssertNil(limiter.take(a, now: 10_000))
        XCTAssertNil(limiter.take(a, now: 10_000))
        XCTAssertEqual(limiter.take(a, now: 10_000), 1)
        XCTAssertNil(limiter.take(b, now: 10_000))
        XCTAssertNil(limiter.take(b, now: 10_000))
        XCTAssertEqual(limiter.trackedAddresses, 2)
        limiter.sweep(now: 10_600)
        XCTAssertEqual(limiter.trackedAddresses, 2)
        limiter.sweep(now: 12_000)
        XCTAssertEqual(limiter.trackedAddresses, 0)
        XCTAssertNil(limiter.take(a, now: 12_000))
    }
}
