import Foundation
import Glibc
import XCTest
import CLiveTS

/// Every malformed browser frame of tests/fixtures/wire-frames.json sent
/// to a running server: it answers each with the fixture's `x` frame, or
/// closes the socket as the fixture says, and no such frame reaches the host.
final class WireRefusalsTests: XCTestCase {
    private var server: OpaquePointer?
    private let events = EventCount()

    override func setUp() {
        var config = lts_config()
        config.mode = LTS_MODE_LIVETS
        var callbacks = lts_callbacks()
        callbacks.on_live_event = registerJoins
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(events).toOpaque(), &server), LTS_OK)
        XCTAssertEqual(lts_server_start(server), LTS_OK)
    }

    override func tearDown() {
        lts_server_free(server)
        server = nil
    }

    /// The context the fixture's router-stage samples assume: lv-1 joined with ref 1.
    private func joined() -> TestClient {
        let client = TestClient(port: lts_server_port(server))
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["j",1,"lv-1","t",{}]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","lv-1",1,1,"#), true)
        return client
    }

    func testEveryMalformedFrameIsAnsweredAsTheFixtureSaysAndTheConnectionGoesOn() throws {
        let samples = try malformedSamples().filter { $0["answer"] != nil && $0["opcode"] == nil }
        XCTAssertGreaterThan(samples.count, 30)
        let client = joined()
        for sample in samples {
            let frame = try XCTUnwrap(sample["frame"] as? String)
            client.sendText(frame)
            XCTAssertEqual(client.readText(), sample["answer"] as? String, frame)
        }
        XCTAssertEqual(events.count, 1, "only the join reached the host")
        client.sendText(#"["s",9,"lv-1"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","lv-1",2,9,"#), true, "the connection still works")
    }

    func testBinaryMessagesThatAreNoUploadOfTheSocketAreAnsweredAsTheFixtureSaysAndTheConnectionGoesOn() throws {
        let samples = try malformedSamples().filter { $0["opcode"] != nil }
        XCTAssertGreaterThanOrEqual(samples.count, 4)
        let client = joined()
        for sample in samples {
            XCTAssertEqual(sample["opcode"] as? String, "binary", "the only other way a frame travels")
            let frame = try XCTUnwrap(sample["frame"] as? String)
            client.sendFrame(0x2, Array(frame.utf8))
            XCTAssertEqual(client.readText(), sample["answer"] as? String, frame)
        }
        XCTAssertEqual(events.count, 1, "only the join reached the host")
        client.sendText(#"["s",9,"lv-1"]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","lv-1",2,9,"#), true, "the connection still works")
    }

    private func malformedSamples() throws -> [[String: Any]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("tests/fixtures/wire-frames.json"))
        let top = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(top["malformed"] as? [[String: Any]])
    }
}

/// Live events the host has seen; written on the server's loop thread.
private final class EventCount {
    private let lock = NSLockLike()
    private var seen = 0
    var count: Int { lock.with { seen } }
    func add() { lock.with { seen += 1 } }
}

private let registerJoins: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, userdata in
    Unmanaged<EventCount>.fromOpaque(userdata!).takeUnretainedValue().add()
    let e = event!.pointee
    guard e.kind == LTS_EVENT_JOIN else { return }
    _ = "<p>joined</p>".withCString { lts_component_register(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0)) }
}
