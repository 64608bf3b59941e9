/// Why the server refused something. Raw values are the LTS_CAUSE_* codes
/// of livetscore.h; `name` is what logs and stats show.
public enum RefusalCause: Int, CaseIterable {
    case badMessage = 1
    case viewsPerConnection = 2
    case connectionsPerIP = 3
    case connections = 4
    case messageTimeout = 5
    case partialBytes = 6
    case hostQueue = 7
    case eventRate = 8
    case joinRate = 9
    case pageRate = 10
    case hostNotAllowed = 11
    case origin = 12
    case slowConsumer = 13
    case tooBig = 14
    case rateAbuse = 15
    case tls = 16
    case longPoll = 17

    public static let slots = 32

    public var name: StaticString {
        switch self {
        case .badMessage: return "bad_message"
        case .viewsPerConnection: return "views_per_connection"
        case .connectionsPerIP: return "connections_per_ip"
        case .connections: return "connections"
        case .messageTimeout: return "message_timeout"
        case .partialBytes: return "partial_bytes"
        case .hostQueue: return "host_queue"
        case .eventRate: return "event_rate"
        case .joinRate: return "join_rate"
        case .pageRate: return "page_rate"
        case .hostNotAllowed: return "host_not_allowed"
        case .origin: return "origin"
        case .slowConsumer: return "slow_consumer"
        case .tooBig: return "too_big"
        case .rateAbuse: return "rate_abuse"
        case .tls: return "tls"
        case .longPoll: return "long_poll"
        }
    }
}

/// One refusal as the host hears of it: the first of its kind at once,
/// the rest of an interval folded into one notice with their count.
public struct RefusalNotice {
    public let cause: RefusalCause
    public let connection: UInt64
    public let count: UInt64
    public let address: [UInt8]
    public let detail: [UInt8]
}

/// Counts every refusal by cause, and reports each (cause, connection or
/// address) at most once per interval, so a flood of refused frames costs
/// one log line per interval, not one per frame, while no kind of refusal
/// goes unreported. Loop thread only.
public final class RefusalLog {
    public static let intervalMs: UInt64 = 10_000

    public private(set) var counts = [UInt64](repeating: 0, count: RefusalCause.slots)
    private struct Key: Hashable {
        let cause: RefusalCause
        let connection: UInt64
        let address: [UInt8]
    }
    private struct Window {
        let openedAt: UInt64
        var suppressed: UInt64
        var detail: [UInt8]
        /// Kept here: the connection may be gone when the interval ends.
        let address: [UInt8]
    }
    private var windows: [Key: Window] = [:]
    private let report: (RefusalNotice) -> Void

    public init(report: @escaping (RefusalNotice) -> Void) {
        self.report = report
    }

    /// Counts a refusal; reports it now if it opens a new interval for its key.
    /// `connection` is 0 for refusals before a WebSocket exists; they are
    /// grouped by address instead.
    public func refuse(_ cause: RefusalCause, connection: UInt64, address: [UInt8], detail: String, now: UInt64) {
        counts[cause.rawValue] &+= 1
        let key = Key(cause: cause, connection: connection, address: connection == 0 ? address : [])
        if var window = windows[key] {
            window.suppressed += 1
            window.detail = Array(detail.utf8)
            windows[key] = window
            return
        }
        windows[key] = Window(openedAt: now, suppressed: 0, detail: [], address: address)
        report(RefusalNotice(cause: cause, connection: connection, count: 1, address: address, detail: Array(detail.utf8)))
    }

    /// Closes the intervals that have run out, reporting what each folded
    /// and opening the next, so a refusal that goes on costs one line per
    /// interval. An interval with nothing folded ends quietly, and the next
    /// refusal of its key is reported at once.
    public func sweep(now: UInt64) {
        guard !windows.isEmpty else { return }
        for (key, window) in windows where now &- window.openedAt >= Self.intervalMs {
            guard window.suppressed > 0 else {
                windows[key] = nil
                continue
            }
            windows[key] = Window(openedAt: now, suppressed: 0, detail: [], address: window.address)
            report(RefusalNotice(cause: key.cause, connection: key.connection, count: window.suppressed,
                                 address: window.address, detail: window.detail))
        }
    }
}
