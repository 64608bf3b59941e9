/// The body of a long-poll exchange: messages one after another, each as
/// its length in bytes (decimal ASCII), a line feed, then its bytes. A
/// length prefix rather than a separator, so a message may hold any byte,
/// a line feed included, exactly as a WebSocket text message may.
public enum LongPollFrames {
    public enum Failure: Error, Equatable {
        /// A length that is not decimal digits and a line feed, or that runs
        /// past the body.
        case malformed
        /// One message over the limit (max_message_bytes).
        case tooBig
    }

    /// Lengths have at most this many digits: more would pass any body limit.
    static let maxLengthDigits = 10

    public static func append(_ message: [UInt8], to body: inout [UInt8]) {
        body += Array(String(message.count).utf8)
        body.append(UInt8(ascii: "\n"))
        body += message
    }

    /// The messages of a client's body, in order; none for an empty body.
    public static func decode(_ body: [UInt8], maxMessageBytes: Int) -> Result<[[UInt8]], Failure> {
        var messages: [[UInt8]] = []
        var at = 0
        while at < body.count {
            var length = 0
            var digits = 0
            while at < body.count, body[at] != UInt8(ascii: "\n") {
                let byte = body[at]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < maxLengthDigits else { return .failure(.malformed) }
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                at += 1
            }
            guard digits > 0, at < body.count else { return .failure(.malformed) }
            at += 1
            guard length <= maxMessageBytes else { return .failure(.tooBig) }
            guard body.count - at >= length else { return .failure(.malformed) }
            messages.append(Array(body[at..<(at + length)]))
            at += length
        }
        return .success(messages)
    }
}
