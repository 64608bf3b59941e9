/// An Accept-Encoding header read as RFC 9110 §12.5.3 says: a coding the
/// client names takes its own weight, one it does not name takes the weight
/// of `*`, and weight 0 refuses it.
public enum AcceptEncoding {
    /// Whether a client sending `value` (nil: no header) takes `coding`
    /// (lowercase, e.g. "gzip"; "x-gzip" counts as "gzip").
    public static func allows(_ coding: String, in value: [UInt8]?) -> Bool {
        guard let value else { return false }
        let wanted = Array(coding.utf8)
        var named: Bool?
        var wildcard: Bool?
        for item in value.split(separator: UInt8(ascii: ",")) {
            let parts = item.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
            var name = ASCII.lowercased(ASCII.trimmed(parts[0]))
            if name == Array("x-gzip".utf8) { name = Array("gzip".utf8) }
            guard name == wanted || name == [UInt8(ascii: "*")] else { continue }
            // A weight that does not parse makes the item meaningless: it
            // neither grants nor refuses.
            guard let weight = weight(parts.dropFirst()) else { continue }
            if name == wanted { named = (named ?? false) || weight > 0 } else { wildcard = (wildcard ?? false) || weight > 0 }
        }
        return named ?? wildcard ?? false
    }

    /// The item's q in thousandths (1000 when absent); nil when malformed.
    static func weight<S: Sequence>(_ parameters: S) -> Int? where S.Element == ArraySlice<UInt8> {
        var result = 1000
        for parameter in parameters {
            let p = ASCII.lowercased(ASCII.trimmed(parameter)).filter { $0 != 32 && $0 != 9 }
            guard p.count >= 3, p[0] == UInt8(ascii: "q"), p[1] == UInt8(ascii: "=") else {
                if p.isEmpty { continue }
                return nil
            }
            guard let q = qvalue(Array(p[2...])) else { return nil }
            result = q
        }
        return result
    }

    /// `0[.ddd]` or `1[.000]` (RFC 9110 §12.4.2) in thousandths.
    static func qvalue(_ text: [UInt8]) -> Int? {
        guard let first = text.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var thousandths = first == UInt8(ascii: "1") ? 1000 : 0
        guard text.count > 1 else { return thousandths }
        guard text[1] == UInt8(ascii: "."), text.count <= 5 else { return nil }
        var scale = 100
        for digit in text[2...] {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            thousandths += Int(digit - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return thousandths <= 1000 ? thousandths : nil
    }
}
