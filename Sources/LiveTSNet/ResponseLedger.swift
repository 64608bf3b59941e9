#if canImport(Glibc)
import Glibc
#endif

/// What the host may still do with each streamed request, kept where any
/// thread can check it at once: the C calls answer a write after the end,
/// a write before the head, an unknown or finished request or a body over
/// its Content-Length with an error code when they are made, not later on
/// the loop. It also counts the response bytes not yet sent, so a write
/// can say "wait for drain", and the body bytes the host has not taken.
///
/// Thread-safe: every method takes `mutex`. The loop thread opens and
/// removes entries and reports progress; host threads check and count.
public final class ResponseLedger {
    /// Unsent response bytes above which a write answers "wait for drain".
    public static let highWater = 64 * 1024
    /// Drain is reported once unsent bytes are down to this.
    public static let lowWater = 16 * 1024

    /// How the response body travels, decided when its head is given.
    public enum BodyFraming: Equatable {
        /// Content-Length: exactly this many bytes.
        case length(Int)
        /// Transfer-Encoding: chunked, each write one chunk.
        case chunked
        /// An HTTP/1.0 client without Content-Length: the body ends with the connection.
        case untilClose
        /// HEAD, 204, 304: the head alone; written bytes are dropped.
        case none
    }

    public enum Refusal: Error, Equatable {
        case unknown
        case notStarted
        case alreadyStarted
        case ended
        case overLength(declared: Int, written: Int)
        case overConsumed(unconsumed: Int)
    }

    struct Entry {
        let minorVersion: Int
        let isHead: Bool
        var started = false
        var ended = false
        var framing = BodyFraming.none
        var written = 0
        /// Bytes given to write or end and not yet handed to the socket by the loop.
        var posted = 0
        /// The connection's write queue as the loop last saw it.
        var socketQueued = 0
        var waitingDrain = false
        /// Body bytes handed to the host and not yet consumed.
        var unconsumed = 0
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var entries: [UInt64: Entry] = [:]

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    // MARK: - Loop thread

    func open(_ id: UInt64, minorVersion: Int, isHead: Bool) {
        locked { entries[id] = Entry(minorVersion: minorVersion, isHead: isHead) }
    }

    func remove(_ id: UInt64) {
        _ = locked { entries.removeValue(forKey: id) }
    }

    func delivered(_ id: UInt64, bytes: Int) {
        locked { entries[id]?.unconsumed += bytes }
    }

    /// The loop handed `sent` posted bytes to the connection, whose write
    /// queue now holds `socketQueued`. True when the host waits for drain
    /// and may write again now (reported once per wait).
    func progress(_ id: UInt64, sent: Int, socketQueued: Int) -> Bool {
        locked {
            guard var entry = entries[id] else { return false }
            entry.posted -= sent
            entry.socketQueued = socketQueued
            let drained = entry.waitingDrain && entry.posted + socketQueued <= ResponseLedger.lowWater
            if drained { entry.waitingDrain = false }
            entries[id] = entry
            return drained
        }
    }

    // MARK: - Any thread

    /// Whether `id` is a streamed request still open to the host.
    public func contains(_ id: UInt64) -> Bool {
        locked { entries[id] != nil }
    }

    /// The head is given: decides the body's framing.
    public func start(_ id: UInt64, status: Int, head: HostResponseHead) -> Result<BodyFraming, Refusal> {
        locked {
            guard var entry = entries[id] else { return .failure(.unknown) }
            guard !entry.started else { return .failure(entry.ended ? .ended : .alreadyStarted) }
            entry.framing = Self.framing(of: entry, status: status, head: head)
            entry.started = true
            entries[id] = entry
            return .success(entry.framing)
        }
    }

    /// Head and whole body at once (lts_response_send): nothing is counted
    /// unless both would be accepted, so a refused call leaves the request
    /// unanswered.
    public func whole(_ id: UInt64, status: Int, head: HostResponseHead, count: Int) -> Result<(framing: BodyFraming, written: Int), Refusal> {
        locked {
            guard var entry = entries[id] else { return .failure(.unknown) }
            guard !entry.started else { return .failure(entry.ended ? .ended : .alreadyStarted) }
            let framing = Self.framing(of: entry, status: status, head: head)
            if case .length(let declared) = framing, count > declared {
                return .failure(.overLength(declared: declared, written: count))
            }
            entry.framing = framing
            entry.started = true
            entry.ended = true
            entry.written = count
            if framing != .none { entry.posted = count }
            entries[id] = entry
            return .success((framing, count))
        }
    }

    private static func framing(of entry: Entry, status: Int, head: HostResponseHead) -> BodyFraming {
        if entry.isHead || status == 204 || status == 304 || status < 200 { return .none }
        if let length = head.contentLength { return .length(length) }
        if head.chunked || entry.minorVersion >= 1 { return .chunked }
        return .untilClose
    }

    /// Counts `count` body bytes written (`last`: by the end call). Gives
    /// the framing and whether the host should wait for drain.
    public func write(_ id: UInt64, count: Int, last: Bool) -> Result<(framing: BodyFraming, wait: Bool, written: Int), Refusal> {
        locked {
            guard var entry = entries[id] else { return .failure(.unknown) }
            guard entry.started else { return .failure(.notStarted) }
            guard !entry.ended else { return .failure(.ended) }
            if case .length(let declared) = entry.framing, entry.written + count > declared {
                return .failure(.overLength(declared: declared, written: entry.written + count))
            }
            entry.written += count
            if entry.framing != .none { entry.posted += count }
            if last { entry.ended = true }
            let wait = !last && entry.posted + entry.socketQueued > ResponseLedger.highWater
            if wait { entry.waitingDrain = true }
            entries[id] = entry
            return .success((entry.framing, wait, entry.written))
        }
    }

    /// The host took `bytes` more of the body.
    public func consume(_ id: UInt64, bytes: Int) -> Result<Void, Refusal> {
        locked {
            guard var entry = entries[id] else { return .failure(.unknown) }
            guard bytes <= entry.unconsumed else { return .failure(.overConsumed(unconsumed: entry.unconsumed)) }
            entry.unconsumed -= bytes
            entries[id] = entry
            return .success(())
        }
    }

    /// lts_respond on a streamed request: the whole answer at once. nil if
    /// `id` is not a streamed request.
    public func answerWhole(_ id: UInt64) -> Refusal?? {
        locked {
            guard var entry = entries[id] else { return nil }
            guard !entry.started else { return .some(entry.ended ? .ended : .alreadyStarted) }
            entry.started = true
            entry.ended = true
            entries[id] = entry
            return .some(nil)
        }
    }
}
