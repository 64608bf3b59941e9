/// A strict HTTP/1.1 request parser over bytes. It accepts only what RFC 9112
/// allows and refuses the ambiguous forms that enable request smuggling
/// (both Transfer-Encoding and Content-Length, duplicate Content-Length,
/// obsolete line folding, bare CR or LF), answering each with its status.
public struct HTTPParser {
    public enum Result {
        case needMore
        case request(HTTPRequest, consumed: Int)
        case failure(status: Int)
    }

    public var limits: HTTPLimits

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    public static let knownMethods: Set<[UInt8]> = Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"].map { Array($0.utf8) })

    /// How the body of a request is delimited (RFC 9112 §6.3).
    public enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    public enum HeadResult {
        case needMore
        case head(HTTPRequest, headBytes: Int, framing: BodyFraming)
        case failure(status: Int)
    }

    /// Parses one request from the start of `buffer`, its body included:
    /// the whole request is in memory once. Chunked bodies are refused
    /// (501) here; `parseHead` and HTTPBodyDecoder stream them.
    public func parse(_ buffer: [UInt8]) -> Result {
        switch parseHead(buffer) {
        case .needMore:
            return .needMore
        case .failure(let status):
            return .failure(status: status)
        case .head(var request, let headBytes, let framing):
            var bodyLength = 0
            switch framing {
            case .none: break
            case .length(let n): bodyLength = n
            case .chunked: return .failure(status: 501)
            }
            if buffer.count < headBytes + bodyLength { return .needMore }
            request.body = Array(buffer[headBytes..<(headBytes + bodyLength)])
            return .request(request, consumed: headBytes + bodyLength)
        }
    }

    /// Parses the head of one request from the start of `buffer`: the body,
    /// if any, follows `headBytes` and is delimited as `framing` says. A
    /// declared length over `limits.maxBodyBytes` fails with 413 here,
    /// before any of it is read.
    public func parseHead(_ buffer: [UInt8]) -> HeadResult {
        guard let headEnd = findHeadEnd(buffer) else {
            if buffer.count > limits.maxHeadBytes { return .failure(status: 431) }
            if let status = earlyFailure(buffer) { return .failure(status: status) }
            return .needMore
        }
        if headEnd > limits.maxHeadBytes { return .failure(status: 431) }
        let lines = splitLines(buffer, end: headEnd)
        guard let lines, let requestLine = lines.first else { return .failure(status: 400) }
        if requestLine.count > limits.maxRequestLineBytes { return .failure(status: 431) }
        let requestLineResult = parseRequestLine(requestLine)
        guard case .success(let (method, target, minor)) = requestLineResult else {
            if case .failure(let status) = requestLineResult { return .failure(status: status.code) }
            return .failure(status: 400)
        }
        var headers: [(name: [UInt8], value: [UInt8])] = []
        for line in lines.dropFirst() {
            guard let first = line.first, first != 32, first != 9 else { return .failure(status: 400) } // obs-fold
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return .failure(status: 400) }
            let name = line[line.startIndex..<colon]
            guard name.allSatisfy(ASCII.isTokenChar) else { return .failure(status: 400) }
            let value = ASCII.trimmed(line[(colon + 1)...])
            guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else { return .failure(status: 400) }
            headers.append((ASCII.lowercased(name), Array(value)))
            if headers.count > limits.maxHeaderCount { return .failure(status: 431) }
        }
        let request = HTTPRequest(method: method, target: target, minorVersion: minor, headers: headers, body: [])
        if minor == 1 && request.header("host") == nil { return .failure(status: 400) }
        guard HTTPParser.knownMethods.contains(method) else { return .failure(status: 501) }

