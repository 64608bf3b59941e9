import XCTest
import CLiveTS
import Glibc

/// lts_server_set_turn_callback: the host hears the end of each turn of the
/// loop after the callbacks of that turn, on the loop thread, and once more
/// after the last. lts_server_hold_calls: every call a holding thread posts
/// waits for the last release, and calls that wait for the loop still run.
private final class TurnHost {
    var server: OpaquePointer?
    var opened: [UInt64] = []
    /// "open", "message:<text>", "close" and "turn" in the order they came;
    /// turns in a row are one entry (a turn ends many times a second).
    var log: [String] = []
    var turnsOffTheLoopThread = 0
    var loopThread: pthread_t?
    let lock = NSLock()

    func append(_ entry: String) {
        lock.lock()
        if !(entry == "turn" && log.last == "turn") { log.append(entry) }
        lock.unlock()
    }

    var entries: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }
}

private func host(_ userdata: UnsafeMutableRawPointer?) -> TurnHost {
    Unmanaged<TurnHost>.fromOpaque(userdata!).takeUnretainedValue()
}

private let onOpen: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = { _, conn, _, userdata in
    let h = host(userdata)
    h.lock.lock()
    h.opened.append(conn)
    h.loopThread = pthread_self()
    h.lock.unlock()
    h.append("open")
}

private let onMessage: @convention(c) (OpaquePointer?, UInt64, UnsafePointer<CChar>?, Int, Int32, UnsafeMutableRawPointer?) -> Void = {
    _, _, data, length, _, userdata in
    host(userdata).append("message:" + String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self))
}

private let onClose: @convention(c) (OpaquePointer?, UInt64, Int32, UnsafeMutableRawPointer?) -> Void = { _, _, _, userdata in
    host(userdata).append("close")
}

private let onTurnEnd: lts_turn_cb = { _, userdata in
    let h = host(userdata)
    h.lock.lock()
    if let loop = h.loopThread, pthread_equal(loop, pthread_self()) == 0 { h.turnsOffTheLoopThread += 1 }
    h.lock.unlock()
    h.append("turn")
}

final class TurnAndHoldTests: XCTestCase {
    private let turnHost = TurnHost()

    private func start(turns: Bool = true) -> TestClient {
        var callbacks = lts_callbacks()
        callbacks.on_open = onOpen
        callbacks.on_message = onMessage
        callbacks.on_close = onClose
        return startRawServer(callbacks, userdata: turnHost, into: &turnHost.server) { server in
            if turns { XCTAssertEqual(lts_server_set_turn_callback(server, onTurnEnd), LTS_OK) }
        }
    }

    override func tearDown() {
        lts_server_free(turnHost.server)
        turnHost.server = nil
    }

    /// Waits (at most a second) for the log to satisfy `done`.
    private func waitFor(_ done: ([String]) -> Bool) -> [String] {
        for _ in 0..<500 {
            let log = turnHost.entries
            if done(log) { return log }
            usleep(2000)
        }
        return turnHost.entries
    }

    private func openedConnection() -> UInt64 {
        _ = waitFor { $0.contains("open") }
        turnHost.lock.lock()
        defer { turnHost.lock.unlock() }
        return turnHost.opened.first ?? 0
    }

    func testEachTurnEndsAfterItsCallbacksOnTheLoopThread() {
        let client = start()
        client.sendText("a")
        client.sendText("b")
        let log = waitFor { $0.last == "turn" && $0.contains("message:b") }
        let messages = log.filter { $0.hasPrefix("message:") }
        XCTAssertEqual(messages, ["message:a", "message:b"])
        // Whatever turns the two messages came in, a turn's end follows each.
        for message in messages {
            let at = log.firstIndex(of: message)!
            XCTAssertTrue(log[at...].contains("turn"), "a turn ends after \(message): \(log)")
        }
        XCTAssertEqual(turnHost.turnsOffTheLoopThread, 0)
    }

    func testTheLastTurnEndComesAfterTheCallbacksOfTheStop() {
        _ = start()
        _ = waitFor { $0.contains("open") && $0.last == "turn" }
        XCTAssertEqual(lts_server_stop(turnHost.server), LTS_OK)
        let log = turnHost.entries
        XCTAssertTrue(log.contains("close"), "the stop closed the connection: \(log)")
        XCTAssertEqual(log.last, "turn", "a turn end follows the close the stop made: \(log)")
    }

    func testTheCallbackIsSetBeforeTheStartOnly() {
        _ = start(turns: false)
        XCTAssertEqual(lts_server_set_turn_callback(turnHost.server, onTurnEnd), LTS_ESTATE)
        XCTAssertTrue(String(cString: lts_last_error()).contains("before lts_server_start"))
        XCTAssertTrue(turnHost.entries.allSatisfy { $0 != "turn" }, "no turn callback was set")
    }

    func testHeldSendsWaitForTheLastOfNestedReleases() {
        let client = start()
        let conn = openedConnection()
        XCTAssertEqual(lts_server_hold_calls(turnHost.server), LTS_OK)
        XCTAssertEqual(lts_server_hold_calls(turnHost.server), LTS_OK)
        XCTAssertEqual(lts_send(turnHost.server, conn, "held", 4), LTS_OK, "checked at once")
        XCTAssertEqual(lts_server_release_calls(turnHost.server), LTS_OK)
        usleep(50_000)
        XCTAssertTrue(client.readsNothingYet(), "one hold is still on")
        XCTAssertEqual(lts_server_release_calls(turnHost.server), LTS_OK)
        XCTAssertEqual(client.readText(), "held")
    }

    func testACallThatWaitsForTheLoopIsNotHeldAndGoesAfterTheHeldOnes() {
        let client = start()
        let conn = openedConnection()
        XCTAssertEqual(lts_server_hold_calls(turnHost.server), LTS_OK)
        XCTAssertEqual(lts_send(turnHost.server, conn, "held", 4), LTS_OK)
        // Held, it would never return.
        var stats = lts_stats()
        XCTAssertEqual(lts_server_stats(turnHost.server, &stats), LTS_OK)
        XCTAssertEqual(stats.websockets, 1)
        XCTAssertEqual(client.readText(), "held", "queued ahead of the stats, so sent by the same wake-up")
        XCTAssertEqual(lts_server_release_calls(turnHost.server), LTS_OK)
    }

    func testAnotherThreadsCallsAreNotHeld() {
        let client = start()
        let conn = openedConnection()
        XCTAssertEqual(lts_server_hold_calls(turnHost.server), LTS_OK)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Sender(server: turnHost.server, conn: conn)).toOpaque()
        pthread_create(&thread, nil, { arg in
            let sender = Unmanaged<Sender>.fromOpaque(arg!).takeRetainedValue()
            _ = lts_send(sender.server, sender.conn, "free", 4)
            return nil
        }, context)
        pthread_join(thread, nil)
        XCTAssertEqual(client.readText(), "free")
        XCTAssertEqual(lts_server_release_calls(turnHost.server), LTS_OK)
    }
}

private final class Sender {
    let server: OpaquePointer?
    let conn: UInt64
    init(server: OpaquePointer?, conn: UInt64) { self.server = server; self.conn = conn }
}

extension TestClient {
    /// True when no byte is waiting to be read.
    func readsNothingYet() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) == -1
    }
}
