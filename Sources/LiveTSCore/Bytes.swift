import CLiveTS
import LiveTSNet

/// Copies a (pointer, length) pair from C into Swift; nil when the pointer
/// is NULL with a non-zero length, or the length is past Int.max (a size_t
/// C can pass but nothing can hold), which the ABI treats as LTS_EINVAL.
@inline(__always)
func copyBytes(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8]? {
    if length == 0 { return [] }
    guard let pointer, length > 0 else { return nil }
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

/// Whether copyBytes or borrowBytes would take the pair, without touching the bytes.
@inline(__always)
func isReadable(_ pointer: UnsafeRawPointer?, _ length: Int) -> Bool {
    length == 0 || (pointer != nil && length > 0)
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

// MARK: - Reading arguments, with the sentence lts_last_error gives when one is wrong

/// Records why a (pointer, length) pair was refused: LTS_EINVAL.
func unreadable(_ function: StaticString, _ name: StaticString, _ lengthName: StaticString, _ length: Int) -> Int32 {
    let size = UInt(bitPattern: length)
    if length < 0 {
        return fail(LTS_EINVAL, "\(function): \(lengthName) \(size) is larger than any buffer can be")
    }
    return fail(LTS_EINVAL, "\(function): \(name) is NULL but \(lengthName) is \(size) (pass a buffer, or a length of 0)")
}

/// copyBytes, recording the failure for lts_last_error.
func copyArgument(_ function: StaticString, _ name: StaticString, _ lengthName: StaticString,
                  _ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8]? {
    if let bytes = copyBytes(pointer, length) { return bytes }
    _ = unreadable(function, name, lengthName, length)
    return nil
}

/// borrowBytes, recording the failure for lts_last_error.
func borrowArgument(_ function: StaticString, _ name: StaticString, _ lengthName: StaticString,
                    _ pointer: UnsafeRawPointer?, _ length: Int) -> UnsafeRawBufferPointer? {
    if let bytes = borrowBytes(pointer, length) { return bytes }
    _ = unreadable(function, name, lengthName, length)
    return nil
}

/// A non-empty (pointer, length) argument such as a topic or component id.
func copyNonEmptyArgument(_ function: StaticString, _ name: StaticString, _ lengthName: StaticString,
                          _ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8]? {
    guard length != 0 else {
        _ = fail(LTS_EINVAL, "\(function): \(name) is empty (\(lengthName) is 0)")
        return nil
    }
    return copyArgument(function, name, lengthName, pointer, length)
}

/// Connection ids start at 1.
func isConnection(_ function: StaticString, _ conn: UInt64) -> Bool {
    if conn != 0 { return true }
    _ = fail(LTS_EINVAL, "\(function): conn is 0, which is never a connection (use the id from on_open or the event)")
    return false
}

/// LTS_EPARSE for text that is not UTF-8, naming where it stops being so.
func notUTF8<C: Collection>(_ function: StaticString, _ name: StaticString, _ bytes: C, _ why: String = "") -> Int32
    where C.Element == UInt8 {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    while case .scalarValue(let scalar) = decoder.decode(&iterator) { offset += UTF8.width(scalar) }
    return fail(LTS_EPARSE, "\(function): \(name) is not valid UTF-8 (at byte \(offset) of \(bytes.count))\(why)")
}

func isUTF8(_ bytes: [UInt8]) -> Bool { UTF8Validator.isValid(bytes) }

func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    UTF8Validator.isValid(buffer: bytes.assumingMemoryBound(to: UInt8.self))
}
