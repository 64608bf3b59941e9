#if canImport(Glibc)
import Glibc
#endif

/// Builds HTTP/1.1 responses. Every response carries Date, Content-Length
/// and an explicit Connection header, so clients never have to guess.
public enum HTTPResponse {
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 205: return "Reset Content"
        case 206: return "Partial Content"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 304: return "Not Modified"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 407: return "Proxy Authentication Required"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 416: return "Range Not Satisfiable"
        case 417: return "Expectation Failed"
        case 418: return "I'm a Teapot"
        case 421: return "Misdirected Request"
        case 422: return "Unprocessable Content"
        case 425: return "Too Early"
        case 426: return "Upgrade Required"
        case 428: return "Precondition Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 451: return "Unavailable For Legal Reasons"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    /// The head and body of a response. `extraHeaders` are "Name: value\r\n" lines.
    public static func build(status: Int, extraHeaders: [UInt8], body: [UInt8], keepAlive: Bool, omitBody: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + extraHeaders.count + body.count)
        out += Array("HTTP/1.1 \(status) \(reasonPhrase(status))\r\nDate: ".utf8)
        out += HTTPDate.now()
        out += Array("\r\nContent-Length: \(body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n".utf8)
        out += extraHeaders
        out += [13, 10]
        if !omitBody { out += body }
        return out
    }

    /// The head alone, for a body of `contentLength` bytes sent after it.
    public static func head(status: Int, extraHeaders: [UInt8], contentLength: Int, keepAlive: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + extraHeaders.count)
        out += Array("HTTP/1.1 \(status) \(reasonPhrase(status))\r\nDate: ".utf8)
        out += HTTPDate.now()
        out += Array("\r\nContent-Length: \(contentLength)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n".utf8)
        out += extraHeaders
        out += [13, 10]
        return out
    }

    /// A short plain-text error page for a status.
    public static func error(status: Int, extraHeaders: String = "", keepAlive: Bool = false) -> [UInt8] {
        let body = Array("\(status) \(reasonPhrase(status))\n".utf8)
        return build(status: status, extraHeaders: Array(("Content-Type: text/plain; charset=utf-8\r\n" + extraHeaders).utf8),
                     body: body, keepAlive: keepAlive)
    }
}

/// IMF-fixdate (RFC 9110 §5.6.7), formatted at most once a second.
enum HTTPDate {
    private static var cachedSecond: time_t = 0
    private static var cached: [UInt8] = []

    /// Loop-thread only: the cache is not locked.
    static func now() -> [UInt8] {
        let t = time(nil)
        if t != cachedSecond || cached.isEmpty {
            cached = format(t)
            cachedSecond = t
        }
        return cached
    }

    static func format(_ t: time_t) -> [UInt8] {
        var seconds = t
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, 64, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return buffer[0..<n].map { UInt8(bitPattern: $0) }
    }
}
