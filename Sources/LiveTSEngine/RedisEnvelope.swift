/// What travels through Redis. Every message is `<node id>\n<body>`, so a
/// node recognizes (and ignores) its own publishes coming back. Topic
/// messages go to "livets:t:<topic>" with the published data as body.
/// Presence goes to "livets:presence" with a one-byte kind and, for J/L/S,
/// entries as four length-prefixed fields each ("<len>:<bytes>"):
/// connection id (decimal), topic, key, meta JSON. Plain text, so an
/// operator can read it with redis-cli and tests can forge a node.
enum RedisEnvelope {
    static let pattern = Array("livets:*".utf8)
    static let topicPrefix = Array("livets:t:".utf8)
    static let presenceChannel = Array("livets:presence".utf8)

    enum PresenceKind: UInt8 {
        case join = 74        // J: these entries were tracked (or their meta changed)
        case leave = 76       // L: these entries were untracked
        case state = 83       // S: the node's complete set of entries (heartbeat)
        case request = 82     // R: every node, please send S now
        case bye = 66         // B: the node is stopping; drop all its entries
    }

    static func wrap(node: [UInt8], _ body: [UInt8]) -> [UInt8] {
        var out = node
        out.reserveCapacity(node.count + 1 + body.count)
        out.append(10)
        out += body
        return out
    }

    /// Splits a received message into sender and body; nil if malformed.
    static func unwrap(_ message: UnsafeBufferPointer<UInt8>) -> (node: [UInt8], body: ArraySlice<UInt8>)? {
        let n = RedisNode.idLength
        guard message.count > n, message[n] == 10 else { return nil }
        let bytes = Array(message)
        return (Array(bytes[0..<n]), bytes[(n + 1)...])
    }

    static func encode(_ entries: [PresenceEntry]) -> [UInt8] {
        var out: [UInt8] = []
        func field<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            out += Array(String(bytes.count).utf8)
            out.append(58)
            out += bytes
        }
        for entry in entries {
            field(Array(String(entry.conn).utf8))
            field(entry.topic)
            field(entry.key)
            field(entry.meta)
        }
        return out
    }

    /// Entries of `node`; nil if any field is malformed, so a corrupt message
    /// changes nothing rather than half of something.
    static func decode(_ body: ArraySlice<UInt8>, node: [UInt8]) -> [PresenceEntry]? {
        var i = body.startIndex
        func field() -> ArraySlice<UInt8>? {
            var length = 0
            var digits = 0
            while i < body.endIndex, body[i] != 58 {
                guard (48...57).contains(body[i]), digits < 9 else { return nil }
                length = length * 10 + Int(body[i] - 48)
                digits += 1
                i += 1
            }
            guard digits > 0, i < body.endIndex else { return nil }
            i += 1
            guard body.endIndex - i >= length else { return nil }
            defer { i += length }
            return body[i..<(i + length)]
        }
        var entries: [PresenceEntry] = []
        while i < body.endIndex {
            guard let connText = field(), let conn = UInt64(String(decoding: connText, as: UTF8.self)),
                  let topic = field(), let key = field(), let meta = field(),
                  !topic.isEmpty, !key.isEmpty, PresenceEntry.isValidKey(Array(key)), PresenceEntry.isValidMeta(Array(meta))
            else { return nil }
            entries.append(PresenceEntry(node: node, conn: conn, topic: Array(topic), key: Array(key), meta: Array(meta)))
        }
        return entries
    }
}
