import XCTest
import CLiveTS

// The C ABI's contract, one table row per function of include/livetscore.h:
// a NULL, freed or foreign handle is LTS_EMISUSE whatever the other
// arguments; bad arguments get their documented code; every failure leaves
// a sentence in lts_last_error naming the function or argument. A function
// added to the header without a row here fails testEveryDeclaredFunctionHasARow.

/// A bad argument and what the call must answer.
private struct Probe {
    let what: String
    let expected: Int32
    /// Text lts_last_error must contain besides the function's name (or,
    /// for sentences about an lts_config field, instead of it).
    let mentions: String
    let namesFunction: Bool
    /// Creates its own server rather than using the one handed in.
    let ownServer: Bool
    let call: (OpaquePointer?) -> Int32

    init(_ what: String, _ expected: Int32, mentions: String = "", namesFunction: Bool = true, ownServer: Bool = false,
         _ call: @escaping (OpaquePointer?) -> Int32) {
        self.what = what
        self.expected = expected
        self.mentions = mentions
        self.namesFunction = namesFunction
        self.ownServer = ownServer
        self.call = call
    }
}

private enum Row {
    /// Cannot fail, takes no handle and leaves lts_last_error alone.
    case infallible(() -> Void)
    /// Takes no handle; its probes run on their own.
    case constructorOrHelper([Probe])
    /// Takes a server first. `valid` has well-formed arguments; `whenStopped`
    /// is its answer on a stopped server.
    case method(valid: (OpaquePointer?) -> Int32, whenStopped: Int32, probes: [Probe])
    /// lts_server_free: misuse does nothing but record the error.
    case destructor
}

private func buffer(_ bytes: [UInt8]) -> UnsafePointer<CChar> {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
    for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
    p[bytes.count] = 0
    return UnsafePointer(p)
}

/// "a", a byte no UTF-8 text has, "b".
private let notUTF8 = buffer([0x61, 0xFF, 0x62])
private let notUTF8Length = 3
/// Larger than every limit the probes' server sets and than a presence meta may be.
private let manyBytes = buffer(Array(repeating: UInt8(ascii: "a"), count: 70_000))
private let responseLimit = 4096
private let liveMessageLimit = 1024
/// size_t's largest value, as Swift sees a size_t.
private let hugeLength = -1

/// Splices for lts_component_update_splices, kept for the life of the tests.
private func splices(_ list: [(offset: Int, removed: Int, text: UnsafePointer<CChar>?, length: Int)]) -> UnsafePointer<lts_splice> {
    let p = UnsafeMutablePointer<lts_splice>.allocate(capacity: max(1, list.count))
    for (i, s) in list.enumerated() { p[i] = lts_splice(offset: s.offset, removed: s.removed, text: s.text, text_len: s.length) }
    return UnsafePointer(p)
}

private let two = buffer(Array("2".utf8))
private let oneSplice = splices([(3, 1, two, 1)])
private let backwards = splices([(3, 1, two, 1), (2, 0, two, 1)])
private let pastBase = splices([(9, 0, two, 1)])
private let nullText = splices([(3, 1, nil, 1)])
private let badText = splices([(3, 1, notUTF8, notUTF8Length)])
private let bigText = splices([(3, 1, manyBytes, liveMessageLimit)])

/// An upload callback that does nothing: the probes only need one to pass.
private let ignoreUpload: lts_upload_cb = { _, _, _ in }
private let ignoreTurn: lts_turn_cb = { _, _ in }

/// Servers the probes create for themselves, freed after the test: freeing
/// them inside a probe would reset lts_last_error before it is read.
private var probeServers: [OpaquePointer?] = []

private func newServer(_ configure: (inout lts_config) -> Void = { _ in }) -> OpaquePointer? {
    var config = lts_config()
    config.max_response_bytes = responseLimit
    config.max_live_message_bytes = liveMessageLimit
    configure(&config)
    var callbacks = lts_callbacks()
    var server: OpaquePointer?
    XCTAssertEqual(lts_server_new(&config, &callbacks, nil, &server), LTS_OK, String(cString: lts_last_error()))
    return server
}

private func probeServer(_ configure: (inout lts_config) -> Void = { _ in }) -> OpaquePointer? {
    let server = newServer(configure)
    probeServers.append(server)
    return server
}

private func serverNew(_ configure: (inout lts_config) -> Void) -> Int32 {
    var config = lts_config()
    configure(&config)
    var callbacks = lts_callbacks()
    var server: OpaquePointer?
    let rc = lts_server_new(&config, &callbacks, nil, &server)
    if server != nil { probeServers.append(server) }
    return rc
}

/// Probes every call naming a connection and component shares.
private func componentProbes(_ call: @escaping (OpaquePointer?, UInt64, UnsafePointer<CChar>?, Int) -> Int32) -> [Probe] {
    [Probe("conn 0", LTS_EINVAL, mentions: "conn") { call($0, 0, "c", 1) },
     Probe("an empty component id", LTS_EINVAL, mentions: "component") { call($0, 1, "c", 0) },
     Probe("a NULL component id with a length", LTS_EINVAL, mentions: "component_len") { call($0, 1, nil, 1) },
     Probe("a component id length past SIZE_MAX/2", LTS_EINVAL, mentions: "component_len") { call($0, 1, "c", hugeLength) }]
}

/// Probes every call naming a topic shares.
private func topicProbes(_ call: @escaping (OpaquePointer?, UnsafePointer<CChar>?, Int) -> Int32) -> [Probe] {
    [Probe("an empty topic", LTS_EINVAL, mentions: "topic") { call($0, "t", 0) },
     Probe("a NULL topic with a length", LTS_EINVAL, mentions: "topic_len") { call($0, nil, 2) }]
}

private let streamingCallbacks: lts_http_callbacks = {
    var callbacks = lts_http_callbacks()
    callbacks.on_request_head = { _, _, _ in }
    return callbacks
}()

