/// Write coalescing, one per server (so one per loop thread). While a
/// connection's read is handled, the frames written to that connection,
/// replies to everything the read held, gather here and reach the kernel in
/// one write when the read is done: one syscall, and one TCP segment, where
/// there would be one per reply. Only one connection holds it at a time:
/// read callbacks do not nest.
///
/// A struct held in place by the server, so using it costs no reference
/// counting: it is touched several times per message. The server frees
/// its buffer (`deallocate`).
struct WriteCork {
    /// Replies bigger than this bypass it; so does everything once it is full.
    static let capacity = 16 * 1024

    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: WriteCork.capacity)
    private(set) var count = 0
    /// The connection whose read is being handled, if any.
    private(set) var owner: ObjectIdentifier?

    func deallocate() { buffer.deallocate() }

    var space: Int { WriteCork.capacity - count }

    mutating func begin(_ connection: ObjectIdentifier) {
        owner = connection
        count = 0
    }

    mutating func end() {
        owner = nil
        count = 0
    }

    /// Bytes gathered for `connection`: 0 unless it holds the cork.
    @inline(__always) func pending(for connection: ObjectIdentifier) -> Int {
        owner == connection ? count : 0
    }

    /// The gathered bytes, forgotten here: they stay valid until the next
    /// `append` or `reserve`, so the caller writes them first.
    mutating func take() -> UnsafeRawBufferPointer {
        let n = count
        count = 0
        return UnsafeRawBufferPointer(start: buffer, count: n)
    }

    mutating func discard() { count = 0 }

    /// - Precondition: `bytes` fit in `space`.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= space, "the cork would overflow: drain it first (Connection.makeRoom)")
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        UnsafeMutableRawPointer(buffer + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// Space for `n` bytes the caller writes at once.
    /// - Precondition: `n` fits in `space`.
    mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(n <= space, "the cork would overflow: drain it first (Connection.makeRoom)")
        let at = buffer + count
        count += n
        return at
    }
}
