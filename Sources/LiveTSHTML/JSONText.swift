/// Appends `bytes` (UTF-8) to `out` as a JSON string literal, quotes included.
///
/// Escapes what JSON requires plus `<`, `>` and `&` as `\u003c`-style
/// sequences, so a frame or a patch can never close a `<script>` element or
/// be mistaken for markup by anything that sniffs it.
public func appendJSONString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
    out.append(UInt8(ascii: "\""))
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 0x00..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
            appendUnicodeEscape(byte, to: &out)
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}

/// Appends `value` in decimal.
public func appendJSONInteger<T: BinaryInteger>(_ value: T, to out: inout [UInt8]) {
    out.append(contentsOf: String(value).utf8)
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

private func appendUnicodeEscape(_ byte: UInt8, to out: inout [UInt8]) {
    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                            hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
}
