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

    private func decode(_ bytes: [UInt8], max: Int = 1 << 20) -> Result<[WebSocketDecoder.Event], WebSocketDecoder.DecodeError> {
        var decoder = WebSocketDecoder(maxMessageBytes: max)
        return bytes.withUnsafeBytes { decoder.feed($0) }
    }

    private func closeCode(_ bytes: [UInt8], max: Int = 1 << 20) -> UInt16? {
        if case .failure(let error) = decode(bytes, max: max) { return error.code }
        return nil
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
            guard case .success(let more) = [byte].withUnsafeBytes({ decoder.feed($0) }) else { return XCTFail("failed") }
            events += more
        }
        XCTAssertEqual(events, [.message(.text, Array("héllo".utf8))])
    }

    func testFragmentsWithAnInterleavedPing() {
        let bytes = clientFrame(0x1, Array("ab".utf8), fin: false) + clientFrame(0x9, [1]) + clientFrame(0x0, Array("cd".utf8))
        XCTAssertEqual(try decode(bytes).get(), [.ping([1]), .message(.text, Array("abcd".utf8))])
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

    func testTooBigIs1009() {
        XCTAssertEqual(closeCode(clientFrame(0x2, [UInt8](repeating: 1, count: 200)), max: 100), 1009)
    }

    func testCloseFrameWithCodeAndReason() {
        XCTAssertEqual(try decode(clientFrame(0x8, [0x03, 0xE8] + Array("bye".utf8))).get(), [.close(code: 1000, reason: Array("bye".utf8))])
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
