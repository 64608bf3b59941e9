#if canImport(Glibc)
import Glibc
#endif

/// 64-bit hashing of byte runs and subtrees. Equal hashes let the differ skip
/// a subtree without looking inside, so the hash must be strong and must not
/// be predictable by someone who controls rendered text: the seed is random
/// per process.
enum Hash {
    static let seed: UInt64 = {
        var value: UInt64 = 0
        #if canImport(Glibc)
        let fd = open("/dev/urandom", O_RDONLY)
        if fd >= 0 {
            let got = withUnsafeMutableBytes(of: &value) { read(fd, $0.baseAddress, 8) }
            close(fd)
            if got == 8 { return value | 1 }
        }
        #endif
        return 0x243F_6A88_85A3_08D3
    }()

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// wyhash-style: one 64×64→128 multiply per 16 bytes; the tail is
    /// read as overlapping words instead of byte by byte.
    @inline(__always)
    static func bytes(_ base: UnsafePointer<UInt8>, _ count: Int, _ seed: UInt64) -> UInt64 {
        let raw = UnsafeRawPointer(base)
        var h = seed ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15)
        var a: UInt64
        var b: UInt64
        if count >= 16 {
            var i = 0
            while i + 16 < count {
                h = mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0xA076_1D64_78BD_642F,
                        raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ h)
                i += 16
            }
            a = raw.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            b = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 8 {
            a = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            b = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            a = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            b = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        } else if count > 0 {
            a = UInt64(base[0]) << 16 | UInt64(base[count >> 1]) << 8 | UInt64(base[count - 1])
            b = 0
        } else {
            a = 0
            b = 0
        }
        return mix(a ^ 0xE703_7ED1_A0B4_28DB ^ h, b ^ 0x8EBC_6AF0_9C88_C6E3 ^ (h >> 7))
    }

    /// Order-dependent: children combined in a different order hash apart.
    @inline(__always)
    static func combine(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        return mix(accumulator ^ value, 0x1D8E_4E27_C47D_124F)
    }
}
