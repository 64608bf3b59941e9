import CLiveTS
import LiveTSHTML
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("lts_diff")
public func lts_diff(_ oldHTML: UnsafePointer<CChar>?, _ oldLength: Int, _ newHTML: UnsafePointer<CChar>?, _ newLength: Int,
                     _ out: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    LastError.clear()
    out?.pointee = nil
    outLength?.pointee = 0
    guard let out else { return fail(LTS_EINVAL, "lts_diff: out is NULL (pass the address of a uint8_t *)") }
    guard let outLength else { return fail(LTS_EINVAL, "lts_diff: out_len is NULL (pass the address of a size_t)") }
    guard let old = copyArgument("lts_diff", "old_html", "old_len", oldHTML, oldLength),
          let new = copyArgument("lts_diff", "new_html", "new_len", newHTML, newLength) else { return LTS_EINVAL }
    let patch = HTMLDiffer.diff(old: old, new: new)
    guard let buffer = malloc(max(patch.count, 1))?.assumingMemoryBound(to: UInt8.self) else {
        return fail(LTS_ENOMEM, "lts_diff: could not allocate \(patch.count) bytes for the patch")
    }
    patch.withUnsafeBufferPointer { if let base = $0.baseAddress { buffer.initialize(from: base, count: patch.count) } }
    out.pointee = buffer
    outLength.pointee = patch.count
    return LTS_OK
}

@_cdecl("lts_free")
public func lts_free(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}
