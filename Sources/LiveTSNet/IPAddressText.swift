#if canImport(Glibc)
import Glibc
#endif

/// IP addresses as text, in the one form peer addresses are printed in, so
/// addresses from a header or a configuration compare equal to the peer's.
public enum IPAddressText {
    /// "203.0.113.5", "::1"; IPv4-mapped IPv6 as plain IPv4 (as
    /// peerAddress does); nil if `text` is not an IP literal.
    public static func canonical<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        guard !text.isEmpty, text.count < 64 else { return nil }
        var cString = [CChar](repeating: 0, count: text.count + 1)
        for (i, byte) in text.enumerated() { cString[i] = CChar(bitPattern: byte) }
        var storage = in6_addr()
        var out = [CChar](repeating: 0, count: 64)
        for family in [AF_INET, AF_INET6] {
            let parsed = withUnsafeMutableBytes(of: &storage) { inet_pton(family, cString, $0.baseAddress) == 1 }
            guard parsed else { continue }
            let printed = withUnsafeBytes(of: &storage) { inet_ntop(family, $0.baseAddress, &out, socklen_t(out.count)) != nil }
            guard printed else { return nil }
            var bytes = out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            let mapped = Array("::ffff:".utf8)
            if bytes.starts(with: mapped), bytes.contains(UInt8(ascii: ".")) { bytes.removeFirst(mapped.count) }
            return bytes
        }
        return nil
    }
}
