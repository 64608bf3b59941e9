#if canImport(Glibc)
import Glibc
#endif

/// A response body sent a chunk at a time as the socket drains, so a large
/// file is never read whole and a large page is never copied whole into
/// the write queue. Loop thread only.
final class ResponseBody {
    enum Source {
        /// An open file, read from `offset` with pread(2). Closed with the body.
        case file(descriptor: Int32)
        case memory([UInt8])
    }

    /// Bytes in one write; a few are in flight at a time (see Connection-streaming).
    static let chunkBytes = 64 * 1024
    /// Bodies at least this long are streamed; shorter ones go in one write.
    static let streamingThreshold = 256 * 1024

    private let source: Source
    let length: Int
    private(set) var offset = 0

    init(_ source: Source, length: Int) {
        self.source = source
        self.length = length
    }

    deinit {
        if case .file(let descriptor) = source { close(descriptor) }
    }

    var remaining: Int { length - offset }

    /// Fills `chunk` with the next bytes (at most `remaining`); false if the
    /// file could not be read or ended early (it shrank while being sent).
    func read(into chunk: UnsafeMutableRawBufferPointer) -> Bool {
        let count = min(chunk.count, remaining)
        guard count > 0, let base = chunk.baseAddress else { return count == 0 }
        switch source {
        case .memory(let bytes):
            bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        case .file(let descriptor):
            var done = 0
            while done < count {
                let n = pread(descriptor, base + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
        }
        offset += count
        return true
    }
}
