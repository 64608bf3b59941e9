/// Checks an upgrade request (RFC 6455 §4.2.1) and builds the 101 answer.
public enum WebSocketHandshake {
    public static let guid = Array("258EAFA5-E914-47DA-95CA-C5AB0DC85B11".utf8)

    public enum Outcome {
        case accept(response: [UInt8])
        case reject(status: Int, extraHeaders: String)
    }

    /// Whether the request asks for a WebSocket at all.
    public static func isUpgrade(_ request: HTTPRequest) -> Bool {
        request.headerHasToken("upgrade", "websocket")
    }

    public static func respond(to request: HTTPRequest) -> Outcome {
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
        response += Array("\r\n\r\n".utf8)
        return .accept(response: response)
    }
}
