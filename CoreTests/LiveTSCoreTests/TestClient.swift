import Glibc

/// A blocking loopback client for tests: raw bytes, HTTP and WebSocket frames.
final class TestClient {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int32) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(rc == 0, "connect failed")
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Reads until `count` bytes are buffered; nil on timeout or close.
    private func fill(_ count: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while pending.count < count {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
            if n <= 0 { return false }
            pending += chunk[0..<n]
        }
        return true
    }

    /// One HTTP response: status and body (Content-Length framed).
    func readResponse() -> (status: Int, head: String, body: String)? {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = String(decoding: pending[0..<end], as: UTF8.self)
                let status = Int(head.split(separator: " ")[1]) ?? 0
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.split(separator: ":")[1].trimmingCharacters()) ?? 0
                }
                guard fill(end + 4 + length) else { return nil }
                let body = String(decoding: pending[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                pending.removeFirst(end + 4 + length)
                return (status, head, body)
            }
            guard fill(pending.count + 1) else { return nil }
        }
    }

    /// The head of the next response; its body stays unread.
    func readHead() -> String? {
        while find([13, 10, 13, 10]) == nil { guard fill(pending.count + 1) else { return nil } }
        let end = find([13, 10, 13, 10])!
        let head = String(decoding: pending[0..<end], as: UTF8.self)
        pending.removeFirst(end + 4)
        return head
    }

    /// One HTTP response with a chunked body, decoded; nil on timeout, close or bad framing.
    func readChunkedResponse() -> (status: Int, head: String, body: [UInt8])? {
        while find([13, 10, 13, 10]) == nil { guard fill(pending.count + 1) else { return nil } }
        let end = find([13, 10, 13, 10])!
        let head = String(decoding: pending[0..<end], as: UTF8.self)
        let status = Int(head.split(separator: " ")[1]) ?? 0
        pending.removeFirst(end + 4)
        var body: [UInt8] = []
        while true {
            while find([13, 10]) == nil { guard fill(pending.count + 1) else { return nil } }
            let lineEnd = find([13, 10])!
            guard let size = Int(String(decoding: pending[0..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            guard fill(lineEnd + 2 + size + 2) else { return nil }
            body += pending[(lineEnd + 2)..<(lineEnd + 2 + size)]
            pending.removeFirst(lineEnd + 2 + size + 2)
            if size == 0 { return (status, head, body) }
        }
    }

    /// Whether the peer closed the connection with nothing more to read.
    func readsEndOfStream() -> Bool {
        guard pending.isEmpty else { return false }
        return !fill(1)
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        for i in 0...(pending.count - needle.count) where Array(pending[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    func upgrade(path: String = "/live") -> Int? {
        send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        return readResponse()?.status
    }

    func sendFrame(_ opcode: UInt8, _ payload: [UInt8]) {
        var out: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            out.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let key: [UInt8] = [1, 2, 3, 4]
        out += key
        for (i, b) in payload.enumerated() { out.append(b ^ key[i & 3]) }
        send(out)
    }

    func sendText(_ text: String) { sendFrame(0x1, Array(text.utf8)) }

    /// One server frame: opcode and payload; nil on timeout or close.
    func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
        guard fill(2) else { return nil }
        var length = Int(pending[1] & 0x7F)
        var header = 2
        if length == 126 {
            guard fill(4) else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3]); header = 4
        } else if length == 127 {
            guard fill(10) else { return nil }
            length = 0
            for i in 2..<10 { length = length << 8 | Int(pending[i]) }
            header = 10
        }
        guard fill(header + length) else { return nil }
        let frame = (pending[0] & 0x0F, Array(pending[header..<(header + length)]))
        pending.removeFirst(header + length)
        return frame
    }

    func readText() -> String? {
        guard let frame = readFrame() else { return nil }
        return String(decoding: frame.payload, as: UTF8.self)
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