        let lengths = headers.filter { $0.name == Array("content-length".utf8) }
        let codings = headers.filter { $0.name == Array("transfer-encoding".utf8) }
        if !codings.isEmpty && !lengths.isEmpty { return .failure(status: 400) }
        let headBytes = headEnd + 4
        if !codings.isEmpty {
            // Only "chunked" alone: a coding the core cannot undo would reach
            // the host as bytes it cannot read, and a list hides smuggling.
            guard codings.count == 1, ASCII.lowercased(codings[0].value) == Array("chunked".utf8) else { return .failure(status: 501) }
            return .head(request, headBytes: headBytes, framing: .chunked)
        }
        if lengths.count > 1 { return .failure(status: 400) }
        guard let raw = lengths.first?.value else { return .head(request, headBytes: headBytes, framing: .none) }
        guard !raw.isEmpty, raw.count <= 12, raw.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return .failure(status: 400) }
        let bodyLength = raw.reduce(0) { $0 * 10 + Int($1 - 48) }
        if bodyLength > limits.maxBodyBytes { return .failure(status: 413) }
        return .head(request, headBytes: headBytes, framing: bodyLength == 0 ? .none : .length(bodyLength))
    }

    private struct Status: Error { let code: Int }

    /// A request line that can already be seen to be wrong fails before the
    /// head is complete, so a client that is not speaking HTTP gets its 400 at once.
    private func earlyFailure(_ buffer: [UInt8]) -> Int? {
        let end = buffer.firstIndex(of: 10) ?? buffer.endIndex
        if end == buffer.endIndex && buffer.count > limits.maxRequestLineBytes { return 431 }
        let line = buffer[..<end]
        for byte in line.prefix(while: { $0 != 32 }) where !ASCII.isTokenChar(byte) && byte != 13 { return 400 }
        if end != buffer.endIndex {
            guard end > 0, buffer[end - 1] == 13 else { return 400 }
            if case .failure(let status) = parseRequestLine(buffer[..<(end - 1)]) { return status.code }
        }
        return nil
    }

    private func findHeadEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var i = 0
        let limit = min(buffer.count - 4, limits.maxHeadBytes + 1)
        while i <= limit {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Splits the head into CRLF-terminated lines; nil if a bare CR or LF appears.
    private func splitLines(_ buffer: [UInt8], end: Int) -> [ArraySlice<UInt8>]? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, i = 0
        while i < end {
            let byte = buffer[i]
            if byte == 13 {
                guard i + 1 < buffer.count, buffer[i + 1] == 10 else { return nil }
                lines.append(buffer[start..<i]); i += 2; start = i; continue
            }
            if byte == 10 || byte == 0 { return nil }
            i += 1
        }
        lines.append(buffer[start..<end])
        return lines
    }

    private func parseRequestLine(_ line: ArraySlice<UInt8>) -> Swift.Result<([UInt8], [UInt8], Int), Status> {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return .failure(Status(code: 400)) }
        guard parts[0].allSatisfy(ASCII.isTokenChar) else { return .failure(Status(code: 400)) }
        var target = parts[1]
        guard target.allSatisfy({ $0 > 32 && $0 < 127 }) else { return .failure(Status(code: 400)) }
        // Servers must accept the absolute form (RFC 9112 §3.2.2); only its path matters here.
        for scheme in ["http://", "https://"] where ASCII.lowercased(target.prefix(scheme.utf8.count)) == Array(scheme.utf8) {
            let afterScheme = target.dropFirst(scheme.utf8.count)
            guard !afterScheme.isEmpty, afterScheme.first != UInt8(ascii: "/") else { return .failure(Status(code: 400)) }
            if let slash = afterScheme.firstIndex(of: UInt8(ascii: "/")) {
                target = target[slash...]
            } else if let query = afterScheme.firstIndex(of: UInt8(ascii: "?")) {
                target = ArraySlice(Array("/".utf8) + target[query...])
            } else {
                target = ArraySlice("/".utf8)
            }
        }
        guard target.first == UInt8(ascii: "/") || (target.elementsEqual("*".utf8)) else { return .failure(Status(code: 400)) }
        let version = Array(parts[2])
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, Array(version[0..<5]) == prefix, version[6] == UInt8(ascii: "."),
              (48...57).contains(version[5]), (48...57).contains(version[7]) else { return .failure(Status(code: 400)) }
        guard version[5] == UInt8(ascii: "1") else { return .failure(Status(code: 505)) }
        return .success((Array(parts[0]), Array(target), Int(version[7] - 48)))
    }
}

/// Named limits of the HTTP parser; each overrun has its own status.
public struct HTTPLimits {
    /// Request line longer than this: 431.
    public var maxRequestLineBytes = 8 * 1024
    /// Request line plus headers longer than this: 431.
    public var maxHeadBytes = 16 * 1024
    /// More headers than this: 431.
    public var maxHeaderCount = 100
    /// A request body longer than this: 413 (a declared Content-Length at
    /// once; a chunked body when it passes it).
    public var maxBodyBytes = 1024 * 1024
    /// A chunk-size line (with its extensions) longer than this: 400.
    public var maxChunkLineBytes = 4 * 1024

    public init() {}
}
