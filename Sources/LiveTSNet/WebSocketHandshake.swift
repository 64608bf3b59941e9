/// Checks an upgrade request (RFC 6455 §4.2.1) and builds the 101 answer.
public enum WebSocketHandshake {
    public static let guid = Array("258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8)

    public enum Outcome {
        case accept(response: [UInt8], deflate: DeflateAgreement?)
        case reject(status: Int, extraHeaders: String)
    }

    /// What a request that may ask for a WebSocket gets.
    enum Decision {
        /// Not an upgrade: served as HTTP.
        case notAnUpgrade
        /// Answered with `status` and closed. `originRefusal` is the reason
        /// when the Origin was it (counted and reported).
        case refuse(status: Int, extraHeaders: String, originRefusal: String?)
        case accept(response: [UInt8], deflate: DeflateAgreement?)
    }

    /// The path, Origin and handshake checks, in that order, against the
    /// server's settings.
    static func decide(_ request: HTTPRequest, settings: ServerSettings) -> Decision {
        guard isUpgrade(request) else { return .notAnUpgrade }
        if let wanted = settings.webSocketPath, wanted != request.path {
            return .refuse(status: 404, extraHeaders: "", originRefusal: nil)
        }
        if let refusal = originRefusal(request, policy: settings.originPolicy, httpsOrigins: settings.httpsOrigins) {
            return .refuse(status: 403, extraHeaders: "", originRefusal: refusal)
        }
        switch respond(to: request, compressionEnabled: settings.compressionEnabled) {
        case .reject(let status, let extraHeaders):
            return .refuse(status: status, extraHeaders: extraHeaders, originRefusal: nil)
        case .accept(let response, let deflate):
            return .accept(response: response, deflate: deflate)
        }
    }

    /// Whether the request asks for a WebSocket at all.
    public static func isUpgrade(_ request: HTTPRequest) -> Bool {
        request.headerHasToken("upgrade", "websocket")
    }

    /// Whether a browser page from `Origin` may open a socket here. Requests
    /// without Origin (non-browser clients) pass: Origin is what protects a
    /// browser user from another site opening a socket with their cookies.
    public static func originAllowed(_ request: HTTPRequest, policy: OriginPolicy) -> Bool {
        guard let origin = request.header("origin") else { return true }
        switch policy {
        case .any:
            return true
        case .list(let allowed):
            return allowed.contains(ASCII.lowercased(origin))
        case .sameHost:
            guard let host = request.header("host"), let separator = origin.firstIndex(of: UInt8(ascii: ":")),
                  origin[separator...].starts(with: "://".utf8) else { return false }
            return ASCII.lowercased(origin[(separator + 3)...]) == ASCII.lowercased(host)
        }
    }

    /// Why an upgrade is refused for its Origin (the detail of a 403), or
    /// nil if it may go on. On a plain-HTTP server an https:// page is
    /// another site, whatever its host, unless a proxy terminates TLS
    /// (`httpsOrigins`) or allowed_origins names it or allows any.
    public static func originRefusal(_ request: HTTPRequest, policy: OriginPolicy, httpsOrigins: Bool) -> String? {
        guard let origin = request.header("origin") else { return nil }
        let shown = String(decoding: origin.prefix(100), as: UTF8.self)
        guard originAllowed(request, policy: policy) else {
            return "An upgrade from Origin \"\(shown)\" got 403: its host is not the Host header's and allowed_origins does not list it (lts_config.allowed_origins)."
        }
        if !httpsOrigins, ASCII.lowercased(origin).starts(with: "https://".utf8) {
            switch policy {
            case .any, .list: return nil
            case .sameHost:
                return "An upgrade from Origin \"\(shown)\" got 403: an https page on this plain-HTTP server means TLS ends at a proxy; say so with lts_config.https_origins."
            }
        }
        return nil
    }

    public static func respond(to request: HTTPRequest, compressionEnabled: Bool = false) -> Outcome {
        guard request.method == Array("GET".utf8) else { return .reject(status: 405, extraHeaders: "Allow: GET\r\n") }
        guard request.minorVersion >= 1, request.headerHasToken("connection", "upgrade") else {
            return .reject(status: 400, extraHeaders: "")
        }
        guard request.header("sec-websocket-version") == Array("13".utf8) else {
            return .reject(status: 426, extraHeaders: "Sec-WebSocket-Version: 13\r\n")
        }
        guard let key = request.header("sec-websocket-key"), let decoded = Base64.decode(key), decoded.count == 16 else {
            return .reject(status: 400, extraHeaders: "")
        }
        let accept = Base64.encode(SHA1.digest(key + guid))
        var response = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ".utf8)
        response += accept
        var agreement: DeflateAgreement?
        if compressionEnabled {
            agreement = DeflateAgreement.negotiate(request.headers.filter { $0.name == Array("sec-websocket-extensions".utf8) }.map(\.value))
            if let agreement { response += Array("\r\nSec-WebSocket-Extensions: \(agreement.responseHeader)".utf8) }
        }
        response += Array("\r\n\r\n".utf8)
        return .accept(response: response, deflate: agreement)
    }
}

/// Which page origins may open a WebSocket.
public enum OriginPolicy {
    /// Origin's host and port must equal the Host header (the default).
    case sameHost
    /// Any origin: for servers meant to be used cross-site.
    case any
    /// Exactly these origins, lowercase, e.g. "https://app.example.com".
    case list(Set<[UInt8]>)
}