private let contract: [String: Row] = [
    "lts_version_number": .infallible { _ = lts_version_number() },
    "lts_version_string": .infallible { _ = lts_version_string() },
    "lts_strerror": .infallible { _ = lts_strerror(LTS_EMISUSE) },
    "lts_err_name": .infallible { _ = lts_err_name(LTS_EMISUSE) },
    "lts_last_error": .infallible { _ = lts_last_error() },
    "lts_cause_name": .infallible { _ = lts_cause_name(LTS_CAUSE_EVENT_RATE) },
    "lts_free": .infallible { lts_free(nil) },

    "lts_diff": .constructorOrHelper([
        Probe("a NULL out", LTS_EINVAL, mentions: "out") { _ in var n = 0; return lts_diff("a", 1, "b", 1, nil, &n) },
        Probe("a NULL out_len", LTS_EINVAL, mentions: "out_len") { _ in
            var out: UnsafeMutablePointer<UInt8>?
            return lts_diff("a", 1, "b", 1, &out, nil)
        },
        Probe("a NULL old_html with a length", LTS_EINVAL, mentions: "old_html") { _ in
            var out: UnsafeMutablePointer<UInt8>?, n = 0
            return lts_diff(nil, 3, "b", 1, &out, &n)
        },
        Probe("a new_len past SIZE_MAX/2", LTS_EINVAL, mentions: "new_len") { _ in
            var out: UnsafeMutablePointer<UInt8>?, n = 0
            return lts_diff("a", 1, "b", hugeLength, &out, &n)
        },
    ]),
    "lts_server_new": .constructorOrHelper([
        Probe("a NULL out", LTS_EINVAL, mentions: "out") { _ in
            var config = lts_config(), callbacks = lts_callbacks()
            return lts_server_new(&config, &callbacks, nil, nil)
        },
        Probe("a NULL config", LTS_EINVAL, mentions: "config") { _ in
            var callbacks = lts_callbacks(), server: OpaquePointer?
            return lts_server_new(nil, &callbacks, nil, &server)
        },
        Probe("NULL callbacks", LTS_EINVAL, mentions: "callbacks") { _ in
            var config = lts_config(), server: OpaquePointer?
            return lts_server_new(&config, nil, nil, &server)
        },
        Probe("port 70000", LTS_EINVAL, mentions: "lts_config.port must be 0 to 65535 (0 picks a free port), got 70000",
              namesFunction: false) { _ in serverNew { $0.port = 70000 } },
        Probe("mode 7", LTS_EINVAL, mentions: "lts_config.mode", namesFunction: false) { _ in serverNew { $0.mode = 7 } },
        Probe("allowed_origins with no entry", LTS_EINVAL, mentions: "lts_config.allowed_origins", namesFunction: false) { _ in
            ",".withCString { origins in serverNew { $0.allowed_origins = origins } }
        },
        Probe("allowed_hosts naming no host", LTS_EINVAL, mentions: #"lts_config.allowed_hosts: "a b""#, namesFunction: false) { _ in
            "ok.example, a b".withCString { hosts in serverNew { $0.allowed_hosts = hosts } }
        },
        Probe("trusted_proxies with a name", LTS_EINVAL, mentions: #"lts_config.trusted_proxies: "10.0.0.x" is not an IP address"#,
              namesFunction: false) { _ in
            "10.0.0.1,10.0.0.x".withCString { proxies in serverNew { $0.trusted_proxies = proxies } }
        },
        Probe("an http:// redis_url", LTS_EINVAL, mentions: "lts_config.redis_url", namesFunction: false) { _ in
            "http://:secret@127.0.0.1".withCString { url in serverNew { $0.redis_url = url } }
        },
        Probe("a TLS certificate without its key", LTS_EINVAL, mentions: "tls_key_file is NULL", namesFunction: false) { _ in
            "/x/cert.pem".withCString { file in serverNew { $0.tls_cert_file = file } }
        },
        Probe("a TLS certificate file that does not exist", LTS_ETLS,
              mentions: #"lts_config.tls_cert_file "/x/cert.pem" cannot be read: No such file or directory"#, namesFunction: false) { _ in
            "/x/cert.pem".withCString { cert in "/x/key.pem".withCString { key in serverNew { $0.tls_cert_file = cert; $0.tls_key_file = key } } }
        },
    ]),
    "lts_server_add_static": .method(valid: { lts_server_add_static($0, "/s/", "/tmp") }, whenStopped: LTS_ESTATE, probes: [
        Probe("a NULL prefix", LTS_EINVAL, mentions: "prefix") { lts_server_add_static($0, nil, "/tmp") },
        Probe("a NULL dir", LTS_EINVAL, mentions: "dir") { lts_server_add_static($0, "/s/", nil) },
        Probe("a prefix without its leading slash", LTS_EINVAL, mentions: #"prefix "s/""#) { lts_server_add_static($0, "s/", "/tmp") },
        Probe("a running server", LTS_ESTATE, mentions: "before lts_server_start") { lts_server_add_static($0, "/s/", "/tmp") },
        Probe("a directory that does not exist", LTS_ENOTFOUND, mentions: #"directory "/x/public" does not exist"#, ownServer: true) { _ in
            lts_server_add_static(probeServer(), "/s/", "/x/public")
        },
    ]),
    "lts_server_start": .method(valid: { lts_server_start($0) }, whenStopped: LTS_ESTATE, probes: [
        Probe("a running server", LTS_ESTATE, mentions: "already running") { lts_server_start($0) },
        Probe("a host name", LTS_EINVAL, mentions: #"lts_config.host must be an IPv4 or IPv6 literal, got "localhost""#,
              namesFunction: false, ownServer: true) { _ in
            "localhost".withCString { host in lts_server_start(probeServer { $0.host = host }) }
        },
        Probe("a port in use", LTS_EADDRINUSE, mentions: "is already in use (lts_config.port", namesFunction: false, ownServer: true) {
            let port = lts_server_port($0)
            return lts_server_start(probeServer { $0.port = port })
        },
    ]),
    "lts_server_start_unbound": .method(valid: { lts_server_start_unbound($0) }, whenStopped: LTS_ESTATE, probes: [
        Probe("a running server", LTS_ESTATE, mentions: "already running") { lts_server_start_unbound($0) },
    ]),
    "lts_server_port": .method(valid: { lts_server_port($0) }, whenStopped: LTS_ESTATE, probes: [
        Probe("a server not started", LTS_ESTATE, mentions: "lts_server_start first", ownServer: true) { _ in lts_server_port(probeServer()) },
        Probe("a server started unbound", LTS_ESTATE, mentions: "listens on no port", ownServer: true) { _ in
            let server = probeServer()
            XCTAssertEqual(lts_server_start_unbound(server), LTS_OK)
            return lts_server_port(server)
        },
    ]),
    "lts_server_adopt": .method(valid: { server in
        // An unconnected TCP socket passes the argument checks; the core
        // works on its own duplicate, so this one is closed at once.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return lts_server_adopt(server, fd, "GET / HTTP/1.1\r\n\r\n", 18)
    }, whenStopped: LTS_ESTATE, probes: [
        Probe("a negative fd", LTS_EINVAL, mentions: "fd -1 is negative") { lts_server_adopt($0, -1, nil, 0) },
        Probe("a descriptor that is not a socket", LTS_EINVAL, mentions: "is not a socket") { server in
            let file = open("/dev/null", O_RDONLY)
            defer { close(file) }
            return lts_server_adopt(server, file, nil, 0)
        },
        Probe("a NULL request with a length", LTS_EINVAL, mentions: "request_len") { server in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            return lts_server_adopt(server, fd, nil, 4)
        },
        Probe("a request over the largest request", LTS_ETOOBIG, mentions: "request of 1100000 bytes") { server in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            let request = UnsafeMutablePointer<CChar>.allocate(capacity: 1_100_000)
            defer { request.deallocate() }
            return lts_server_adopt(server, fd, request, 1_100_000)
        },
    ]),
    "lts_server_reload_tls": .method(valid: { lts_server_reload_tls($0, nil, nil) }, whenStopped: LTS_ESTATE, probes: [
        Probe("only a certificate", LTS_EINVAL, mentions: "both cert_file and key_file") { lts_server_reload_tls($0, "/x/cert.pem", nil) },
        Probe("a server without TLS", LTS_ESTATE, mentions: "created without TLS") { lts_server_reload_tls($0, nil, nil) },
    ]),
    "lts_server_stop": .method(valid: { lts_server_stop($0) }, whenStopped: LTS_OK, probes: []),
    "lts_server_stats": .method(valid: { var stats = lts_stats(); return lts_server_stats($0, &stats) }, whenStopped: LTS_ESTATE, probes: [
        Probe("a NULL out", LTS_EINVAL, mentions: "out") { lts_server_stats($0, nil) },
    ]),
    "lts_server_stats_v2": .method(valid: { var stats = lts_stats_v2(); stats.size = MemoryLayout<lts_stats_v2>.size; return lts_server_stats_v2($0, &stats) },
                                   whenStopped: LTS_ESTATE, probes: [
        Probe("a NULL out", LTS_EINVAL, mentions: "out") { lts_server_stats_v2($0, nil) },
        Probe("size 0", LTS_EINVAL, mentions: "size") { var stats = lts_stats_v2(); return lts_server_stats_v2($0, &stats) },
    ]),
    "lts_server_free": .destructor,
    "lts_respond": .method(valid: { lts_respond($0, 1, 200, nil, 0, "ok", 2) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_respond($0, 0, 200, nil, 0, "ok", 2) },
        Probe("status 99", LTS_EINVAL, mentions: "status") { lts_respond($0, 1, 99, nil, 0, "ok", 2) },
        Probe("NULL headers with a length", LTS_EINVAL, mentions: "headers_len") { lts_respond($0, 1, 200, nil, 5, "ok", 2) },
        Probe("a NULL body with a length", LTS_EINVAL, mentions: "body_len") { lts_respond($0, 1, 200, nil, 0, nil, 5) },
        Probe("a header line without CRLF", LTS_EPARSE, mentions: "headers") { lts_respond($0, 1, 200, "X-A: b", 6, "ok", 2) },
        Probe("a header block with a bare LF", LTS_EPARSE, mentions: "headers") { lts_respond($0, 1, 200, "X-A: b\nX-B: c\r\n", 15, nil, 0) },
        Probe("a body over max_response_bytes", LTS_ETOOBIG,
              mentions: "body of \(responseLimit + 1) bytes is over max_response_bytes (\(responseLimit))") {
            lts_respond($0, 1, 200, nil, 0, manyBytes, responseLimit + 1)
        },
    ]),
    "lts_server_set_http_callbacks": .method(valid: { var c = streamingCallbacks; return lts_server_set_http_callbacks($0, &c) },
                                             whenStopped: LTS_ESTATE, probes: [
        Probe("NULL callbacks", LTS_EINVAL, mentions: "callbacks is NULL") { lts_server_set_http_callbacks($0, nil) },
        Probe("no on_request_head", LTS_EINVAL, mentions: "on_request_head") { var c = lts_http_callbacks(); return lts_server_set_http_callbacks($0, &c) },
        Probe("a running server", LTS_ESTATE, mentions: "before lts_server_start") { var c = streamingCallbacks; return lts_server_set_http_callbacks($0, &c) },
    ]),
    "lts_request_consume": .method(valid: { lts_request_consume($0, 1, 0) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_request_consume($0, 0, 1) },
        Probe("a count past SIZE_MAX/2", LTS_EINVAL, mentions: "bytes") { lts_request_consume($0, 1, hugeLength) },
        Probe("an unknown request", LTS_ENOTFOUND, mentions: "unknown or done") { lts_request_consume($0, 77, 1) },
    ]),
    "lts_response_start": .method(valid: { lts_response_start($0, 1, 200, nil, 0, nil, 0) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_response_start($0, 0, 200, nil, 0, nil, 0) },
        Probe("status 100", LTS_EINVAL, mentions: "status") { lts_response_start($0, 1, 100, nil, 0, nil, 0) },
        Probe("a NULL reason with a length", LTS_EINVAL, mentions: "reason_len") { lts_response_start($0, 1, 200, nil, 2, nil, 0) },
        Probe("a reason with a line break", LTS_EPARSE, mentions: "reason") { lts_response_start($0, 1, 200, "O\nK", 3, nil, 0) },
        Probe("a CR in a header value", LTS_EPARSE, mentions: "X-A") { lts_response_start($0, 1, 200, nil, 0, "X-A: b\rc\r\n", 11) },
        Probe("a header name with a space", LTS_EPARSE, mentions: "token") { lts_response_start($0, 1, 200, nil, 0, "X A: b\r\n", 8) },
        Probe("two Content-Lengths", LTS_EINVAL, mentions: "Content-Length") {
            lts_response_start($0, 1, 200, nil, 0, "Content-Length: 1\r\nContent-Length: 2\r\n", 40)
        },
        Probe("an unknown request", LTS_ENOTFOUND, mentions: "unknown or done") { lts_response_start($0, 77, 200, nil, 0, nil, 0) },
    ]),
    "lts_response_write": .method(valid: { lts_response_write($0, 1, "x", 1) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_response_write($0, 0, "x", 1) },
        Probe("NULL data with a length", LTS_EINVAL, mentions: "len") { lts_response_write($0, 1, nil, 3) },
        Probe("an unknown request", LTS_ENOTFOUND, mentions: "unknown or done") { lts_response_write($0, 77, "x", 1) },
    ]),
    "lts_response_end": .method(valid: { lts_response_end($0, 1, nil, 0) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_response_end($0, 0, nil, 0) },
        Probe("NULL data with a length", LTS_EINVAL, mentions: "len") { lts_response_end($0, 1, nil, 3) },
        Probe("an unknown request", LTS_ENOTFOUND, mentions: "unknown or done") { lts_response_end($0, 77, nil, 0) },
    ]),
    "lts_response_send": .method(valid: { lts_response_send($0, 1, 200, nil, 0, nil, 0, "x", 1) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_response_send($0, 0, 200, nil, 0, nil, 0, nil, 0) },
        Probe("status 100", LTS_EINVAL, mentions: "200 to 999") { lts_response_send($0, 1, 100, nil, 0, nil, 0, nil, 0) },
        Probe("NULL data with a length", LTS_EINVAL, mentions: "len") { lts_response_send($0, 1, 200, nil, 0, nil, 0, nil, 3) },
        Probe("a header line without CRLF", LTS_EPARSE, mentions: "CRLF") { lts_response_send($0, 1, 200, nil, 0, "A: b", 4, nil, 0) },
        Probe("an unknown request", LTS_ENOTFOUND, mentions: "unknown or done") { lts_response_send($0, 77, 200, nil, 0, nil, 0, nil, 0) },
    ]),
    "lts_server_hold_calls": .method(valid: { lts_server_hold_calls($0) }, whenStopped: LTS_ESTATE, probes: []),
    "lts_server_release_calls": .method(valid: { lts_server_release_calls($0) }, whenStopped: LTS_OK, probes: []),
    "lts_server_set_turn_callback": .method(valid: { lts_server_set_turn_callback($0, ignoreTurn) }, whenStopped: LTS_ESTATE, probes: [
        Probe("NULL on_turn_end", LTS_EINVAL, mentions: "on_turn_end is NULL") { lts_server_set_turn_callback($0, nil) },
        Probe("a running server", LTS_ESTATE, mentions: "before lts_server_start") { lts_server_set_turn_callback($0, ignoreTurn) },
    ]),
    "lts_request_abort": .method(valid: { lts_request_abort($0, 1) }, whenStopped: LTS_ESTATE, probes: [
        Probe("request 0", LTS_EINVAL, mentions: "id is 0") { lts_request_abort($0, 0) },
        Probe("an unknown request", LTS_ENOTFOUND, mentions: "unknown or done") { lts_request_abort($0, 77) },
    ]),
    "lts_server_set_upload_callback": .method(valid: { lts_server_set_upload_callback($0, ignoreUpload, nil) }, whenStopped: LTS_ESTATE, probes: [
        Probe("NULL on_upload", LTS_EINVAL, mentions: "on_upload is NULL") { lts_server_set_upload_callback($0, nil, nil) },
        Probe("a dir that is not a directory", LTS_EINVAL, mentions: "is not a directory") { lts_server_set_upload_callback($0, ignoreUpload, "/dev/null") },
        Probe("an empty dir", LTS_EINVAL, mentions: "is not a directory") { lts_server_set_upload_callback($0, ignoreUpload, "") },
        Probe("a running server", LTS_ESTATE, mentions: "before lts_server_start") { lts_server_set_upload_callback($0, ignoreUpload, nil) },
    ]),
    "lts_upload_allow": .method(valid: { lts_upload_allow($0, 1, "c", 1, "e1", 2, 10, 4) }, whenStopped: LTS_ESTATE,
                                probes: componentProbes { lts_upload_allow($0, $1, $2, $3, "e1", 2, 10, 4) } + [
        Probe("an empty entry", LTS_EINVAL, mentions: "entry is empty") { lts_upload_allow($0, 1, "c", 1, "e1", 0, 10, 4) },
        Probe("an entry with a slash", LTS_EINVAL, mentions: "letters, digits") { lts_upload_allow($0, 1, "c", 1, "e/1", 3, 10, 4) },
        Probe("chunk_bytes 0", LTS_EINVAL, mentions: "chunk_bytes") { lts_upload_allow($0, 1, "c", 1, "e1", 2, 10, 0) },
        Probe("chunk_bytes over max_message_bytes", LTS_EINVAL, mentions: "chunk_bytes") { lts_upload_allow($0, 1, "c", 1, "e1", 2, 10, 1 << 20) },
        Probe("no upload callback", LTS_ESTATE, mentions: "lts_server_set_upload_callback") { lts_upload_allow($0, 1, "c", 1, "e1", 2, 10, 4) },
    ]),
    "lts_upload_cancel": .method(valid: { lts_upload_cancel($0, 1, "e1", 2) }, whenStopped: LTS_ESTATE, probes: [
        Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_upload_cancel($0, 0, "e1", 2) },
        Probe("a NULL entry with a length", LTS_EINVAL, mentions: "entry_len") { lts_upload_cancel($0, 1, nil, 2) },
        Probe("an entry over 64 bytes", LTS_EINVAL, mentions: "letters, digits") { lts_upload_cancel($0, 1, manyBytes, 65) },
    ]),
    "lts_send": .method(valid: { lts_send($0, 1, "x", 1) }, whenStopped: LTS_ESTATE, probes: [
        Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_send($0, 0, "x", 1) },
        Probe("NULL data with a length", LTS_EINVAL, mentions: "data is NULL") { lts_send($0, 1, nil, 3) },
        Probe("a length past SIZE_MAX/2", LTS_EINVAL, mentions: "len") { lts_send($0, 1, "x", hugeLength) },
        Probe("data that is not UTF-8", LTS_EPARSE, mentions: "data is not valid UTF-8 (at byte 1 of 3)") { lts_send($0, 1, notUTF8, notUTF8Length) },
    ]),
    "lts_send_binary": .method(valid: { lts_send_binary($0, 1, notUTF8, notUTF8Length) }, whenStopped: LTS_ESTATE, probes: [
        Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_send_binary($0, 0, notUTF8, 1) },
        Probe("NULL data with a length", LTS_EINVAL, mentions: "data is NULL") { lts_send_binary($0, 1, nil, 3) },
    ]),
    "lts_close": .method(valid: { lts_close($0, 1, 1000, "bye", 3) }, whenStopped: LTS_ESTATE, probes: [
        Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_close($0, 0, 1000, nil, 0) },
        Probe("code 999", LTS_EINVAL, mentions: "code 999") { lts_close($0, 1, 999, nil, 0) },
        Probe("code 1005, never sent", LTS_EINVAL, mentions: "code 1005") { lts_close($0, 1, 1005, nil, 0) },
        Probe("a NULL reason with a length", LTS_EINVAL, mentions: "reason_len") { lts_close($0, 1, 1000, nil, 3) },
        Probe("a reason of 124 bytes", LTS_EINVAL, mentions: "123") { lts_close($0, 1, 1000, manyBytes, 124) },
        Probe("a reason that is not UTF-8", LTS_EPARSE, mentions: "reason") { lts_close($0, 1, 1000, notUTF8, notUTF8Length) },
    ]),
    "lts_component_register": .method(valid: { lts_component_register($0, 1, "c", 1, 1, "<p>1</p>", 8) }, whenStopped: LTS_ESTATE,
                                      probes: componentProbes { lts_component_register($0, $1, $2, $3, 1, "<p>1</p>", 8) } + [
        Probe("NULL html with a length", LTS_EINVAL, mentions: "html_len") { lts_component_register($0, 1, "c", 1, 1, nil, 8) },
        Probe("html that is not UTF-8", LTS_EPARSE, mentions: "html") { lts_component_register($0, 1, "c", 1, 1, notUTF8, notUTF8Length) },
        Probe("html over max_live_message_bytes", LTS_ETOOBIG, mentions: "max_live_message_bytes (\(liveMessageLimit))") {
            lts_component_register($0, 1, "c", 1, 1, manyBytes, liveMessageLimit + 1)
        },
    ]),
    "lts_component_update": .method(valid: { lts_component_update($0, 1, "c", 1, 1, "<p>1</p>", 8) }, whenStopped: LTS_ESTATE,
                                    probes: componentProbes { lts_component_update($0, $1, $2, $3, 1, "<p>1</p>", 8) } + [
        Probe("NULL html with a length", LTS_EINVAL, mentions: "html_len") { lts_component_update($0, 1, "c", 1, 1, nil, 8) },
        Probe("html that is not UTF-8", LTS_EPARSE, mentions: "html") { lts_component_update($0, 1, "c", 1, 1, notUTF8, notUTF8Length) },
        Probe("html over max_live_message_bytes", LTS_ETOOBIG, mentions: "max_live_message_bytes (\(liveMessageLimit))") {
            lts_component_update($0, 1, "c", 1, 1, manyBytes, liveMessageLimit + 1)
        },
    ]),
    "lts_component_update_splices": .method(valid: { lts_component_update_splices($0, 1, "c", 1, 1, 8, oneSplice, 1) }, whenStopped: LTS_ESTATE,
                                            probes: componentProbes { lts_component_update_splices($0, $1, $2, $3, 1, 8, oneSplice, 1) } + [
        Probe("NULL splices with a count", LTS_EINVAL, mentions: "splices") { lts_component_update_splices($0, 1, "c", 1, 1, 8, nil, 1) },
        Probe("a base_len past SIZE_MAX/2", LTS_EINVAL, mentions: "base_len") { lts_component_update_splices($0, 1, "c", 1, 1, hugeLength, oneSplice, 1) },
        Probe("splices out of order", LTS_EINVAL, mentions: "out of order") { lts_component_update_splices($0, 1, "c", 1, 1, 8, backwards, 2) },
        Probe("a splice past base_len", LTS_EINVAL, mentions: "base_len 8") { lts_component_update_splices($0, 1, "c", 1, 1, 8, pastBase, 1) },
        Probe("a NULL text with a length", LTS_EINVAL, mentions: "text_len") { lts_component_update_splices($0, 1, "c", 1, 1, 8, nullText, 1) },
        Probe("a text that is not UTF-8", LTS_EPARSE, mentions: "text") { lts_component_update_splices($0, 1, "c", 1, 1, 8, badText, 1) },
        Probe("html over max_live_message_bytes", LTS_ETOOBIG, mentions: "max_live_message_bytes (\(liveMessageLimit))") {
            lts_component_update_splices($0, 1, "c", 1, 1, 8, bigText, 1)
        },
    ]),
    "lts_component_unregister": .method(valid: { lts_component_unregister($0, 1, "c", 1) }, whenStopped: LTS_ESTATE,
                                        probes: componentProbes { lts_component_unregister($0, $1, $2, $3) }),
    "lts_reply_error": .method(valid: { lts_reply_error($0, 1, "c", 1, 1, "no", 2) }, whenStopped: LTS_ESTATE,
                               probes: componentProbes { lts_reply_error($0, $1, $2, $3, 1, "no", 2) } + [
        Probe("a NULL reason with a length", LTS_EINVAL, mentions: "reason_len") { lts_reply_error($0, 1, "c", 1, 1, nil, 2) },
        Probe("a reason that is not UTF-8", LTS_EPARSE, mentions: "reason") { lts_reply_error($0, 1, "c", 1, 1, notUTF8, notUTF8Length) },
    ]),
    "lts_subscribe": .method(valid: { lts_subscribe($0, 1, "c", 1, "t", 1) }, whenStopped: LTS_ESTATE,
                             probes: componentProbes { lts_subscribe($0, $1, $2, $3, "t", 1) } + topicProbes { lts_subscribe($0, 1, "c", 1, $1, $2) }),
    "lts_unsubscribe": .method(valid: { lts_unsubscribe($0, 1, "c", 1, "t", 1) }, whenStopped: LTS_ESTATE,
                               probes: componentProbes { lts_unsubscribe($0, $1, $2, $3, "t", 1) } + topicProbes { lts_unsubscribe($0, 1, "c", 1, $1, $2) }),
    "lts_conn_subscribe": .method(valid: { lts_conn_subscribe($0, 1, "t", 1) }, whenStopped: LTS_ESTATE,
                                  probes: [Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_conn_subscribe($0, 0, "t", 1) }]
                                      + topicProbes { lts_conn_subscribe($0, 1, $1, $2) }),
    "lts_conn_unsubscribe": .method(valid: { lts_conn_unsubscribe($0, 1, "t", 1) }, whenStopped: LTS_ESTATE,
                                    probes: [Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_conn_unsubscribe($0, 0, "t", 1) }]
                                        + topicProbes { lts_conn_unsubscribe($0, 1, $1, $2) }),
    "lts_host_subscribe": .method(valid: { lts_host_subscribe($0, "t", 1) }, whenStopped: LTS_ESTATE,
                                  probes: topicProbes { lts_host_subscribe($0, $1, $2) }),
    "lts_host_unsubscribe": .method(valid: { lts_host_unsubscribe($0, "t", 1) }, whenStopped: LTS_ESTATE,
                                    probes: topicProbes { lts_host_unsubscribe($0, $1, $2) }),
    "lts_publish": .method(valid: { lts_publish($0, "t", 1, "d", 1) }, whenStopped: LTS_ESTATE, probes: topicProbes { lts_publish($0, $1, $2, "d", 1) } + [
        Probe("NULL data with a length", LTS_EINVAL, mentions: "data_len") { lts_publish($0, "t", 1, nil, 2) },
        Probe("a reserved topic", LTS_EINVAL, mentions: #""lts:x" is reserved"#) { lts_publish($0, "lts:x", 5, "d", 1) },
        Probe("data that is not UTF-8", LTS_EPARSE, mentions: "data") { lts_publish($0, "t", 1, notUTF8, notUTF8Length) },
    ]),
    "lts_presence_track": .method(valid: { lts_presence_track($0, 1, "t", 1, "k", 1, "{}", 2) }, whenStopped: LTS_ESTATE, probes: [
        Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_presence_track($0, 0, "t", 1, "k", 1, nil, 0) },
        Probe("an empty topic", LTS_EINVAL, mentions: "topic") { lts_presence_track($0, 1, "t", 0, "k", 1, nil, 0) },
        Probe("an empty key", LTS_EINVAL, mentions: "key") { lts_presence_track($0, 1, "t", 1, "k", 0, nil, 0) },
        Probe("a NULL meta with a length", LTS_EINVAL, mentions: "meta_len") { lts_presence_track($0, 1, "t", 1, "k", 1, nil, 3) },
        Probe("a reserved topic", LTS_EINVAL, mentions: "reserved") { lts_presence_track($0, 1, "lts:x", 5, "k", 1, nil, 0) },
        Probe("a key that is not UTF-8", LTS_EPARSE, mentions: "key is not valid UTF-8") {
            lts_presence_track($0, 1, "t", 1, notUTF8, notUTF8Length, nil, 0)
        },
        Probe("a meta over 64 KiB", LTS_ETOOBIG, mentions: "meta_json of 65537 bytes") {
            lts_presence_track($0, 1, "t", 1, "k", 1, manyBytes, 64 * 1024 + 1)
        },
        Probe("a meta that is not JSON", LTS_EPARSE, mentions: "meta_json is not one JSON value") {
            lts_presence_track($0, 1, "t", 1, "k", 1, "{nope", 5)
        },
    ]),
    "lts_presence_untrack": .method(valid: { lts_presence_untrack($0, 1, "t", 1, "k", 1) }, whenStopped: LTS_ESTATE, probes: [
        Probe("conn 0", LTS_EINVAL, mentions: "conn") { lts_presence_untrack($0, 0, "t", 1, "k", 1) },
        Probe("a NULL key with a length", LTS_EINVAL, mentions: "key_len") { lts_presence_untrack($0, 1, "t", 1, nil, 1) },
        Probe("a key that is not UTF-8", LTS_EPARSE, mentions: "key") { lts_presence_untrack($0, 1, "t", 1, notUTF8, notUTF8Length) },
    ]),
    "lts_presence_list": .method(valid: { server in
        var out: UnsafeMutablePointer<CChar>?, length = 0
        defer { lts_free(out) }
        return lts_presence_list(server, "t", 1, &out, &length)
    }, whenStopped: LTS_ESTATE, probes: [
        Probe("a NULL out_json", LTS_EINVAL, mentions: "out_json") { var n = 0; return lts_presence_list($0, "t", 1, nil, &n) },
        Probe("a NULL out_len", LTS_EINVAL, mentions: "out_len") {
            var out: UnsafeMutablePointer<CChar>?
            return lts_presence_list($0, "t", 1, &out, nil)
        },
        Probe("an empty topic", LTS_EINVAL, mentions: "topic") {
            var out: UnsafeMutablePointer<CChar>?, n = 0
            return lts_presence_list($0, "t", 0, &out, &n)
        },
    ]),
]

