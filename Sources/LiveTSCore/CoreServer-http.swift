import CLiveTS
import LiveTSEngine
import LiveTSNet

/// Streamed requests reaching the host's lts_http_callbacks, with
/// pointers borrowed for the duration of each call.
extension CoreServer {
    func engineRequestHead(_ request: HTTPRequest, id: UInt64, bodyFraming: HTTPParser.BodyFraming) {
        guard let callback = httpCallbacks?.on_request_head else { return }
        let bodyLength: Int64
        switch bodyFraming {
        case .none: bodyLength = 0
        case .length(let n): bodyLength = Int64(n)
        case .chunked: bodyLength = -1
        }
        let headers = request.rawHeaders
        withCBytes(request.method) { method, methodLength in
            withCBytes(request.target) { target, targetLength in
                withCBytes(headers) { headerBytes, headersLength in
                    withCBytes(request.clientAddress) { address, addressLength in
                        var r = lts_http_request(id: id, method: method, method_len: methodLength, target: target, target_len: targetLength,
                                                 version_minor: Int32(request.minorVersion), headers: headerBytes, headers_len: headersLength,
                                                 address: address, address_len: addressLength, body_length: bodyLength)
                        callback(handle, &r, userdata)
                    }
                }
            }
        }
    }

    func engineRequestBody(_ bytes: [UInt8], id: UInt64) {
        guard let callback = httpCallbacks?.on_request_body else {
            // Nobody reads it: taken as it comes, so the window never fills.
            _ = engine.http.responses.consume(id, bytes: bytes.count)
            engine.consumeBody(request: id, bytes: bytes.count)
            return
        }
        withCBytes(bytes) { callback(handle, id, $0, $1, userdata) }
    }

    func engineRequestEnded(id: UInt64) {
        httpCallbacks?.on_request_end?(handle, id, userdata)
    }

    func engineResponseDrained(id: UInt64) {
        httpCallbacks?.on_response_drain?(handle, id, userdata)
    }

    func engineRequestDone(id: UInt64, aborted: Bool) {
        httpCallbacks?.on_request_done?(handle, id, aborted ? 1 : 0, userdata)
    }
}
