import CLibUV
#if canImport(Glibc)
import Glibc
#endif

/// Open connections per client address and in all, so one client cannot
/// take every descriptor and slot the server has. Loop thread only.
final class ConnectionCounts {
    private var byAddress: [[UInt8]: Int] = [:]

    func count(of address: [UInt8]) -> Int { byAddress[address] ?? 0 }

    /// Counts one more connection from `address`; returns the address as
    /// this table stores it, for the connection to hold instead of its own
    /// copy: connections from one address then share one array.
    @discardableResult
    func add(_ address: [UInt8]) -> [UInt8] {
        guard let index = byAddress.index(forKey: address) else {
            byAddress[address] = 1
            return address
        }
        byAddress.values[index] += 1
        return byAddress.keys[index]
    }

    func remove(_ address: [UInt8]) {
        guard let n = byAddress[address] else { return }
        byAddress[address] = n > 1 ? n - 1 : nil
    }

    var addresses: Int { byAddress.count }

    /// How many connections the server keeps open when none is configured:
    /// the descriptor limit, less those kept for the listener, Redis, static
    /// files and the host, so the cap is met before accept(2) starts failing.
    static func defaultMaximum() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return 1 << 20 }
        return max(1, Int(clamping: limit.rlim_cur) - ServerSettings.reservedDescriptors)
    }

    /// What a connection over a cap is told before it is closed.
    static let retryAfterSeconds = 5
    static func refusal() -> [UInt8] {
        HTTPResponse.error(status: 503, extraHeaders: "Retry-After: \(retryAfterSeconds)\r\n")
    }
}

/// One descriptor held back for the moment the process has none left.
/// Connections then wait in the listen queue, and libuv is told of them
/// again on every turn of the loop while accept(2) fails: the listener
/// would spin and the clients hang. With the spare closed for an instant,
/// each waiting connection is accepted, answered 503 and closed, and the
/// spare is taken back. libuv does the same with a spare of its own; this
/// one answers instead of resetting, and still works when another thread
/// took libuv's spare while it was released.
final class SpareDescriptor {
    private var fd: Int32 = -1

    init() { reopen() }

    deinit { if fd >= 0 { close(fd) } }

    /// Answers and closes every connection waiting on `listener`; returns how many.
    func shed(listener: Int32, answer: [UInt8]) -> Int {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        defer { reopen() }
        var shed = 0
        while true {
            // Closed at once, so neither non-blocking nor close-on-exec matters.
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return shed
            }
            answer.withUnsafeBytes { _ = send(client, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
            close(client)
            shed += 1
        }
    }

    private func reopen() {
        guard fd < 0 else { return }
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }
}
