import CLiveTS
import LiveTSEngine
import LiveTSNet

/// The object behind an `lts_server *`: the engine plus the host's C
/// callbacks, which it calls on the loop thread with borrowed pointers.
final class CoreServer: EngineHost {
    let callbacks: lts_callbacks
    let userdata: UnsafeMutableRawPointer?
    var engine: LiveEngine!
    /// The engine again, for lts_send from a callback: used through
    /// Unmanaged it costs no retain and release per message.
    private(set) var engineRef: Unmanaged<LiveEngine>?
    var handle: OpaquePointer?
    var stopped = false
    /// Set before start by lts_server_set_http_callbacks.
    var httpCallbacks: lts_http_callbacks?
    /// Set before start by lts_server_set_upload_callback.
    var onUpload: lts_upload_cb?
    /// The text message on_message has in hand, while it runs. Loop thread only.
    private var lentText: UnsafeRawBufferPointer?

    init(settings: ServerSettings, limits: LiveLimits, mode: EngineMode, callbacks: lts_callbacks,
         userdata: UnsafeMutableRawPointer?) throws {
        self.callbacks = callbacks
        self.userdata = userdata
        engine = try LiveEngine(settings: settings, limits: limits, mode: mode, host: self)
        engineRef = Unmanaged.passUnretained(engine)
        engine.deliverRawMessages(to: MessageSink(target: Unmanaged.passUnretained(self).toOpaque()) { target, connection, bytes, count, binary in
            Unmanaged<CoreServer>.fromOpaque(target)._withUnsafeGuaranteedRef {
                $0.engineMessage(connection: connection, bytes: UnsafeRawBufferPointer(start: bytes, count: count), binary: binary)
            }
        })
    }

    func engineRequest(_ request: HTTPRequest, id: UInt64) {
        guard let callback = callbacks.on_request else {
            engine.http.respond(request: id, status: 404, headers: [], body: Array("404 Not Found\n".utf8))
            return
        }
        withCRequest(request, id: id, body: request.body) { callback(handle, $0, userdata) }
    }

    func engineOpen(connection: UInt64, request: HTTPRequest) {
        guard let callback = callbacks.on_open else { return }
        // The upgrade is answered already: no id, and its body is not the host's.
        withCRequest(request, id: 0, body: []) { callback(handle, connection, $0, userdata) }
    }

    /// `request` as an lts_request, valid during `body`.
    private func withCRequest(_ request: HTTPRequest, id: UInt64, body requestBody: [UInt8], _ body: (UnsafePointer<lts_request>) -> Void) {
        let headers = request.rawHeaders
        withCBytes(request.method) { method, methodLength in
            withCBytes(request.target) { target, targetLength in
                withCBytes(headers) { headerBytes, headersLength in
                    withCBytes(requestBody) { bodyBytes, bodyLength in
                        withCBytes(request.clientAddress) { address, addressLength in
                            var r = lts_request(id: id, method: method, method_len: methodLength, target: target, target_len: targetLength,
                                                headers: headerBytes, headers_len: headersLength, body: bodyBytes, body_len: bodyLength,
                                                address: address, address_len: addressLength)
                            body(&r)
                        }
                    }
                }
            }
        }
    }

    func engineClose(connection: UInt64, code: UInt16) {
        callbacks.on_close?(handle, connection, Int32(code), userdata)
    }

    func engineLiveEvent(_ event: LiveEvent) {
        guard let callback = callbacks.on_live_event else { return }
        withCBytes(event.component) { component, componentLength in
            withCBytes(event.name) { name, nameLength in
                withCBytes(event.payload) { payload, payloadLength in
                    withCBytes(event.address) { address, addressLength in
                        var e = lts_live_event(kind: event.kind.rawValue, conn: event.connection, ref: event.ref,
                                               component: component, component_len: componentLength, name: name, name_len: nameLength,
                                               payload: payload, payload_len: payloadLength, address: address, address_len: addressLength)
                        callback(handle, &e, userdata)
                    }
                }
            }
        }
    }

    func engineMessage(connection: UInt64, bytes: UnsafeRawBufferPointer, binary: Bool) {
        guard let callback = callbacks.on_message else { return }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            withCBytes([]) { callback(handle, connection, $0, $1, binary ? 1 : 0, userdata) }
            return
        }
        if !binary { lentText = bytes }
        callback(handle, connection, base.assumingMemoryBound(to: CChar.self), bytes.count, binary ? 1 : 0, userdata)
        lentText = nil
    }

    /// Whether `bytes` are text already checked: within the message lent to
    /// on_message now (valid UTF-8), cut at character boundaries. An echo
    /// is then validated once, not again by lts_send. Loop thread only:
    /// `lentText` is read only once that is known.
    func isLentText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // The thread first: `lentText` must not be read off the loop thread.
        guard engineRef?._withUnsafeGuaranteedRef({ $0.loop.isOnLoopThread }) == true, let lent = lentText,
              let base = bytes.baseAddress, let lentBase = lent.baseAddress else { return false }
        let start = base - lentBase
        let end = start + bytes.count
        guard start >= 0, end <= lent.count, bytes.count > 0 else { return false }
        let isContinuation = { (i: Int) in lent[i] & 0xC0 == 0x80 }
        return !isContinuation(start) && (end == lent.count || !isContinuation(end))
    }

    func engineNotice(_ notice: RefusalNotice) {
        guard let callback = callbacks.on_notice else { return }
        withCBytes(notice.address) { address, addressLength in
            withCBytes(notice.detail) { detail, detailLength in
                var n = lts_notice(cause: Int32(notice.cause.rawValue), conn: notice.connection, count: notice.count,
                                   address: address, address_len: addressLength, detail: detail, detail_len: detailLength)
                callback(handle, &n, userdata)
            }
        }
    }

    func engineUpload(_ event: UploadEvent) {
        guard let callback = onUpload else { return }
        withCBytes(event.component) { c, cl in
            withCBytes(event.entry) { e, el in
                withCBytes(event.path) { p, pl in
                    withCBytes(event.reason) { r, rl in
                        var u = lts_upload_event(kind: event.kind.rawValue, conn: event.connection, component: c, component_len: cl,
                                                 entry: e, entry_len: el, received: event.received, size: event.size,
                                                 path: p, path_len: pl, reason: r, reason_len: rl)
                        callback(handle, &u, userdata)
                    }
                }
            }
        }
    }

    func engineInfo(connection: UInt64, component: [UInt8], topic: [UInt8], data: [UInt8]) {
        guard let callback = callbacks.on_info else { return }
        withCBytes(component) { c, cl in
            withCBytes(topic) { t, tl in
                withCBytes(data) { d, dl in callback(handle, connection, c, cl, t, tl, d, dl, userdata) }
            }
        }
    }
}

extension CoreServer {
    /// LTS_ESTATE for a method that needs a running server, saying which way it is not.
    func notRunning(_ function: StaticString) -> Int32 {
        if stopped {
            return fail(LTS_ESTATE, "\(function): the server was stopped (a stopped server cannot be used again)")
        }
        return fail(LTS_ESTATE, "\(function): the server is not started (call lts_server_start first)")
    }
}
