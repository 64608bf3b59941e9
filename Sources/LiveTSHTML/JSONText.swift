/// How much a JSON string literal escapes beyond what JSON requires.
public enum JSONEscaping {
    /// Every `<`, `>` and `&` as `\u003c`-style sequences, so a frame can
    /// never close a `<script>` element or be mistaken for markup by
    /// anything that sniffs it.
    case markupSafe
    /// Only `<` before `/` or `!`, which is all a `<script>` block needs to
    /// stay closed: markup in patches stays readable and small (`\u003c`
    /// for every `<` would triple the size of a row).
    case scriptSafe
}

/// Appends `bytes` (UTF-8) to `out` as a JSON string literal, quotes included.
/// Inlinable, so callers in other modules get a specialised copy: a generic
/// call per byte would dominate the cost of a large frame.
@inlinable
public func appendJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8],
                                            escaping: JSONEscaping = .markupSafe) where C.Element == UInt8 {
    out.append(UInt8(ascii: "\""))
    // Most names, texts and values need no escape at all: copy them whole.
    if !bytes.contains(where: { mayNeedEscape($0, escaping) }) {
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: "\""))
        return
    }
    var previousWasLessThan = false
    for byte in bytes {
        if previousWasLessThan {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!") {
                out.removeLast()
                appendUnicodeEscape(UInt8(ascii: "<"), to: &out)
            }
            previousWasLessThan = false
        }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 0x00..<0x20: appendUnicodeEscape(byte, to: &out)
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
            if escaping == .markupSafe {
                appendUnicodeEscape(byte, to: &out)
            } else {
                out.append(byte)
                previousWasLessThan = byte == UInt8(ascii: "<")
            }
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}

@inlinable @inline(__always)
func mayNeedEscape(_ byte: UInt8, _ escaping: JSONEscaping) -> Bool {
    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") { return true }
    return escaping == .markupSafe && (byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&"))
}

/// Appends `value` in decimal.
public func appendJSONInteger<T: BinaryInteger>(_ value: T, to out: inout [UInt8]) {
    out.append(contentsOf: String(value).utf8)
}

@inlinable
func appendUnicodeEscape(_ byte: UInt8, to out: inout [UInt8]) {
    @inline(__always) func hex(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10 }
    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex(byte >> 4), hex(byte & 0x0F)])
}
