import LiveTSHTML

/// The letters of the message kinds the core reads and writes
/// (docs/protocol.md; a sample of each is in tests/fixtures/wire-frames.json).
/// The parser and the frame writers below take their letters from here and
/// nowhere else. The host's own kinds (h, n, g, f, t, v, y) pass through the core
/// untouched and are named in node-binding/src/protocol.ts; the browser's
/// copy of every letter is client/src/constants.js.
enum WireKind {
    /// Browser → server: what `ClientMessage.parse` accepts.
    enum Inbound: Unicode.Scalar, CaseIterable {
        case join = "j"
        case event = "e"
        case leave = "l"
        case resync = "s"
        case urlChange = "u"

        init?(byte: UInt8) { self.init(rawValue: Unicode.Scalar(byte)) }
    }

    /// Server → browser, written by `ServerMessage`.
    enum Outbound: Unicode.Scalar, CaseIterable {
        case render = "r"
        case patch = "p"
        case refused = "x"
        case uploadAck = "k"

        var byte: UInt8 { UInt8(rawValue.value) }
    }
}

/// A browser message that passed the shape checks.
struct ClientMessage {
    let kind: WireKind.Inbound
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
        switch WireKind.Inbound(byte: kindText[0]) {
        case .join:
            guard elements.count >= 4, elements.count <= 5, case .string(let token) = elements[3] else {
                return .failure(.badShape("join is [\"j\", ref, id, token, params]"))
            }
            return .success(ClientMessage(kind: .join, ref: ref, component: component, name: token, payload: payload(at: 4)))
        case .event:
            guard elements.count >= 4, elements.count <= 5, case .string(let name) = elements[3], !name.isEmpty,
                  name.count <= ProtocolLimits.maxIdentifierBytes else {
                return .failure(.badShape("event is [\"e\", ref, id, name, payload]"))
            }
            return .success(ClientMessage(kind: .event, ref: ref, component: component, name: name, payload: payload(at: 4)))
        case .urlChange:
            guard elements.count == 4, case .string(let url) = elements[3], url.first == UInt8(ascii: "/"),
                  url.count <= 8192 else {
                return .failure(.badShape("url change is [\"u\", ref, id, \"/path?query\"]"))
            }
            return .success(ClientMessage(kind: .urlChange, ref: ref, component: component, name: url, payload: null))
        case .leave:
            return .success(ClientMessage(kind: .leave, ref: ref, component: component, name: [], payload: null))
        case .resync:
            return .success(ClientMessage(kind: .resync, ref: ref, component: component, name: [], payload: null))
        case nil:
            return .failure(.badShape("unknown message kind"))
        }
    }
}

/// Server → browser messages.
enum ServerMessage {
    static func render(component: [UInt8], seq: UInt64, ref: UInt64, html: [UInt8]) -> [UInt8] {
        var out = sequencedHead(.render, component: component, seq: seq, ref: ref, bodyCapacity: html.count)
        // The patch writer's escaping: a frame is not inside HTML, and `\u003c`
        // for every `<` would make a large page's join reply nearly twice its size.
        appendJSONString(html, to: &out, escaping: .scriptSafe)
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A render whose HTML the browser already has: null in its place.
    static func renderUnchanged(component: [UInt8], seq: UInt64, ref: UInt64) -> [UInt8] {
        var out = sequencedHead(.render, component: component, seq: seq, ref: ref, bodyCapacity: 4)
        out += Array("null]".utf8)
        return out
    }

    /// `ops` is already a JSON array (the differ's output).
    static func patch(component: [UInt8], seq: UInt64, ref: UInt64, ops: [UInt8]) -> [UInt8] {
        var out = sequencedHead(.patch, component: component, seq: seq, ref: ref, bodyCapacity: ops.count)
        out += ops
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `["<kind>","<component>",seq,ref,` — what renders and patches share before their body.
    private static func sequencedHead(_ kind: WireKind.Outbound, component: [UInt8], seq: UInt64, ref: UInt64,
                                      bodyCapacity: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bodyCapacity + component.count + 32)
        appendKind(kind, to: &out)
        appendJSONString(component, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(seq, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(ref, to: &out)
        out.append(UInt8(ascii: ","))
        return out
    }

    static func refused(component: [UInt8], ref: UInt64, reason: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        appendKind(.refused, to: &out)
        appendJSONString(component, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(ref, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONString(reason, to: &out)
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `["k","<component>","<entry>",received]`, with the reason as a fifth
    /// element when the upload failed: the browser sends its next chunk
    /// only after the ack of the one before (docs/protocol.md, "Uploads").
    static func uploadAck(component: [UInt8], entry: [UInt8], received: UInt64, error: [UInt8]?) -> [UInt8] {
        var out: [UInt8] = []
        appendKind(.uploadAck, to: &out)
        appendJSONString(component, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONString(entry, to: &out)
        out.append(UInt8(ascii: ","))
        appendJSONInteger(received, to: &out)
        if let error {
            out.append(UInt8(ascii: ","))
            appendJSONString(error, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `["k","<component>","<entry>",0,chunkBytes]`: the upload is allowed,
    /// send chunks of at most `chunkBytes`.
    static func uploadStart(component: [UInt8], entry: [UInt8], chunkBytes: Int) -> [UInt8] {
        var out = uploadAck(component: component, entry: entry, received: 0, error: nil)
        out.removeLast()
        out.append(UInt8(ascii: ","))
        appendJSONInteger(UInt64(chunkBytes), to: &out)
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `["<kind>",` — how every frame the core writes begins.
    private static func appendKind(_ kind: WireKind.Outbound, to out: inout [UInt8]) {
        out += [UInt8(ascii: "["), UInt8(ascii: "\""), kind.byte, UInt8(ascii: "\""), UInt8(ascii: ",")]
    }
}
