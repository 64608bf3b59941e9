import LiveTSHTML

/// The wire protocol's message kinds (docs/protocol.md). The browser's copy
/// of these letters lives in client/src/constants.js.
enum WireKind {
    static let join = UInt8(ascii: "j")
    static let event = UInt8(ascii: "e")
    static let leave = UInt8(ascii: "l")
    static let resync = UInt8(ascii: "s")
    static let urlChange = UInt8(ascii: "u")
    static let render = "r"
    static let patch = "p"
    static let refused = "x"
}

/// A browser message that passed the shape checks.
struct ClientMessage {
    enum Kind { case join, event, leave, resync, urlChange }
    let kind: Kind
    let ref: UInt64
    let component: [UInt8]
    /// Join: the token. Event: the event name. URL change: the URL. Otherwise empty.
    let name: [UInt8]
    /// JSON text of the payload (event) or params (join); "null" when absent.
    let payload: [UInt8]
}

enum ClientMessageError: Error {
    case notJSONArray
    case badShape(String)

    var reason: String {
        switch self {
        case .notJSONArray: return "message is not a JSON array"
        case .badShape(let why): return why
        }
    }
}

enum ProtocolLimits {
    /// Component ids and event names are short identifiers; longer is hostile.
    static let maxIdentifierBytes = 256
}

extension ClientMessage {
    static func parse(_ frame: [UInt8]) -> Result<ClientMessage, ClientMessageError> {
        guard let elements = JSONReader.topLevelArray(frame) else { return .failure(.notJSONArray) }
        guard elements.count >= 3, case .string(let kindText) = elements[0], kindText.count == 1 else {
            return .failure(.badShape("expected [kind, ref, component, ...]"))
        }
        guard case .number(let refText) = elements[1], let ref = UInt64(String(decoding: refText, as: UTF8.self)) else {
            return .failure(.badShape("ref must be a non-negative integer"))
        }
        guard case .string(let component) = elements[2], !component.isEmpty,
              component.count <= ProtocolLimits.maxIdentifierBytes else {
            return .failure(.badShape("component id must be a short non-empty string"))
        }
        let null = Array("null".utf8)
        func payload(at i: Int) -> [UInt8] {
            guard i < elements.count else { return null }
            switch elements[i] {
            case .string(let s):
                var out: [UInt8] = []
                appendJSONString(s, to: &out)
                return out
            case .number(let r), .other(let r):
                return r
            }
        }
        switch kindText[0] {
        case WireKind.join:
            guard elements.count >= 4, elements.count <= 5, case .string(let token) = elements[3] else {
                return .failure(.badShape("join is [\"j\", ref, id, token, params]"))
            }
            return .success(ClientMessage(kind: .join, ref: ref, component: component, name: token, payload: payload(at: 4)))
        case WireKind.event:
            guard elements.count >= 4, elements.count <= 5, case .string(let name) = elements[3], !name.isEmpty,
                  name.count <= ProtocolLimits.maxIdentifierBytes else {
                return .failure(.badShape("event is [\"e\", ref, id, name, payload]"))
            }
            return .success(ClientMessage(kind: .event, ref: ref, component: component, name: name, payload: payload(at: 4)))
        case WireKind.urlChange:
            guard elements.count == 4, case .string(let url) = elements[3], url.first == UInt8(ascii: "/"),
                  url.count <= 8192 else {
                return .failure(.badShape("url change is [\"u\", ref, id, \"/path?query\"]"))
            }
            return .success(ClientMessage(kind: .urlChange, ref: ref, component: component, name: url, payload: null))
        case WireKind.leave:
            return .success(ClientMessage(kind: .leave, ref: ref, component: component, name: [], payload: null))
        case WireKind.resync:
            return .success(ClientMessage(kind: .resync, ref: ref, component: component, name: [], payload: null))
        default:
            return .failure(.badShape("unknown message kind"))
        }
    }
}

/// Server → browser messages.
enum ServerMessage {
    static func render(component: [UInt8], seq: UInt64, ref: UInt64, html: [UInt8]) -> [UInt8] {
        var out = sequencedHead("r", component: component, seq: seq, ref: ref, bodyCapacity: html.count)
        appendJSONString(html, to: &out)
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `ops` is already a JSON array (the differ's output).
    static func patch(component: [UInt8], seq: UInt64, ref: UInt64, ops: [UInt8]) -> [UInt8] {
        var out = sequencedHead("p", component: component, seq: seq, ref: ref, bodyCapacity: ops.count)
        out += ops
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `["<kind>","<component>",seq,ref,` — what renders and patches share before their body.
    private static func sequencedHead(_ kind: Unicode.Scalar, component: [UInt8], seq: UInt64, ref: UInt64,
                                      bodyCapacity: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bodyCapacity + component.count + 32)
        out += [UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: kind), UInt8(ascii: "\""), UInt8(ascii: ",")]
        appendJSONString(component, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(seq, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(ref, to: &out)
        out.append(UInt8(ascii: ","))
        return out
    }

    static func refused(component: [UInt8], ref: UInt64, reason: [UInt8]) -> [UInt8] {
        var out = Array("[\"x\",".utf8)
        appendJSONString(component, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(ref, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONString(reason, to: &out)
        out.append(UInt8(ascii: "]"))
        return out
    }
}
