import CLiveTS
import XCTest

/// A raw-mode server on an ephemeral port with `callbacks` and `userdata`,
/// stored in `server` and started (after `beforeStart`, for calls allowed
/// only before the start), and a client upgraded to a WebSocket on it.
func startRawServer(_ callbacks: lts_callbacks, userdata: AnyObject, into server: inout OpaquePointer?,
                    beforeStart: (OpaquePointer?) -> Void = { _ in }) -> TestClient {
    var config = lts_config()
    config.port = 0
    config.mode = LTS_MODE_RAW
    var callbacks = callbacks
    XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(userdata).toOpaque(), &server), LTS_OK)
    beforeStart(server)
    XCTAssertEqual(lts_server_start(server), LTS_OK)
    let client = TestClient(port: lts_server_port(server))
    XCTAssertEqual(client.upgrade(path: "/"), 101)
    return client
}
