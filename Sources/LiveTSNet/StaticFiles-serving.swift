/// How a static mount answers a request, decided without touching the
/// socket: the connection only writes what it is given.
enum StaticReply {
    /// The whole response.
    case complete([UInt8])
    /// A head, then `body` sent as the client reads it.
    case streamed(head: [UInt8], body: ResponseBody)
}

extension StaticMount {
    /// GET and HEAD only; a large file is streamed, a small one sent whole
    /// and gzipped (through `gzipCache`) when the client accepts it.
    func reply(to request: HTTPRequest, gzipCache: GzipCache) -> StaticReply {
        let isHead = request.method == Array("HEAD".utf8)
        let keepAlive = request.keepAlive
        guard request.method == Array("GET".utf8) || isHead else {
            return .complete(HTTPResponse.error(status: 405, extraHeaders: "Allow: GET, HEAD\r\n", keepAlive: keepAlive))
        }
        switch lookup(request.path) {
        case .notFound:
            return .complete(HTTPResponse.error(status: 404, keepAlive: keepAlive))
        case .largeFile(let descriptor, let size, let contentType, let etag):
            // Owns the descriptor from here, and closes it when dropped.
            let body = ResponseBody(.file(descriptor: descriptor), length: size)
            if let notModified = StaticMount.notModified(request, etag: etag) { return .complete(notModified) }
            let headers = "Content-Type: \(contentType)\r\n\(StaticMount.validators(etag))X-Content-Type-Options: nosniff\r\n"
            let head = HTTPResponse.head(status: 200, extraHeaders: Array(headers.utf8), contentLength: size, keepAlive: keepAlive)
            return isHead ? .complete(head) : .streamed(head: head, body: body)
        case .file(let body, let contentType, let etag, let path):
            let compressed = request.accepts(encoding: "gzip") ? gzipCache.compressed(body, path: path, etag: etag, contentType: contentType) : nil
            // The gzip variant is other bytes: its tag is weak (RFC 9110
            // §8.8.1), which If-None-Match still matches and Range never does.
            let shownTag = compressed == nil ? etag : "W/" + etag
            if let notModified = StaticMount.notModified(request, etag: etag, shown: shownTag) { return .complete(notModified) }
            var headers = "Content-Type: \(contentType)\r\n\(StaticMount.validators(shownTag))X-Content-Type-Options: nosniff\r\n"
            var payload = body
            if let compressed {
                headers += "Content-Encoding: gzip\r\n"
                payload = compressed
            }
            return .complete(HTTPResponse.build(status: 200, extraHeaders: Array(headers.utf8), body: payload, keepAlive: keepAlive,
                                                omitBody: isHead))
        }
    }

    /// Headers that let a client revalidate instead of downloading again.
    private static func validators(_ etag: String) -> String {
        "ETag: \(etag)\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\n"
    }

    /// The 304 for a request whose If-None-Match names `etag`; nil otherwise.
    private static func notModified(_ request: HTTPRequest, etag: String, shown: String? = nil) -> [UInt8]? {
        guard let match = request.header("if-none-match"), etagMatches(match, etag) else { return nil }
        return HTTPResponse.build(status: 304, extraHeaders: Array(validators(shown ?? etag).utf8), body: [], keepAlive: request.keepAlive)
    }
}
