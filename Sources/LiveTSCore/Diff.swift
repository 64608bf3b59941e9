import CLiveTS
import LiveTSHTML
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("lts_diff")
public func lts_diff(_ oldHTML: UnsafePointer<CChar>?, _ oldLength: Int, _ newHTML: UnsafePointer<CChar>?, _ newLength: Int,
                     _ out: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let out, let outLength else { return LTS_EINVAL }
    out.pointee = nil
    outLength.pointee = 0
    guard let old = copyBytes(oldHTML, oldLength), let new = copyBytes(newHTML, newLength) else { return LTS_EINVAL }
    let patch = HTMLDiffer.diff(old: old, new: new)
    guard let buffer = malloc(max(patch.count, 1))?.assumingMemoryBound(to: UInt8.self) else { return LTS_ENOMEM }
    patch.withUnsafeBufferPointer { if let base = $0.baseAddress { buffer.initialize(from: base, count: patch.count) } }
    out.pointee = buffer
    outLength.pointee = patch.count
    return 0
}

@_cdecl("lts_free")
public func lts_free(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}
