/// Which responses the host answers whole (pages, lts_respond) go out
/// gzipped, and the headers that say so.
public struct PageCompression {
    public static let defaultMinBytes = 1024
    /// Bodies shorter than this go as they are: gzip's header and the CPU
    /// would not pay. nil turns page compression off.
    public var minBytes: Int? = PageCompression.defaultMinBytes
    /// zlib level: 6 is most of level 9's saving at a third of its time,
    /// and a page is compressed on every request.
    public var level: Int32 = 6

    public init() {}

    /// `headers` and `body` as they are to be sent to a client whose
    /// Accept-Encoding allows gzip or not.
    public func encode(status: Int, headers: [UInt8], body: [UInt8], acceptsGzip: Bool) -> (headers: [UInt8], body: [UInt8]) {
        guard let minBytes, body.count >= minBytes, PageCompression.mayCompress(status: status, headers: headers) else {
            return (headers, body)
        }
        // The answer depends on Accept-Encoding from here on, whichever
        // variant this client gets: caches must know.
        let vary = Array("Vary: Accept-Encoding\r\n".utf8)
        guard acceptsGzip, let gz = DeflateCodec.gzip(body, level: level), gz.count < body.count else {
            return (headers + vary, body)
        }
        return (PageCompression.weakenedETag(headers) + Array("Content-Encoding: gzip\r\n".utf8) + vary, gz)
    }

    /// A status with a body of its own, not a part of one, in a type that
    /// shrinks, not already encoded and not marked no-transform.
    static func mayCompress(status: Int, headers: [UInt8]) -> Bool {
        guard status >= 200, status != 204, status != 206, status != 304 else { return false }
        var compressibleType = false
        for (name, value) in headerFields(headers) {
            switch name {
            case Array("content-encoding".utf8), Array("content-range".utf8): return false
            case Array("cache-control".utf8):
                if ASCII.lowercased(value).split(separator: UInt8(ascii: ",")).contains(where: { ASCII.trimmed($0).elementsEqual("no-transform".utf8) }) {
                    return false
                }
            case Array("content-type".utf8): compressibleType = isCompressible(ASCII.lowercased(value))
            default: break
            }
        }
        return compressibleType
    }

    static func isCompressible(_ contentType: [UInt8]) -> Bool {
        let type = String(decoding: contentType, as: UTF8.self)
        return type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("application/javascript")
            || type.hasPrefix("application/xml") || type.hasPrefix("image/svg+xml") || type.hasPrefix("application/manifest+json")
    }

    /// The gzip variant is not byte-for-byte the identity one, so a strong
    /// ETag the host gave becomes weak (RFC 9110 §8.8.1): If-None-Match
    /// still matches it, Range never does.
    static func weakenedETag(_ headers: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headers.count + 2)
        for line in headerLines(headers) {
            if let colon = line.firstIndex(of: UInt8(ascii: ":")),
               ASCII.lowercased(line[..<colon]) == Array("etag".utf8) {
                let value = ASCII.trimmed(line[(colon + 1)...].dropLast(line.last == 10 ? 2 : 0))
                if value.first == UInt8(ascii: "\"") {
                    out += Array("ETag: W/".utf8) + value + [13, 10]
                    continue
                }
            }
            out += line
        }
        return out
    }
}

/// The "Name: value\r\n" lines of a host's header block, CRLF included.
private func headerLines(_ block: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var i = 0
    while i + 1 < block.count {
        if block[i] == 13 && block[i + 1] == 10 {
            lines.append(block[start..<(i + 2)])
            start = i + 2
            i += 2
        } else {
            i += 1
        }
    }
    if start < block.count { lines.append(block[start...]) }
    return lines
}

/// Lowercased names and trimmed values of a host's header block.
private func headerFields(_ block: [UInt8]) -> [(name: [UInt8], value: ArraySlice<UInt8>)] {
    headerLines(block).compactMap { line in
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let end = line.count >= 2 && line.last == 10 ? line.endIndex - 2 : line.endIndex
        return (ASCII.lowercased(line[line.startIndex..<colon]), ASCII.trimmed(line[(colon + 1)..<max(colon + 1, end)]))
    }
}
