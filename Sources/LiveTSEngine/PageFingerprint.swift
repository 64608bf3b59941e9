import LiveTSNet

/// What names a view's HTML in a page: the page carries it on the view's
/// root (data-livets-fp) and the browser echoes it in the join params as
/// `_fp: {id: fingerprint}` while its DOM is still that first render. A join
/// whose render has the same fingerprint is answered ["r", id, seq, ref,
/// null]: the page's HTML is not sent a second time.
public enum PageFingerprint {
    /// The first 8 bytes of the HTML's SHA-1, in lowercase hex: collisions
    /// would need an attacker, who could only deny themselves a render.
    public static func of(_ html: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for byte in SHA1.digest(html).prefix(8) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        return out
    }

    /// The fingerprint join params name for `component`, if any.
    static func named(in params: [UInt8], for component: [UInt8]) -> [UInt8]? {
        guard case .other(let map)? = JSONReader.member(Array("_fp".utf8), ofObject: params),
              case .string(let fingerprint)? = JSONReader.member(component, ofObject: map),
              fingerprint.count == 16 else { return nil }
        return fingerprint
    }
}
