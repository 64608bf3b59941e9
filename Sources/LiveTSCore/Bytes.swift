/// Copies a (pointer, length) pair from C into Swift; nil when the pointer
/// is NULL with a non-zero length, which the ABI treats as LTS_EINVAL.
@inline(__always)
func copyBytes(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8]? {
    if length == 0 { return [] }
    guard let pointer else { return nil }
    return Array(UnsafeRawBufferPointer(start: pointer, count: length))
}

/// The same pair as a buffer, not copied: for calls that use the bytes
/// before they return (a send on the loop thread) and copy them otherwise.
@inline(__always)
func borrowBytes(_ pointer: UnsafeRawPointer?, _ length: Int) -> UnsafeRawBufferPointer? {
    if length == 0 { return UnsafeRawBufferPointer(start: nil, count: 0) }
    guard let pointer, length > 0 else { return nil }
    return UnsafeRawBufferPointer(start: pointer, count: length)
}

func copyCString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}

/// Lends `bytes` to C as a (pointer, length) pair for the duration of `body`.
/// An empty array still gets a valid pointer to a NUL byte.
@inline(__always)
func withCBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    if bytes.isEmpty {
        return withUnsafePointer(to: CChar(0)) { body($0, 0) }
    }
    return bytes.withUnsafeBufferPointer { buffer in
        body(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), buffer.count)
    }
}
