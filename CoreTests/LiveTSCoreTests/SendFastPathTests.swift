import XCTest
import CLiveTS
import Glibc

/// lts_send from a callback on the loop thread takes a path with no lock,
/// no lookup and no second UTF-8 pass over a message it echoes; from any
/// other thread it is posted. Both must send the same bytes, in order, and
/// refuse the same bad text.
private final class EchoHost {
    var server: OpaquePointer?
    var opened: [UInt64] = []
    /// lts_send's answers inside on_message, in call order.
    var codes: [Int32] = []
}

private func host(_ userdata: UnsafeMutableRawPointer?) -> EchoHost {
    Unmanaged<EchoHost>.fromOpaque(userdata!).takeUnretainedValue()
}

private let onOpen: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { _, conn, _, userdata in
    host(userdata).opened.append(conn)
}

/// What the host sends depends on the message's first byte:
/// "e" echoes it whole; "c" sends from inside its second character (a cut
/// character: refused) then its second byte on (whole characters: sent);
/// "t" sends all but its last byte, cutting a character (refused);
/// "o" has another thread send "first" and waits for it, then sends
/// "second" itself; binary is sent back as text (refused unless UTF-8)
/// and then as binary.
private let onMessage: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<CChar>?, Int, Int32, UnsafeMutableRawPointer?) -> Void = {
    server, conn, data, length, binary, userdata in
    let log = host(userdata)
    guard let data, length > 0 else { return }
    if binary != 0 {
        log.codes.append(lts_send(server, conn, data, length))
        log.codes.append(lts_send_binary(server, conn, data, length))
        return
    }
    switch UInt8(bitPattern: data[0]) {
    case UInt8(ascii: "e"):
        log.codes.append(lts_send(server, conn, data, length))
    case UInt8(ascii: "c"):
        log.codes.append(lts_send(server, conn, data + 2, length - 2))
        log.codes.append(lts_send(server, conn, data + 1, length - 1))
    case UInt8(ascii: "t"):
        log.codes.append(lts_send(server, conn, data, length - 1))
    case UInt8(ascii: "o"):
        // The other thread's send is queued while this callback holds the
        // loop: the callback's own send must not overtake it.
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Box(server: server, conn: conn)).toOpaque()
        pthread_create(&thread, nil, { arg in
            let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            box.code = lts_send(box.server, box.conn, "first", 5)
            sentFromThread = box.code
            return nil
        }, context)
        pthread_join(thread, nil)
        log.codes.append(sentFromThread)
        log.codes.append(lts_send(server, conn, "second", 6))
    default:
        break
    }
}

private final class Box {
    let server: OpaquePointer?
    let conn: UInt64
    var code: Int32 = -1
    init(server: OpaquePointer?, conn: UInt64) { self.server = server; self.conn = conn }
}

/// Written by the sending thread, read after it was joined.
nonisolated(unsafe) private var sentFromThread: Int32 = -1

final class SendFastPathTests: XCTestCase {
    private let log = EchoHost()

    private func start() -> TestClient {
        var callbacks = lts_callbacks()
        callbacks.on_open = onOpen
        callbacks.on_message = onMessage
        return startRawServer(callbacks, userdata: log, into: &log.server)
    }

    override func tearDown() {
        lts_server_free(log.server)
        log.server = nil
    }

    func testAnEchoFromTheCallbackIsTheMessage() {
        let client = start()
        for text in ["e", "echo é 日本 🎉", "e" + String(repeating: "ü", count: 5000)] {
            client.sendText(text)
            XCTAssertEqual(client.readText(), text)
        }
        XCTAssertEqual(log.codes, [LTS_OK, LTS_OK, LTS_OK])
    }

    func testTextCutInsideACharacterIsRefusedEvenFromTheMessageItself() {
        let client = start()
        client.sendText("céd")          // "c", then "é" (two bytes), then "d"
        XCTAssertEqual(client.readText(), "éd", "from the second byte on: whole characters")
        client.sendText("té")
        client.sendText("e after")
        XCTAssertEqual(client.readText(), "e after", "nothing was sent for the cut ones")
        XCTAssertEqual(log.codes, [LTS_EPARSE, LTS_OK, LTS_EPARSE, LTS_OK])
    }

    func testBinaryIsCheckedWhenSentAsText() {
        let client = start()
        client.sendFrame(0x2, [0xFF, 0x61])
        XCTAssertEqual(client.readFrame()?.opcode, 0x2, "only the binary send went out")
        client.sendFrame(0x2, Array("ok".utf8))
        XCTAssertEqual(client.readFrame()?.payload, Array("ok".utf8))
        XCTAssertEqual(client.readFrame()?.opcode, 0x2)
        XCTAssertEqual(log.codes, [LTS_EPARSE, LTS_OK, LTS_OK, LTS_OK])
    }

    func testASendQueuedByAnotherThreadKeepsItsTurn() {
        let client = start()
        client.sendText("o")
        XCTAssertEqual(client.readText(), "first")
        XCTAssertEqual(client.readText(), "second")
        XCTAssertEqual(log.codes, [LTS_OK, LTS_OK])
    }

    func testSendsFromAnotherThreadArriveInOrder() {
        let client = start()
        client.sendText("e ready")
        XCTAssertEqual(client.readText(), "e ready")
        let conn = log.opened[0]
        for i in 0..<200 {
            let text = "from the test thread \(i) é"
            XCTAssertEqual(text.withCString { lts_send(log.server, conn, $0, strlen($0)) }, LTS_OK)
        }
        for i in 0..<200 { XCTAssertEqual(client.readText(), "from the test thread \(i) é") }
        XCTAssertEqual([UInt8(0xC3)].withUnsafeBufferPointer {
            lts_send(log.server, conn, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 1)
        }, LTS_EPARSE, "a cut character from another thread")
    }
}
