import Foundation
import Glibc
import XCTest
import CLiveTS

/// Uploads through a running server: a join whose token is
/// "entry:size:chunk" is answered with a render and lts_upload_allow, and
/// the test sends chunks as binary frames as the connector does.
final class UploadTests: XCTestCase {
    private var server: OpaquePointer?
    private var directory = ""
    private let seen = UploadLog()

    override func setUp() {
        directory = NSTemporaryDirectory() + "lts-upload-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        var config = lts_config()
        config.mode = LTS_MODE_LIVETS
        var callbacks = lts_callbacks()
        callbacks.on_live_event = allowOnJoin
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(seen).toOpaque(), &server), LTS_OK)
        XCTAssertEqual(lts_server_set_upload_callback(server, recordUpload, directory), LTS_OK, String(cString: lts_last_error()))
        XCTAssertEqual(lts_server_start(server), LTS_OK)
    }

    override func tearDown() {
        lts_server_free(server)
        server = nil
        for name in files() { unlink(directory + "/" + name) }
        rmdir(directory)
    }

    private func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    private func waitFor(_ what: String, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(5)
        while !condition() {
            if Date() > deadline { return XCTFail("timed out waiting for \(what)") }
            usleep(10_000)
        }
    }

    /// Joins lv-1 with an upload allowed; returns the client after the render and the start ack.
    private func joined(entry: String, size: Int, chunk: Int) -> TestClient {
        let client = TestClient(port: lts_server_port(server))
        XCTAssertEqual(client.upgrade(), 101)
        client.sendText(#"["j",1,"lv-1","\#(entry):\#(size):\#(chunk)",{}]"#)
        XCTAssertEqual(client.readText()?.hasPrefix(#"["r","lv-1",1,1,"#), true)
        return client
    }

    private func chunk(_ entry: String, _ bytes: [UInt8]) -> [UInt8] {
        [UInt8(entry.utf8.count)] + Array(entry.utf8) + bytes
    }

    func testChunksAreAckedAndWrittenToAPrivateFileWhosePathTheHostGets() throws {
        let client = joined(entry: "e1", size: 10, chunk: 4)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e1",0,4]"#, "the start ack names the chunk size")
        XCTAssertEqual(files().count, 1, "the file exists from the allow on")
        client.sendFrame(0x2, chunk("e1", Array("0123".utf8)))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e1",4]"#)
        client.sendFrame(0x2, chunk("e1", Array("4567".utf8)))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e1",8]"#)
        client.sendFrame(0x2, chunk("e1", Array("89".utf8)))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e1",10]"#)
        waitFor("the done event") { seen.events.contains { $0.kind == LTS_UPLOAD_DONE } }
        let events = seen.events
        XCTAssertEqual(events.map(\.kind), [LTS_UPLOAD_PROGRESS, LTS_UPLOAD_PROGRESS, LTS_UPLOAD_DONE])
        XCTAssertEqual(events.map(\.received), [4, 8, 10])
        let done = try XCTUnwrap(events.last)
        XCTAssertEqual(done.component, "lv-1")
        XCTAssertEqual(done.entry, "e1")
        XCTAssertTrue(done.path.hasPrefix(directory + "/livets-upload-"), done.path)
        XCTAssertEqual(try String(contentsOfFile: done.path, encoding: .utf8), "0123456789")
        var info = stat()
        XCTAssertEqual(stat(done.path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, "only the server's user may read an upload")
        // The finished file is the host's: a chunk more is for no upload.
        client.sendFrame(0x2, chunk("e1", [1]))
        XCTAssertEqual(client.readText(), #"["k","","e1",0,"unknown upload"]"#)
        XCTAssertEqual(files().count, 1)
    }

    func testBytesPastTheAllowedSizeFailTheUploadAndRemoveTheFile() {
        let client = joined(entry: "e2", size: 5, chunk: 4)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e2",0,4]"#)
        client.sendFrame(0x2, chunk("e2", [1, 2, 3, 4]))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e2",4]"#)
        client.sendFrame(0x2, chunk("e2", [5, 6]))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e2",4,"upload is larger than the 5 bytes allowed"]"#)
        waitFor("the failure") { seen.events.contains { $0.kind == LTS_UPLOAD_FAILED } }
        XCTAssertEqual(seen.events.last?.reason, "upload is larger than the 5 bytes allowed")
        XCTAssertEqual(files(), [], "the partial file is gone")
    }

    func testAChunkOverTheChunkSizeFailsTheUpload() {
        let client = joined(entry: "e3", size: 100, chunk: 4)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e3",0,4]"#)
        client.sendFrame(0x2, chunk("e3", [1, 2, 3, 4, 5]))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e3",0,"upload chunk of 5 bytes is over the 4 allowed"]"#)
        XCTAssertEqual(files(), [])
    }

    func testADisconnectMidWayRemovesThePartialFile() {
        var client: TestClient? = joined(entry: "e4", size: 100, chunk: 10)
        XCTAssertEqual(client?.readText(), #"["k","lv-1","e4",0,10]"#)
        client?.sendFrame(0x2, chunk("e4", Array(repeating: 7, count: 10)))
        XCTAssertEqual(client?.readText(), #"["k","lv-1","e4",10]"#)
        XCTAssertEqual(files().count, 1)
        client = nil
        waitFor("the partial file to go") { files().isEmpty }
        XCTAssertFalse(seen.events.contains { $0.kind == LTS_UPLOAD_DONE })
    }

    func testStoppingTheServerMidWayRemovesThePartialFile() {
        let client = joined(entry: "e7", size: 100, chunk: 10)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e7",0,10]"#)
        client.sendFrame(0x2, chunk("e7", Array(repeating: 1, count: 10)))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e7",10]"#)
        XCTAssertEqual(lts_server_stop(server), LTS_OK)
        XCTAssertEqual(files(), [])
    }

    func testACancelledUploadTakesNoMoreChunksAndLeavesNoFile() {
        let client = joined(entry: "e5", size: 100, chunk: 10)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e5",0,10]"#)
        waitFor("the join") { seen.connection != 0 }
        XCTAssertEqual(lts_upload_cancel(server, seen.connection, "e5", 2), LTS_OK)
        waitFor("the file to go") { files().isEmpty }
        client.sendFrame(0x2, chunk("e5", [1]))
        XCTAssertEqual(client.readText(), #"["k","","e5",0,"unknown upload"]"#)
        XCTAssertEqual(files(), [])
    }

    func testBinaryMessagesThatWriteNothingDrawOnTheEventBudget() {
        let client = joined(entry: "e8", size: 10, chunk: 10)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e8",0,10]"#)
        // The budget's burst is 200: the 201st answer is a refusal.
        for _ in 0..<201 { client.sendFrame(0x2, chunk("nope", [1])) }
        var answers: [String] = []
        for _ in 0..<201 { answers.append(client.readText() ?? "") }
        XCTAssertEqual(answers.filter { $0 == #"["k","","nope",0,"unknown upload"]"# }.count, 200)
        XCTAssertEqual(answers.last, #"["x","",0,"rate limited"]"#)
        // A real chunk is no refusal: it is what the socket is for.
        client.sendFrame(0x2, chunk("e8", Array(repeating: 2, count: 10)))
        XCTAssertEqual(client.readText(), #"["k","lv-1","e8",10]"#)
    }

    func testAnEmptyFileIsDoneAtOnce() throws {
        let client = joined(entry: "e6", size: 0, chunk: 10)
        XCTAssertEqual(client.readText(), #"["k","lv-1","e6",0]"#)
        waitFor("the done event") { seen.events.contains { $0.kind == LTS_UPLOAD_DONE } }
        let done = try XCTUnwrap(seen.events.last)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: done.path)).count, 0)
    }
}

/// What on_upload reported, and the connection that joined; written on the loop thread.
private final class UploadLog {
    struct Event {
        let kind: Int32
        let component, entry, path, reason: String
        let received: UInt64
    }

    private let lock = NSLockLike()
    private var list: [Event] = []
    private var joined: UInt64 = 0
    var events: [Event] { lock.with { list } }
    var connection: UInt64 { lock.with { joined } }
    func add(_ event: Event) { lock.with { list.append(event) } }
    func join(_ conn: UInt64) { lock.with { joined = conn } }
}

private func text(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
    guard let pointer, length > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
}

private let recordUpload: lts_upload_cb = { _, event, userdata in
    let e = event!.pointee
    Unmanaged<UploadLog>.fromOpaque(userdata!).takeUnretainedValue().add(UploadLog.Event(
        kind: e.kind, component: text(e.component, e.component_len), entry: text(e.entry, e.entry_len),
        path: text(e.path, e.path_len), reason: text(e.reason, e.reason_len), received: e.received))
}

private let allowOnJoin: @convention(c) (OpaquePointer?, UnsafePointer<lts_live_event>?, UnsafeMutableRawPointer?) -> Void = { server, event, userdata in
    let e = event!.pointee
    guard e.kind == LTS_EVENT_JOIN else { return }
    Unmanaged<UploadLog>.fromOpaque(userdata!).takeUnretainedValue().join(e.conn)
    _ = "<p>joined</p>".withCString { lts_component_register(server, e.conn, e.component, e.component_len, e.ref, $0, strlen($0)) }
    let parts = text(e.name, e.name_len).split(separator: ":").map(String.init)
    guard parts.count == 3, let size = UInt64(parts[1]), let chunk = Int(parts[2]) else { return }
    _ = parts[0].withCString { lts_upload_allow(server, e.conn, e.component, e.component_len, $0, strlen($0), size, chunk) }
}
