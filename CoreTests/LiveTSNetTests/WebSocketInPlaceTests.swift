import XCTest
@testable import LiveTSNet

/// The decoder working in the read buffer: frames lent as slices of it,
/// whatever way the bytes are cut into reads.
final class WebSocketInPlaceTests: XCTestCase {
    /// A client frame: masked with `key`, FIN unless `fin` is false.
    private func frame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            out.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        out += key
        for (i, b) in payload.enumerated() { out.append(b ^ key[i & 3]) }
        return out
    }

    /// Decodes `stream` cut into reads at `cuts`, each read a fresh
    /// buffer, and returns the frames as owned events.
    private func decode(_ stream: [UInt8], cuts: [Int], max: Int = 1 << 20)
        -> (events: [WebSocketDecoder.Event], error: WebSocketDecoder.DecodeError?) {
        var decoder = WebSocketDecoder(maxMessageBytes: max)
        var events: [WebSocketDecoder.Event] = []
        var start = 0
        for end in cuts + [stream.count] where end >= start {
            var read = Array(stream[start..<end])
            start = end
            let error = read.withUnsafeMutableBytes { buffer in
                decoder.decode(buffer) { frame in
                    events.append(Self.owned(frame))
                    return true
                }
            }
            if let error { return (events, error) }
        }
        return (events, nil)
    }

    private static func owned(_ frame: WebSocketDecoder.Borrowed) -> WebSocketDecoder.Event {
        switch frame {
        case .message(let opcode, let payload): return .message(opcode, Array(payload))
        case .compressedMessage(let opcode, let payload): return .compressedMessage(opcode, Array(payload))
        case .ping(let payload): return .ping(Array(payload))
        case .pong(let payload): return .pong(Array(payload))
        case .close(let code, let reason): return .close(code: code, reason: Array(reason))
        }
    }

    func testEveryCutOfAMixedStreamGivesTheSameFrames() {
        let text = Array("héllo wörld, 日本 and more text to pass eight bytes".utf8)
        let binary = (0..<300).map { UInt8($0 & 0xFF) }
        var stream = frame(0x1, Array(text[0..<2]), fin: false)   // ends inside "é"
        stream += frame(0x9, Array("p".utf8))                       // a ping between fragments
        stream += frame(0x0, Array(text[2...]), key: [0, 0, 0, 0])  // a zero mask too
        stream += frame(0x2, binary, key: [0xFF, 0x01, 0x80, 0x7F])
        stream += frame(0x1, [])
        stream += frame(0xA, [1, 2, 3])
        stream += frame(0x8, [0x03, 0xE8] + Array("bye".utf8))
        let expected: [WebSocketDecoder.Event] = [
            .ping(Array("p".utf8)), .message(.text, text), .message(.binary, binary), .message(.text, []),
            .pong([1, 2, 3]), .close(code: 1000, reason: Array("bye".utf8)),
        ]
        XCTAssertEqual(decode(stream, cuts: []).events, expected)
        for cut in 0...stream.count {
            let (events, error) = decode(stream, cuts: [cut])
            XCTAssertNil(error, "cut at \(cut)")
            XCTAssertEqual(events, expected, "cut at \(cut)")
        }
        for cut in stride(from: 0, through: stream.count, by: 3) {
            for second in stride(from: cut, through: stream.count, by: 5) {
                XCTAssertEqual(decode(stream, cuts: [cut, second]).events, expected, "cuts at \(cut) and \(second)")
            }
        }
        XCTAssertEqual(decode(stream, cuts: Array(0...stream.count)).events, expected, "one byte per read")
    }

    func testEveryLengthAndMaskUnmasks() {
        let keys: [[UInt8]] = [[0, 0, 0, 0], [1, 2, 3, 4], [0xFF, 0xFF, 0xFF, 0xFF], [0xA5, 0x5A, 0x00, 0xC3]]
        for length in [0, 1, 3, 7, 8, 9, 15, 16, 17, 125, 126, 127, 1000, 65535, 65536, 70001] {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            for key in keys {
                let stream = frame(0x2, payload, key: key)
                XCTAssertEqual(decode(stream, cuts: []).events, [.message(.binary, payload)], "length \(length), key \(key)")
                // Cut inside the payload at an odd offset: the rest unmasks from the right key byte.
                let cut = min(stream.count, stream.count - length + length / 2 + 1)
                XCTAssertEqual(decode(stream, cuts: [cut]).events, [.message(.binary, payload)], "length \(length), key \(key), cut \(cut)")
            }
        }
    }

    func testAWholeFrameIsLentFromTheReadBufferItself() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1024)
        var read = frame(0x1, Array("lent".utf8)) + frame(0x2, [9, 8, 7])
        var lent: [Int] = []
        let error = read.withUnsafeMutableBytes { buffer in
            decoder.decode(buffer) { frame in
                guard case .message(_, let payload) = frame, let at = payload.baseAddress else { return true }
                lent.append(at - UnsafeRawPointer(buffer.baseAddress!))
                return true
            }
        }
        XCTAssertNil(error)
        XCTAssertEqual(lent, [6, 16], "each payload is where its frame lies in the read, after its header")
        XCTAssertEqual(Array(read[6..<10]), Array("lent".utf8), "unmasked in place")
        XCTAssertEqual(decoder.bufferedBytes, 0)
    }

    func testAHandlerThatStopsEndsTheRead() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1024)
        var read = frame(0x1, Array("a".utf8)) + frame(0x1, Array("b".utf8)) + frame(0x1, Array("c".utf8))
        var seen = 0
        let error = read.withUnsafeMutableBytes { buffer in decoder.decode(buffer) { _ in seen += 1; return seen < 2 } }
        XCTAssertNil(error)
        XCTAssertEqual(seen, 2)
    }

    func testCloseCodes() {
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999] {
            let stream = frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)])
            XCTAssertEqual(decode(stream, cuts: [3]).events, [.close(code: code, reason: [])], "code \(code)")
        }
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1012, 1015, 2999, 5000, 65535] {
            let (events, error) = decode(frame(0x8, [UInt8(code >> 8), UInt8(code & 0xFF)]), cuts: [])
            XCTAssertEqual(events, [])
            XCTAssertEqual(error?.code, CloseCode.protocolError, "code \(code)")
        }
        XCTAssertEqual(decode(frame(0x8, [0x03]), cuts: []).error?.code, CloseCode.protocolError, "a one-byte close payload")
        XCTAssertEqual(decode(frame(0x8, []), cuts: []).events, [.close(code: CloseCode.noStatus, reason: [])])
        XCTAssertEqual(decode(frame(0x8, [0x03, 0xE8, 0xC3]), cuts: [4]).error?.code, CloseCode.invalidPayload, "a reason cut inside a character")
    }

    func testInvalidUTF8AcrossFragments() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        // A character split over fragments is valid, at every cut of the stream.
        let good = frame(0x1, [0x61, euro[0]], fin: false) + frame(0x0, [euro[1]], fin: false) + frame(0x0, [euro[2], 0x62])
        for cut in 0...good.count {
            XCTAssertEqual(decode(good, cuts: [cut]).events, [.message(.text, [0x61] + euro + [0x62])], "cut at \(cut)")
        }
        // A bad continuation byte in a later fragment, and a message ending mid-character.
        let badByte = frame(0x1, [0x61, euro[0]], fin: false) + frame(0x0, [0x41, 0x42])
        let truncated = frame(0x1, [0x61, euro[0]], fin: false) + frame(0x0, [euro[1]])
        for stream in [badByte, truncated] {
            for cut in 0...stream.count {
                let (events, error) = decode(stream, cuts: [cut])
                XCTAssertEqual(events, [])
                XCTAssertEqual(error?.code, CloseCode.invalidPayload, "cut at \(cut)")
            }
        }
        // Binary fragments are not text: the same bytes pass.
        let binary = frame(0x2, [0x61, euro[0]], fin: false) + frame(0x0, [0x41, 0x42])
        XCTAssertEqual(decode(binary, cuts: [5]).events, [.message(.binary, [0x61, euro[0], 0x41, 0x42])])
    }

    func testInvalidTextFailsBeforeItsFrameIsComplete() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1 << 20)
        let whole = frame(0x1, Array("valid start ".utf8) + [0xFF] + Array(repeating: 0x61, count: 1000))
        var first = Array(whole[0..<30])
        let error = first.withUnsafeMutableBytes { buffer in decoder.decode(buffer) { _ in true } }
        XCTAssertEqual(error?.code, CloseCode.invalidPayload, "failed at the bad byte, not at the end of the frame")
    }

    func testPartialBytesAreCountedAndGivenBack() {
        var decoder = WebSocketDecoder(maxMessageBytes: 1 << 20)
        let big = frame(0x2, Array(repeating: 7, count: 10000))
        var first = Array(big[0..<5000])
        XCTAssertNil(first.withUnsafeMutableBytes { b in decoder.decode(b) { _ in true } })
        XCTAssertEqual(decoder.bufferedBytes, 5000)
        XCTAssertTrue(decoder.isMidMessage)
        var rest = Array(big[5000...]) + frame(0x1, Array("next".utf8))
        var got: [WebSocketDecoder.Event] = []
        XCTAssertNil(rest.withUnsafeMutableBytes { b in decoder.decode(b) { got.append(Self.owned($0)); return true } })
        XCTAssertEqual(got, [.message(.binary, Array(repeating: 7, count: 10000)), .message(.text, Array("next".utf8))])
        XCTAssertEqual(decoder.bufferedBytes, 0)
        XCTAssertFalse(decoder.isMidMessage)
    }

    func testTheSizeLimitIsCheckedFromTheHeader() {
        var decoder = WebSocketDecoder(maxMessageBytes: 100)
        var head = Array(frame(0x2, Array(repeating: 0, count: 101))[0..<8])
        let error = head.withUnsafeMutableBytes { b in decoder.decode(b) { _ in true } }
        XCTAssertEqual(error?.code, CloseCode.tooBig)
        let fragmented = frame(0x2, Array(repeating: 0, count: 60), fin: false) + frame(0x0, Array(repeating: 0, count: 41))
        XCTAssertEqual(decode(fragmented, cuts: [70], max: 100).error?.code, CloseCode.tooBig)
    }
}
