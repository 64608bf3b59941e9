/// The header lines a host gives for a streamed response, checked and
/// read for what decides the framing: Content-Length, Transfer-Encoding,
/// Connection. Pure: bytes in, a value or a reason out.
public struct HostResponseHead {
    /// The lines to send, "Name: value\r\n" each, without Connection and
    /// Transfer-Encoding, which the core writes itself.
    public var lines: [UInt8] = []
    public var contentLength: Int?
    /// The host named "Transfer-Encoding: chunked" itself.
    public var chunked = false
    /// The host asked for "Connection: close".
    public var close = false
    /// The host gave its own Date.
    public var hasDate = false

    public enum Problem: Error {
        /// Bytes that could split or corrupt the response (LTS_EPARSE).
        case malformed(String)
        /// Well-formed lines that contradict each other (LTS_EINVAL).
        case contradictory(String)
    }

    /// Reads `block`, "Name: value\r\n" lines; names are tokens, values
    /// visible characters, spaces and tabs (no CR, LF, NUL or other controls).
    public static func inspect(_ block: [UInt8]) -> Result<HostResponseHead, Problem> {
        var head = HostResponseHead()
        var start = 0
        while start < block.count {
            guard let cr = block[start...].firstIndex(where: { $0 == 13 || $0 == 10 }) else {
                return .failure(.malformed("header line \(shown(block[start...])) does not end in CRLF"))
            }
            guard block[cr] == 13, cr + 1 < block.count, block[cr + 1] == 10 else {
                return .failure(.malformed("header line \(shown(block[start...])) holds a bare CR or LF (it could split the response)"))
            }
            let line = block[start..<cr]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(ASCII.isTokenChar) else {
                return .failure(.malformed("header line \(shown(line)) is not \"Name: value\" with a token for a name"))
            }
            let rawValue = line[(colon + 1)...]
            guard rawValue.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
                return .failure(.malformed("the value of header \(shown(line[line.startIndex..<colon])) holds a control character (CR, LF, NUL …)"))
            }
            let name = ASCII.lowercased(line[line.startIndex..<colon])
            let value = ASCII.trimmed(rawValue)
            var keep = true
            switch String(decoding: name, as: UTF8.self) {
            case "content-length":
                guard !value.isEmpty, value.count <= 15, value.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    return .failure(.contradictory("Content-Length \(shown(value)) is not a decimal number"))
                }
                let length = value.reduce(0) { $0 * 10 + Int($1 - 48) }
                if let earlier = head.contentLength, earlier != length {
                    return .failure(.contradictory("two different Content-Length headers (\(earlier) and \(length))"))
                }
                if head.contentLength != nil { keep = false }
                head.contentLength = length
            case "transfer-encoding":
                guard ASCII.lowercased(value) == Array("chunked".utf8) else {
                    return .failure(.contradictory("Transfer-Encoding \(shown(value)) is not supported (only chunked, which is also the default without Content-Length)"))
                }
                head.chunked = true
                keep = false
            case "connection":
                for token in value.split(separator: UInt8(ascii: ",")) where ASCII.lowercased(ASCII.trimmed(token)) == Array("close".utf8) {
                    head.close = true
                }
                keep = false
            case "date":
                head.hasDate = true
            default:
                break
            }
            if keep { head.lines += block[start..<(cr + 2)] }
            start = cr + 2
        }
        if head.chunked && head.contentLength != nil {
            return .failure(.contradictory("both Content-Length and Transfer-Encoding: chunked"))
        }
        return .success(head)
    }

    private static func shown<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes.prefix(60), as: UTF8.self).debugDescription
    }
}
