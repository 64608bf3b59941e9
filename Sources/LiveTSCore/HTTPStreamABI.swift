import CLiveTS
import LiveTSEngine
import LiveTSNet

// Streamed HTTP requests (livetscore.h, "Streamed HTTP"). Each call is
// checked against the ledger at once, then runs on the loop in call order.

@_cdecl("lts_server_set_http_callbacks")
public func lts_server_set_http_callbacks(_ handle: OpaquePointer?, _ callbacks: UnsafePointer<lts_http_callbacks>?) -> Int32 {
    guard let server = enter(handle, "lts_server_set_http_callbacks") else { return LTS_EMISUSE }
    guard let callbacks else { return fail(LTS_EINVAL, "lts_server_set_http_callbacks: callbacks is NULL") }
    guard callbacks.pointee.on_request_head != nil else {
        return fail(LTS_EINVAL, "lts_server_set_http_callbacks: on_request_head is NULL (it is the one callback every streamed request needs)")
    }
    guard !server.engine.isRunning, !server.stopped else {
        return fail(LTS_ESTATE, "lts_server_set_http_callbacks: only before lts_server_start (the server is \(server.stopped ? "stopped" : "running"))")
    }
    server.httpCallbacks = callbacks.pointee
    server.engine.streamRequests()
    return LTS_OK
}

@_cdecl("lts_request_consume")
public func lts_request_consume(_ handle: OpaquePointer?, _ id: UInt64, _ bytes: Int) -> Int32 {
    guard let server = enter(handle, "lts_request_consume") else { return LTS_EMISUSE }
    guard isRequest("lts_request_consume", id) else { return LTS_EINVAL }
    guard bytes >= 0 else { return fail(LTS_EINVAL, "lts_request_consume: bytes \(UInt(bitPattern: bytes)) is more than any body delivered") }
    guard server.engine.isRunning else { return server.notRunning("lts_request_consume") }
    if case .failure(let refusal) = server.engine.http.responses.consume(id, bytes: bytes) {
        return refused("lts_request_consume", id, refusal)
    }
    if bytes > 0 { server.engine.consumeBody(request: id, bytes: bytes) }
    return LTS_OK
}

@_cdecl("lts_response_start")
public func lts_response_start(_ handle: OpaquePointer?, _ id: UInt64, _ status: Int32, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int,
                               _ headers: UnsafePointer<CChar>?, _ headersLength: Int) -> Int32 {
    guard let server = enter(handle, "lts_response_start") else { return LTS_EMISUSE }
    guard isRequest("lts_response_start", id) else { return LTS_EINVAL }
    let given: (reason: [UInt8], head: HostResponseHead)
    switch responseHead("lts_response_start", status, reason, reasonLength, headers, headersLength) {
    case .failure(let code): return code.rawValue
    case .success(let checked): given = checked
    }
    guard server.engine.isRunning else { return server.notRunning("lts_response_start") }
    switch server.engine.http.responses.start(id, status: Int(status), head: given.head) {
    case .failure(let refusal):
        return refused("lts_response_start", id, refusal)
    case .success(let framing):
        server.engine.startResponse(request: id, status: Int(status), reason: given.reason, head: given.head, framing: framing)
        return LTS_OK
    }
}

@_cdecl("lts_response_send")
public func lts_response_send(_ handle: OpaquePointer?, _ id: UInt64, _ status: Int32, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int,
                              _ headers: UnsafePointer<CChar>?, _ headersLength: Int, _ data: UnsafeRawPointer?, _ length: Int) -> Int32 {
    guard let server = enter(handle, "lts_response_send") else { return LTS_EMISUSE }
    guard isRequest("lts_response_send", id) else { return LTS_EINVAL }
    let given: (reason: [UInt8], head: HostResponseHead)
    switch responseHead("lts_response_send", status, reason, reasonLength, headers, headersLength) {
    case .failure(let code): return code.rawValue
    case .success(let checked): given = checked
    }
    guard let bytes = borrowArgument("lts_response_send", "data", "len", data, length) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return server.notRunning("lts_response_send") }
    switch server.engine.http.responses.whole(id, status: Int(status), head: given.head, count: bytes.count) {
    case .failure(let refusal):
        return refused("lts_response_send", id, refusal)
    case .success(let counted):
        var short = false
        if case .length(let declared) = counted.framing { short = counted.written < declared }
        server.engine.sendResponse(request: id, status: Int(status), reason: given.reason, head: given.head, framing: counted.framing,
                                   bytes: framedBody(bytes, counted.framing, last: true), short: short)
        return LTS_OK
    }
}

/// A failed check's code, its sentence already set (lts_last_error).
private struct ABICode: Error {
    let rawValue: Int32
}

/// The checks of lts_response_start's status, reason and header block.
private func responseHead(_ function: StaticString, _ status: Int32, _ reason: UnsafePointer<CChar>?, _ reasonLength: Int,
                          _ headers: UnsafePointer<CChar>?, _ headersLength: Int) -> Result<(reason: [UInt8], head: HostResponseHead), ABICode> {
    guard (200...999).contains(status) else {
        return .failure(ABICode(rawValue: fail(LTS_EINVAL, "\(function): status must be 200 to 999 (1xx answers are the core's), got \(status)")))
    }
    guard let reasonBytes = copyArgument(function, "reason", "reason_len", reason, reasonLength) else { return .failure(ABICode(rawValue: LTS_EINVAL)) }
    guard let headerBytes = copyArgument(function, "headers", "headers_len", headers, headersLength) else { return .failure(ABICode(rawValue: LTS_EINVAL)) }
    guard reasonBytes.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
        let shown = String(decoding: reasonBytes.prefix(60), as: UTF8.self).debugDescription
        return .failure(ABICode(rawValue: fail(LTS_EPARSE, "\(function): reason \(shown) holds a control character")))
    }
    switch HostResponseHead.inspect(headerBytes) {
    case .success(let inspected): return .success((reasonBytes, inspected))
    case .failure(.malformed(let why)): return .failure(ABICode(rawValue: fail(LTS_EPARSE, "\(function): \(why)")))
    case .failure(.contradictory(let why)): return .failure(ABICode(rawValue: fail(LTS_EINVAL, "\(function): \(why)")))
    }
}

