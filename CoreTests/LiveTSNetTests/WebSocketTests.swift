import XCTest
@testable import LiveTSNet

final class WebSocketTests: XCTestCase {
    /// A client frame, masked as RFC 6455 requires.
    private func clientFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, masked: Bool = true) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            out.append(maskBit | UInt8(payload.count))
        } else {
            out += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        if masked { out += key }
        for (i, b) in payload.enumerated() { out.append(masked ? b ^ key[i & 3] : b) }
        return out
    }

    private func decode(_ bytes: [UInt8], max: Int = 1 << 20) -> (events: [WebSocketDecoder.Event], error: WebSocketDecoder.DecodeError?) {
        var decoder = WebSocketDecoder(maxMessageBytes: max)
        return bytes.withUnsafeBytes { decoder.feed($0) }
    }

    private func closeCode(_ bytes: [UInt8], max: Int = 1 << 20) -> UInt16? {
        decode(bytes, max: max).error?.code
    }

    func testHandshakeAcceptMatchesRFCExample() {
        let key = Array("dGhlIHNhbXBsZSBub25jZQ==".utf8)
        XCTAssertEqual(String(decoding: Base64.encode(SHA1.digest(key + WebSocketHandshake.guid)), as: UTF8.self),
                       "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    func testTextMessageByteByByte() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1024)
        var events: [WebSocketDecoder.Event] = []
        for byte in clientFrame(0x1, Array("héllo".utf8)) {
            let (more, error) = [byte].withUnsafeBytes({ decoder.feed($0) })
            XCTAssertNil(error)
            events += more
        }
        XCTAssertEqual(events, [.message(.text, Array("héllo".utf8))])
    }

    /// Unmasking runs eight bytes at a time from wherever the part already
    /// checked ends: every length around a word, split at every point.
    func testUnmaskingAcrossLengthsAndSplits() {
        for length in [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 125, 126, 300] {
            let payload = (0..<length).map { i in [UInt8]("aé€😀".utf8)[i % 10] }
            let text = Array((0..<length).map { ["a", "é", "€", "😀"][$0 % 4] }.joined().utf8)
            for (opcode, bytes) in [(UInt8(0x2), payload), (UInt8(0x1), text)] {
                let frame = clientFrame(opcode, bytes)
                for split in Set([0, 1, 2, 5, 6, 9, 13, frame.count / 2, frame.count - 1]) where split < frame.count {
                    var decoder = WebSocketDecoder(maxMessageBytes: 1024)
                    var events: [WebSocketDecoder.Event] = []
                    for part in [Array(frame[..<split]), Array(frame[split...])] {
                        let (more, error) = part.withUnsafeBytes { decoder.feed($0) }
                        XCTAssertNil(error, "length \(length), split \(split)")
                        events += more
                    }
                    XCTAssertEqual(events, [.message(WebSocketOpcode(rawValue: opcode)!, bytes)], "length \(length), split \(split)")
                }
            }
        }
    }

    func testFragmentsWithAnInterleavedPing() {
        let bytes = clientFrame(0x1, Array("ab".utf8), fin: false) + clientFrame(0x9, [1]) + clientFrame(0x0, Array("cd".utf8))
        XCTAssertEqual(decode(bytes).events, [.ping([1]), .message(.text, Array("abcd".utf8))])
    }

    func testProtocolErrors() {
        XCTAssertEqual(closeCode(clientFrame(0x1, [65], masked: false)), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x1, [65], rsv: 0x40)), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x3, [])), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x0, [65])), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x9, [1], fin: false)), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x9, [UInt8](repeating: 0, count: 126))), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x1, [65], fin: false) + clientFrame(0x1, [66])), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x8, [3])), 1002)
        XCTAssertEqual(closeCode(clientFrame(0x8, [0x03, 0xEC])), 1002) // 1004 is reserved
    }

    func testInvalidUTF8Is1007() {
        XCTAssertEqual(closeCode(clientFrame(0x1, [0xC3, 0x28])), 1007)
        XCTAssertEqual(closeCode(clientFrame(0x1, [0xE2, 0x82], fin: false) + clientFrame(0x0, [0x28])), 1007)
    }

    func testMessagesBeforeAnErrorAreStillDelivered() {
        let result = decode(clientFrame(0x1, Array("first".utf8)) + clientFrame(0x1, [65], rsv: 0x20))
        XCTAssertEqual(result.events, [.message(.text, Array("first".utf8))])
        XCTAssertEqual(result.error?.code, 1002)
    }

    func testInvalidUTF8FailsBeforeTheFrameIsComplete() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1024)
        let frame = clientFrame(0x1, [0x61, 0xFF] + [UInt8](repeating: 0x61, count: 50))
        let (_, error) = Array(frame.prefix(10)).withUnsafeBytes { decoder.feed($0) }
        XCTAssertEqual(error?.code, 1007)
    }

    func testCompressedFramesOnlyWhenNegotiated() {
        XCTAssertEqual(closeCode(clientFrame(0x1, [1, 2], rsv: 0x40)), 1002)
        var decoder = WebSocketDecoder(maxMessageBytes: 1024)
        decoder.allowsCompression = true
        let (events, error) = clientFrame(0x1, [1, 2], rsv: 0x40).withUnsafeBytes { decoder.feed($0) }
        XCTAssertNil(error)
        XCTAssertEqual(events, [.compressedMessage(.text, [1, 2])])
        XCTAssertEqual(closeCode(clientFrame(0x9, [], rsv: 0x40)), 1002)
    }

    func testDeflateRoundTripAndBombLimit() {
        let codec = DeflateCodec()
        let text = Array(String(repeating: "LiveTS patches compress well. ", count: 100).utf8)
        let compressed = codec.compressMessage(text, windowBits: 15)!
        XCTAssertLessThan(compressed.count, text.count / 10)
        guard case .ok(let back) = codec.decompressMessage(compressed, limit: 1 << 20) else { return XCTFail("inflate failed") }
        XCTAssertEqual(back, text)
        guard case .tooBig = codec.decompressMessage(compressed, limit: 100) else { return XCTFail("limit not enforced") }
        guard case .invalid = codec.decompressMessage([0xFF, 0xFF, 0xFF], limit: 1 << 20) else { return XCTFail("garbage accepted") }
    }

    func testDeflateNegotiation() {
        let chromium = DeflateAgreement.negotiate([Array("permessage-deflate; client_max_window_bits".utf8)])
        XCTAssertEqual(chromium?.serverWindowBits, 15)
        XCTAssertEqual(chromium?.responseHeader, "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        let small = DeflateAgreement.negotiate([Array("permessage-deflate; server_max_window_bits=10".utf8)])
        XCTAssertEqual(small?.serverWindowBits, 10)
        XCTAssertEqual(small?.responseHeader.hasSuffix("server_max_window_bits=10"), true)
        XCTAssertNil(DeflateAgreement.negotiate([Array("permessage-deflate; server_max_window_bits=7".utf8)]))
        XCTAssertNil(DeflateAgreement.negotiate([Array("permessage-deflate; unknown=1".utf8)]))
        XCTAssertNil(DeflateAgreement.negotiate([Array("x-webkit-deflate-frame".utf8)]))
        for malformed in ["permessage-deflate; ;client_max_window_bits", "permessage-deflate;", "permessage-deflate; =15",
                          "permessage-deflate; client_max_window_bits=", "permessage-deflate; server_max_window_bits=\"\""] {
            XCTAssertNil(DeflateAgreement.negotiate([Array(malformed.utf8)]), malformed)
        }
        let fallback = DeflateAgreement.negotiate([Array("permessage-deflate; bogus, permessage-deflate".utf8)])
        XCTAssertEqual(fallback?.serverWindowBits, 15)
        XCTAssertNil(DeflateAgreement.negotiate([Array("permessage-deflate; server_max_window_bits=8".utf8)])?.serverWindowBits)
    }

    func testTooBigIs1009() {
        XCTAssertEqual(closeCode(clientFrame(0x2, [UInt8](repeating: 1, count: 200)), max: 100), 1009)
    }

    func testCloseFrameWithCodeAndReason() {
        XCTAssertEqual(decode(clientFrame(0x8, [0x03, 0xE8] + Array("bye".utf8))).events, [.close(code: 1000, reason: Array("bye".utf8))])
    }

    func testServerFramesUseTheShortestLength() {
        XCTAssertEqual(WebSocketEncoder.header(.text, length: 5), [0x81, 5])
        XCTAssertEqual(WebSocketEncoder.header(.text, length: 300), [0x81, 126, 1, 44])
        XCTAssertEqual(WebSocketEncoder.header(.binary, length: 70000).count, 10)
    }

    func testUTF8ValidatorEdges() {
        XCTAssertTrue(UTF8Validator.isValid(Array("κόσμε 😀".utf8)))
        XCTAssertFalse(UTF8Validator.isValid([0xED, 0xA0, 0x80])) // surrogate
        XCTAssertFalse(UTF8Validator.isValid([0xF4, 0x90, 0x80, 0x80])) // above U+10FFFF
        XCTAssertFalse(UTF8Validator.isValid([0xC0, 0xAF])) // overlong
        XCTAssertFalse(UTF8Validator.isValid([0xE2, 0x82])) // truncated
    }

    func testBase64RejectsWhatIsNotBase64() {
        XCTAssertNil(Base64.decode(Array("abc".utf8)))
        XCTAssertNil(Base64.decode(Array("ab=c".utf8)))
        XCTAssertEqual(Base64.decode(Array("AAAAAAAAAAAAAAAAAAAAAA==".utf8))?.count, 16)
    }
}
