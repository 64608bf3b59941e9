/// Presence diffs gathered over a short window and delivered as one diff
/// per topic, so a burst of joins costs each subscriber one message, not
/// one per join (200 joins to a room of 200 were 20,000 renders). A join
/// and a leave of the same entry inside one window cancel out.
struct PresenceBatch {
    /// Long enough to gather a page's worth of joins, short enough that
    /// people still see each other arrive at once.
    static let windowMs: UInt64 = 50

    private(set) var pending: PresenceDiffs = [:]
    /// Topics in the order they first changed, so delivery order is stable.
    private var order: [[UInt8]] = []
    var isEmpty: Bool { pending.isEmpty }

    mutating func add(_ diffs: PresenceDiffs) {
        for (topic, diff) in diffs where !diff.isEmpty {
            if pending[topic] == nil { order.append(topic) }
            var merged = pending[topic] ?? PresenceDiff()
            for leave in diff.leaves {
                if let i = merged.joins.firstIndex(of: leave) { merged.joins.remove(at: i) } else { merged.leaves.append(leave) }
            }
            for join in diff.joins {
                if let i = merged.leaves.firstIndex(of: join) { merged.leaves.remove(at: i) } else { merged.joins.append(join) }
            }
            pending[topic] = merged
        }
    }

    /// Everything gathered, in first-changed order; empty diffs dropped.
    mutating func take() -> [([UInt8], PresenceDiff)] {
        let out = order.compactMap { topic in pending[topic].flatMap { $0.isEmpty ? nil : (topic, $0) } }
        pending = [:]
        order = []
        return out
    }
}

import CLibUV

/// A one-shot timer on the engine's loop, started lazily from the loop
/// thread and closed when the loop shuts down.
final class LoopTimer {
    private let timer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    private var initialised = false
    private var closed = false
    private(set) var isArmed = false
    private let fire: () -> Void

    init(fire: @escaping () -> Void) {
        self.fire = fire
    }

    deinit { timer.deallocate() }

    /// Loop thread. Does nothing while armed, or once closed.
    func arm(loop: UnsafeMutablePointer<uv_loop_t>, afterMs ms: UInt64) {
        guard !isArmed, !closed else { return }
        if !initialised {
            uv_timer_init(loop, timer)
            timer.pointee.data = Unmanaged.passUnretained(self).toOpaque()
            initialised = true
        }
        isArmed = true
        uv_timer_start(timer, { handle in
            guard let handle, let data = handle.pointee.data else { return }
            let owner = Unmanaged<LoopTimer>.fromOpaque(data).takeUnretainedValue()
            owner.isArmed = false
            owner.fire()
        }, ms, 0)
    }

    /// Loop thread, as the loop shuts down; the owner must outlive the loop.
    func close() {
        guard !closed else { return }
        closed = true
        isArmed = false
        if initialised {
            uv_timer_stop(timer)
            timer.withMemoryRebound(to: uv_handle_t.self, capacity: 1) { uv_close($0, nil) }
        }
    }
}
