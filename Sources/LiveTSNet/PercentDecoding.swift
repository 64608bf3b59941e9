/// The bytes `text` stands for with every %XX decoded (RFC 3986 §2.1); nil
/// for a malformed escape or a raw byte that `accepting` refuses. Shared by
/// URL paths (static files) and Redis URL credentials.
public func percentDecoded<C: Collection>(_ text: C, accepting: (UInt8) -> Bool = { _ in true }) -> [UInt8]?
where C.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var bytes = text.makeIterator()
    while let byte = bytes.next() {
        if byte == UInt8(ascii: "%") {
            guard let high = hexDigitValue(bytes.next()), let low = hexDigitValue(bytes.next()) else { return nil }
            out.append(high << 4 | low)
        } else {
            guard accepting(byte) else { return nil }
            out.append(byte)
        }
    }
    return out
}

private func hexDigitValue(_ c: UInt8?) -> UInt8? {
    guard let c else { return nil }
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