private var lastError: String { String(cString: lts_last_error()) }

/// The lts_ functions include/livetscore.h declares, read from the file.
private func declaredFunctions() throws -> Set<String> {
    let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../include/livetscore.h").standardized
    let text = try String(contentsOf: header, encoding: .utf8)
    var names: Set<String> = []
    for line in text.split(separator: "\n") {
        // Declarations start at column 0; struct fields, comments and macros do not, or start with these.
        guard let first = line.first, first.isLetter, !line.hasPrefix("typedef"), let start = line.range(of: "lts_") else { continue }
        let name = line[start.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        if line[name.endIndex...].hasPrefix("(") { names.insert(String(name)) }
    }
    return names
}

/// The LTS_E* codes the header defines, by name.
private func declaredErrorCodes() throws -> [(name: String, code: Int32)] {
    let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../include/livetscore.h").standardized
    let text = try String(contentsOf: header, encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 3, words[0] == "#define", words[1].hasPrefix("LTS_E") || words[1] == "LTS_OK",
              let code = Int32(words[2]), code <= 0 else { return nil }
        return (String(words[1]), code)
    }
}

/// What another thread saw; read only after `done`.
private final class OtherThread: @unchecked Sendable {
    var before = "unset"
    var after = ""
    let done = DispatchSemaphore(value: 0)
}

private final class LoopThreadCalls {
    var stopCode: Int32 = 0
    var stopError = ""
    var freeError = ""
}

private let stopAndFreeFromTheLoopThread: @convention(c) (OpaquePointer?, UnsafePointer<lts_request>?, UnsafeMutableRawPointer?) -> Void = {
    server, request, userdata in
    let calls = Unmanaged<LoopThreadCalls>.fromOpaque(userdata!).takeUnretainedValue()
    calls.stopCode = lts_server_stop(server)
    calls.stopError = String(cString: lts_last_error())
    lts_server_free(server)
    calls.freeError = String(cString: lts_last_error())
    _ = lts_respond(server, request!.pointee.id, 200, nil, 0, "ok", 2)
}

final class ABIContractTests: XCTestCase {
    override func tearDown() {
        for server in probeServers { lts_server_free(server) }
        probeServers.removeAll()
    }

    func testEveryDeclaredFunctionHasARow() throws {
        let declared = try declaredFunctions()
        XCTAssertGreaterThan(declared.count, 30, "the header parse found too few functions")
        XCTAssertEqual(declared.subtracting(contract.keys).sorted(), [], "declared in livetscore.h but missing from the contract table")
        XCTAssertEqual(Set(contract.keys).subtracting(declared).sorted(), [], "in the contract table but not declared in livetscore.h")
    }

    func testVersionAndCodeNames() throws {
        XCTAssertEqual(lts_version_number(), LTS_VERSION_NUMBER)
        XCTAssertEqual(String(cString: lts_version_string()), LTS_VERSION_STRING)
        XCTAssertEqual(LTS_VERSION_NUMBER, LTS_VERSION_MAJOR * 10000 + LTS_VERSION_MINOR * 100 + LTS_VERSION_PATCH)
        let codes = try declaredErrorCodes()
        XCTAssertEqual(codes.count, 11, "LTS_OK and ten LTS_E* codes")
        XCTAssertTrue(codes.contains { $0.name == "LTS_EMISUSE" && $0.code == LTS_EMISUSE })
        for (name, code) in codes {
            XCTAssertEqual(String(cString: lts_err_name(code)), name)
        }
        XCTAssertEqual(Set(codes.map { String(cString: lts_err_name($0.code)) }).count, codes.count)
        let sentences = codes.map { String(cString: lts_strerror($0.code)) }
        XCTAssertEqual(Set(sentences).count, codes.count, "one sentence per code")
        XCTAssertFalse(sentences.contains("unknown error code"))
        XCTAssertEqual(String(cString: lts_err_name(-999)), "unknown")
        XCTAssertEqual(String(cString: lts_strerror(-999)), "unknown error code")
    }

    func testAHandleThatIsNotALiveServerIsMisuseWhateverTheArguments() {
        let freed = newServer()
        XCTAssertEqual(lts_server_start(freed), LTS_OK)
        lts_server_free(freed)
        var local = 0
        withUnsafeMutablePointer(to: &local) { address in
            let handles: [(String, OpaquePointer?)] = [("NULL", nil), ("freed", freed), ("foreign", OpaquePointer(address))]
            for (name, row) in contract.sorted(by: { $0.key < $1.key }) {
                for (kind, handle) in handles {
                    switch row {
                    case .method(let valid, _, let probes):
                        XCTAssertEqual(valid(handle), LTS_EMISUSE, "\(name) with a \(kind) handle")
                        XCTAssertTrue(lastError.hasPrefix(name), "\(name) with a \(kind) handle: \(lastError)")
                        for probe in probes where !probe.ownServer {
                            XCTAssertEqual(probe.call(handle), LTS_EMISUSE, "\(name) with a \(kind) handle and \(probe.what)")
                            XCTAssertTrue(lastError.hasPrefix(name), "\(name): \(lastError)")
                        }
                    case .destructor:
                        lts_server_free(handle)
                        if handle == nil {
                            XCTAssertEqual(lastError, "", "freeing NULL is no failure")
                        } else {
                            XCTAssertTrue(lastError.hasPrefix("lts_server_free: 0x"), "\(kind): \(lastError)")
                        }
                    case .infallible, .constructorOrHelper:
                        break
                    }
                }
            }
        }
    }

    func testBadArgumentsGetTheirDocumentedCodeAndASentence() {
        let server = newServer()
        defer { lts_server_free(server) }
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        var probed = 0
        for (name, row) in contract.sorted(by: { $0.key < $1.key }) {
            let probes: [Probe]
            switch row {
            case .method(_, _, let list), .constructorOrHelper(let list): probes = list
            case .infallible, .destructor: probes = []
            }
            for probe in probes {
                let code = probe.call(server)
                let sentence = lastError
                XCTAssertEqual(code, probe.expected, "\(name) with \(probe.what) gave \(String(cString: lts_err_name(code))): \(sentence)")
                XCTAssertFalse(sentence.isEmpty, "\(name) with \(probe.what) left no lts_last_error")
                if probe.namesFunction { XCTAssertTrue(sentence.hasPrefix(name), "\(name) with \(probe.what): \(sentence)") }
                XCTAssertTrue(sentence.contains(probe.mentions), "\(name) with \(probe.what): \(sentence)")
                probed += 1
            }
        }
        XCTAssertGreaterThan(probed, 100)
        XCTAssertEqual(lts_server_port(server) > 0, true, "no probe disturbed the server")
        XCTAssertEqual(lastError, "", "a call that succeeds clears the last error")
    }

    func testAStoppedServerIsAStateError() {
        let server = newServer()
        defer { lts_server_free(server) }
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        XCTAssertEqual(lts_server_stop(server), LTS_OK)
        for (name, row) in contract.sorted(by: { $0.key < $1.key }) {
            guard case .method(let valid, let whenStopped, _) = row else { continue }
            XCTAssertEqual(valid(server), whenStopped, "\(name) on a stopped server")
            if whenStopped != LTS_OK {
                XCTAssertTrue(lastError.hasPrefix(name) && lastError.contains("stopped"), "\(name): \(lastError)")
            }
        }
    }

    func testInfallibleFunctionsLeaveTheLastErrorForTheReport() {
        XCTAssertEqual(lts_send(nil, 1, "x", 1), LTS_EMISUSE)
        let sentence = lastError
        XCTAssertEqual(sentence, "lts_send: the server handle is NULL")
        for (name, row) in contract {
            guard case .infallible(let call) = row else { continue }
            call()
            XCTAssertEqual(lastError, sentence, "\(name) changed lts_last_error")
        }
    }

    func testTheLastErrorBelongsToTheCallingThread() {
        XCTAssertEqual(lts_send(nil, 1, "x", 1), LTS_EMISUSE)
        let elsewhere = OtherThread()
        Thread {
            elsewhere.before = String(cString: lts_last_error())
            _ = lts_host_subscribe(nil, "t", 1)
            elsewhere.after = String(cString: lts_last_error())
            elsewhere.done.signal()
        }.start()
        XCTAssertEqual(elsewhere.done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(elsewhere.before, "", "a thread that made no failing call has no last error")
        XCTAssertTrue(elsewhere.after.hasPrefix("lts_host_subscribe"))
        XCTAssertEqual(lastError, "lts_send: the server handle is NULL", "another thread's failure does not replace this one's")
    }

    func testARedisPasswordIsNotEchoed() {
        XCTAssertEqual("redis://:secret@127.0.0.1:6379?timeout=1".withCString { url in serverNew { $0.redis_url = url } }, LTS_EINVAL)
        XCTAssertTrue(lastError.hasPrefix("lts_config.redis_url"), lastError)
        XCTAssertFalse(lastError.contains("secret"), lastError)
    }

    func testStopAndFreeFromACallbackAreMisuseAndStopNothing() {
        let calls = LoopThreadCalls()
        var config = lts_config()
        var callbacks = lts_callbacks()
        callbacks.on_request = stopAndFreeFromTheLoopThread
        var server: OpaquePointer?
        XCTAssertEqual(lts_server_new(&config, &callbacks, Unmanaged.passUnretained(calls).toOpaque(), &server), LTS_OK)
        defer { lts_server_free(server) }
        XCTAssertEqual(lts_server_start(server), LTS_OK)
        let client = TestClient(port: lts_server_port(server))
        client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.body, "ok", "the server still answers after both calls")
        XCTAssertEqual(calls.stopCode, LTS_EMISUSE)
        XCTAssertTrue(calls.stopError.hasPrefix("lts_server_stop called from a callback on the loop thread"), calls.stopError)
        XCTAssertTrue(calls.freeError.hasPrefix("lts_server_free called from a callback on the loop thread"), calls.freeError)
        XCTAssertGreaterThan(lts_server_port(server), 0, "the handle is still live")
    }
}
