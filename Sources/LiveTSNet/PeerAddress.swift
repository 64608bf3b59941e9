import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// The address at the other end of a TCP socket, as text ("203.0.113.5",
/// "::1"); empty if the kernel will not say (the peer already left).
func peerAddress(of fd: Int32) -> [UInt8] {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    var text = [CChar](repeating: 0, count: 64)
    let ok: Bool = withUnsafeMutablePointer(to: &storage) { raw in
        let address = UnsafeMutableRawPointer(raw)
        guard getpeername(fd, address.assumingMemoryBound(to: sockaddr.self), &length) == 0 else { return false }
        if raw.pointee.ss_family == sa_family_t(AF_INET6) {
            return uv_ip6_name(address.assumingMemoryBound(to: sockaddr_in6.self), &text, text.count) == 0
        }
        return uv_ip4_name(address.assumingMemoryBound(to: sockaddr_in.self), &text, text.count) == 0
    }
    guard ok else { return [] }
    var bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; one
    // client must have one address, whichever listener it came through.
    let mapped = Array("::ffff:".utf8)
    if bytes.starts(with: mapped), bytes.contains(UInt8(ascii: ".")) { bytes.removeFirst(mapped.count) }
    return bytes
}
