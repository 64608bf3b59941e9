/// WebSocket opcodes (RFC 6455 §5.2).
public enum WebSocketOpcode: UInt8 {
    case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

    var isControl: Bool { rawValue & 0x8 != 0 }
}

/// Close codes the core sends (RFC 6455 §7.4.1).
public enum CloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let unsupportedData: UInt16 = 1003
    public static let noStatus: UInt16 = 1005
    public static let abnormal: UInt16 = 1006
    public static let invalidPayload: UInt16 = 1007
    public static let policyViolation: UInt16 = 1008
    public static let tooBig: UInt16 = 1009
    public static let internalError: UInt16 = 1011
    /// "Try Again Later" (IANA registry): the server is short of memory for now.
    public static let tryAgainLater: UInt16 = 1013

    /// Whether a peer may send `code` in a close frame (§7.4.1, §7.4.2).
    public static func isValidOnWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: return true
        default: return false
        }
    }
}

/// Encodes server frames: never masked (§5.1).
public enum WebSocketEncoder {
    public static func frame(_ opcode: WebSocketOpcode, payload: UnsafeRawBufferPointer, fin: Bool = true, compressed: Bool = false) -> [UInt8] {
        var out = header(opcode, length: payload.count, fin: fin, compressed: compressed)
        out.append(contentsOf: payload)
        return out
    }

    public static func frame(_ opcode: WebSocketOpcode, payload: [UInt8], fin: Bool = true, compressed: Bool = false) -> [UInt8] {
        payload.withUnsafeBytes { frame(opcode, payload: $0, fin: fin, compressed: compressed) }
    }

    /// `compressed` sets RSV1, the permessage-deflate marker (RFC 7692 §6).
    public static func header(_ opcode: WebSocketOpcode, length: Int, fin: Bool = true, compressed: Bool = false) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: headerLength(length))
        out.reserveCapacity(out.count + length)
        out.withUnsafeMutableBufferPointer { writeHeader(opcode, length: length, fin: fin, compressed: compressed, to: $0.baseAddress!) }
        return out
    }

    @inline(__always) public static func headerLength(_ payloadLength: Int) -> Int {
        payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10
    }

    /// Writes the header in place, `headerLength(length)` bytes, so a frame
    /// can be built where it will be sent from, with no array of its own.
    @inline(__always)
    public static func writeHeader(_ opcode: WebSocketOpcode, length: Int, fin: Bool = true, compressed: Bool = false,
                                   to out: UnsafeMutablePointer<UInt8>) {
        out[0] = (fin ? 0x80 : 0) | (compressed ? 0x40 : 0) | opcode.rawValue
        if length < 126 {
            out[1] = UInt8(length)
        } else if length <= 0xFFFF {
            out[1] = 126
            out[2] = UInt8(length >> 8)
            out[3] = UInt8(length & 0xFF)
        } else {
            out[1] = 127
            for i in 0..<8 { out[2 + i] = UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(56 - 8 * i)) }
        }
    }

    public static func close(code: UInt16, reason: [UInt8] = []) -> [UInt8] {
        frame(.close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + reason.prefix(123))
    }
}