@_cdecl("lts_response_write")
public func lts_response_write(_ handle: OpaquePointer?, _ id: UInt64, _ data: UnsafeRawPointer?, _ length: Int) -> Int32 {
    guard let server = enter(handle, "lts_response_write") else { return LTS_EMISUSE }
    return writeBody(server, "lts_response_write", id, data, length, last: false)
}

@_cdecl("lts_response_end")
public func lts_response_end(_ handle: OpaquePointer?, _ id: UInt64, _ data: UnsafeRawPointer?, _ length: Int) -> Int32 {
    guard let server = enter(handle, "lts_response_end") else { return LTS_EMISUSE }
    return writeBody(server, "lts_response_end", id, data, length, last: true)
}

@_cdecl("lts_server_hold_calls")
public func lts_server_hold_calls(_ handle: OpaquePointer?) -> Int32 {
    guard let server = enter(handle, "lts_server_hold_calls") else { return LTS_EMISUSE }
    guard server.engine.isRunning else { return server.notRunning("lts_server_hold_calls") }
    server.engine.holdWakeups()
    return LTS_OK
}

@_cdecl("lts_server_release_calls")
public func lts_server_release_calls(_ handle: OpaquePointer?) -> Int32 {
    guard let server = enter(handle, "lts_server_release_calls") else { return LTS_EMISUSE }
    // Even once stopped: what was held must not wait for a wake-up that never comes.
    server.engine.releaseWakeups()
    return LTS_OK
}

@_cdecl("lts_request_abort")
public func lts_request_abort(_ handle: OpaquePointer?, _ id: UInt64) -> Int32 {
    guard let server = enter(handle, "lts_request_abort") else { return LTS_EMISUSE }
    guard isRequest("lts_request_abort", id) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return server.notRunning("lts_request_abort") }
    guard server.engine.http.responses.contains(id) else { return refused("lts_request_abort", id, .unknown) }
    server.engine.abortRequest(id)
    return LTS_OK
}

private func writeBody(_ server: CoreServer, _ function: StaticString, _ id: UInt64, _ data: UnsafeRawPointer?, _ length: Int, last: Bool) -> Int32 {
    guard isRequest(function, id) else { return LTS_EINVAL }
    guard let bytes = borrowArgument(function, "data", "len", data, length) else { return LTS_EINVAL }
    guard server.engine.isRunning else { return server.notRunning(function) }
    let outcome: (framing: ResponseLedger.BodyFraming, wait: Bool, written: Int)
    switch server.engine.http.responses.write(id, count: bytes.count, last: last) {
    case .failure(let refusal): return refused(function, id, refusal)
    case .success(let counted): outcome = counted
    }
    let framed = framedBody(bytes, outcome.framing, last: last)
    if last {
        var short = false
        if case .length(let declared) = outcome.framing { short = outcome.written < declared }
        server.engine.endResponse(request: id, bytes: framed, count: outcome.framing == .none ? 0 : bytes.count, short: short)
        return LTS_OK
    }
    if !bytes.isEmpty { server.engine.writeResponse(request: id, bytes: framed, count: outcome.framing == .none ? 0 : bytes.count) }
    return outcome.wait ? LTS_BUFFERED : LTS_OK
}

/// Body bytes as the socket carries them: a chunk with its size line when
/// chunked, and the last chunk after the end's bytes.
private func framedBody(_ bytes: UnsafeRawBufferPointer, _ framing: ResponseLedger.BodyFraming, last: Bool) -> [UInt8] {
    var framed: [UInt8] = []
    switch framing {
    case .none:
        break
    case .length, .untilClose:
        framed = Array(bytes)
    case .chunked:
        if !bytes.isEmpty {
            framed.reserveCapacity(bytes.count + 20)
            framed += Array(String(bytes.count, radix: 16).utf8) + [13, 10]
            framed += bytes
            framed += [13, 10]
        }
        if last { framed += Array("0\r\n\r\n".utf8) }
    }
    return framed
}

private func isRequest(_ function: StaticString, _ id: UInt64) -> Bool {
    guard id != 0 else {
        _ = fail(LTS_EINVAL, "\(function): id is 0, which is never a request (use lts_http_request.id)")
        return false
    }
    return true
}

/// The ledger's refusal as a code and a sentence.
func refused(_ function: StaticString, _ id: UInt64, _ refusal: ResponseLedger.Refusal) -> Int32 {
    switch refusal {
    case .unknown:
        return fail(LTS_ENOTFOUND, "\(function): request \(id) is unknown or done (on_request_done has come or is coming: the client may have left)")
    case .notStarted:
        return fail(LTS_ESTATE, "\(function): request \(id) has no head yet (call lts_response_start first)")
    case .alreadyStarted:
        return fail(LTS_ESTATE, "\(function): request \(id) already has its head (lts_response_start or lts_respond was called)")
    case .ended:
        return fail(LTS_ESTATE, "\(function): the response to request \(id) has ended")
    case .overLength(let declared, let written):
        return fail(LTS_EINVAL, "\(function): request \(id) would get \(written) body bytes, past its Content-Length \(declared); nothing was sent")
    case .overConsumed(let unconsumed):
        return fail(LTS_EINVAL, "\(function): request \(id) has only \(unconsumed) body bytes delivered and not yet consumed")
    }
}
