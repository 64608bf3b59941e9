import CLibUV
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One libuv loop on a thread of its own. Other threads hand it work with
/// `post`, which copies nothing itself: callers capture copies in the closure.
/// The queue is drained in one wake-up, however many posts arrived.
public final class EventLoop {
    public let loop: UnsafeMutablePointer<uv_loop_t>
    private let wakeup: UnsafeMutablePointer<uv_async_t>
    private let mutex: UnsafeMutablePointer<uv_mutex_t>
    private var pending: [() -> Void] = []
    /// `pending.count`, readable without the mutex: the loop thread's check
    /// that nothing is queued ahead of work it would run at once, made on
    /// every send from a callback.
    private let queued = Atomic<Int>(0)
    /// The loop thread's pthread_self(), 0 until it runs: asked on every
    /// send (is this the loop thread?), an atomic load and a compare.
    private let loopThread = Atomic<UInt>(0)
    /// What the layer above knows this loop by (the core: its lts_server
    /// handle). Set before the thread starts; `currentContext` gives it on
    /// the loop thread, with no lock and no lookup.
    public var context: UnsafeMutableRawPointer?
    private var thread = uv_thread_t()
    private var threadStarted = false
    private var accepting = true
    /// True while a drained batch runs: work still in that batch was queued
    /// before anything a callback sends now, so sends must queue behind it.
    /// Loop thread only.
    private var runningBatch = false
    /// The thread whose posted work waits for `releaseWakeups` to wake the
    /// loop, how many holds it has not released, and whether any work
    /// waits. Guarded by `mutex`.
    private var wakeupHolder: uv_thread_t?
    private var holds = 0
    private var wakeupOwed = false
    /// Runs `onTurnEnd` after each turn's reads and drained work.
    private let turnCheck: UnsafeMutablePointer<uv_check_t>
    private var turnCheckStarted = false
    /// Called on the loop thread at the end of every turn of the loop (its
    /// check phase: after the reads, timers and posted work of that turn),
    /// and once more after the last turn. A host that queues what it hears
    /// for a thread of its own wakes that thread here, once for all it heard
    /// in the turn, rather than at the first callback: on a shared core the
    /// woken thread would run at once and take each callback alone. Set
    /// before `startThread`.
    public var onTurnEnd: (() -> Void)?

    public init() throws {
        loop = .allocate(capacity: 1)
        wakeup = .allocate(capacity: 1)
        mutex = .allocate(capacity: 1)
        turnCheck = .allocate(capacity: 1)
        var rc = uv_loop_init(loop)
        guard rc == 0 else { throw UVError(rc) }
        rc = uv_mutex_init(mutex)
        guard rc == 0 else { throw UVError(rc) }
        uv_async_init(loop, wakeup) { handle in
            guard let handle, let data = handle.pointee.data else { return }
            Unmanaged<EventLoop>.fromOpaque(data).takeUnretainedValue().drain()
        }
        wakeup.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        uv_mutex_destroy(mutex)
        mutex.deallocate()
        turnCheck.deallocate()
        wakeup.deallocate()
        loop.deallocate()
    }

    /// Runs `work` on the loop thread. False once the loop is shutting down.
    /// Posted from the thread that holds wakeups, it waits for their
    /// release (see `holdWakeups`): only for work nothing waits on.
    @discardableResult
    public func post(_ work: @escaping () -> Void) -> Bool {
        enqueue(work, mayHold: true)
    }

    /// Queues `work` and wakes the loop, unless `mayHold` and this thread
    /// holds wakeups.
    private func enqueue(_ work: @escaping () -> Void, mayHold: Bool) -> Bool {
        uv_mutex_lock(mutex)
        guard accepting else { uv_mutex_unlock(mutex); return false }
        pending.append(work)
        queued.store(pending.count, ordering: .releasing)
        var held = false
        if mayHold, var holder = wakeupHolder {
            var me = uv_thread_self()
            held = uv_thread_equal(&me, &holder) != 0
            if held { wakeupOwed = true }
        }
        uv_mutex_unlock(mutex)
        if !held { uv_async_send(wakeup) }
        return true
    }

    /// From now on work this thread posts queues without waking the loop,
    /// until as many `releaseWakeups`: a host answering many events or
    /// requests in one turn of its own loop wakes the loop thread once, not
    /// per answer (on a shared core every wake-up is a switch between the
    /// threads, and the loop thread would take each answer alone). Holds
    /// nest, so two parts of a host may each hold for their own turn.
    public func holdWakeups() {
        uv_mutex_lock(mutex)
        var me = uv_thread_self()
        if var holder = wakeupHolder, uv_thread_equal(&me, &holder) != 0 {
            holds += 1
        } else {
            // Another thread's holds end here: its work wakes the loop again.
            wakeupHolder = me
            holds = 1
        }
        uv_mutex_unlock(mutex)
    }

    /// Ends one hold; the last wakes the loop for what was posted meanwhile.
    public func releaseWakeups() {
        uv_mutex_lock(mutex)
        holds = max(0, holds - 1)
        let owed = wakeupOwed && holds == 0
        if holds == 0 {
            wakeupHolder = nil
            wakeupOwed = false
        }
        uv_mutex_unlock(mutex)
        if owed { uv_async_send(wakeup) }
    }

    /// Runs `work` on the loop thread and waits for its result; nil if the
    /// loop no longer takes work. Never call it from the loop thread.
    public func runAndWait<T>(_ work: @escaping () -> T) -> T? {
        let done = UnsafeMutablePointer<uv_sem_t>.allocate(capacity: 1)
        defer { done.deallocate() }
        guard uv_sem_init(done, 0) == 0 else { return nil }
        defer { uv_sem_destroy(done) }
        let box = ResultBox<T>()
        guard enqueue({ box.value = work(); uv_sem_post(done) }, mayHold: false) else { return nil }
        uv_sem_wait(done)
        return box.value
    }

    private final class ResultBox<T> { var value: T? }

    /// Runs `work` now when called on the loop thread with nothing queued
    /// ahead of it (a host answering inside a callback: no queue, no extra
    /// loop turn), otherwise posts it; either way work runs in call order.
    @discardableResult
    public func runOrPost(_ work: @escaping () -> Void) -> Bool {
        if canRunDirectly {
            work()
            return true
        }
        return post(work)
    }

    /// Whether work may run now instead of being posted: on the loop thread,
    /// with nothing queued ahead of it. Work another thread posts meanwhile
    /// runs after the caller's, as it would have if posted a moment later;
    /// work posted before (a host thread's send, then a callback's) is
    /// seen through `queued` and keeps its turn. No lock: this is asked on
    /// every send a host makes from a callback.
    public var canRunDirectly: Bool {
        // `accepting` and `runningBatch` are written on the loop thread
        // only, so the loop thread reads them without the mutex.
        isOnLoopThread && accepting && !runningBatch && queued.load(ordering: .acquiring) == 0
    }

    /// The `context` of the loop this thread runs, kept apart so reading
    /// it touches no object.
    private static let contextKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The `context` of the loop whose thread calls this; nil on any
    /// other thread.
    public static var currentContext: UnsafeMutableRawPointer? {
        pthread_getspecific(contextKey)
    }

    private func drain() {
        uv_mutex_lock(mutex)
        let work = pending
        pending.removeAll(keepingCapacity: true)
        queued.store(0, ordering: .releasing)
        uv_mutex_unlock(mutex)
        runningBatch = true
        for item in work { item() }
        runningBatch = false
    }


    public var isOnLoopThread: Bool {
        // Relaxed: only the loop thread ever finds its own id here, and it
        // stored it itself.
        loopThread.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Starts the thread that runs the loop until every handle is closed.
    public func startThread() throws {
        if onTurnEnd != nil && !turnCheckStarted {
            uv_check_init(loop, turnCheck)
            turnCheck.pointee.data = Unmanaged.passUnretained(self).toOpaque()
            uv_check_start(turnCheck) { handle in
                guard let handle, let data = handle.pointee.data else { return }
                Unmanaged<EventLoop>.fromOpaque(data).takeUnretainedValue().onTurnEnd?()
            }
            // It runs every turn but never keeps the loop alive by itself.
            uv_unref(asHandle(turnCheck))
            turnCheckStarted = true
        }
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = uv_thread_create(&thread, { arg in
            let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.loopThread.store(UInt(pthread_self()), ordering: .relaxed)
            pthread_setspecific(EventLoop.contextKey, loop.context)
            // A write to a peer that has gone must fail with EPIPE, not kill
            // the host process: SIGPIPE is raised on the writing thread.
            var pipe = sigset_t()
            sigemptyset(&pipe)
            sigaddset(&pipe, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipe, nil)
            uv_run(loop.loop, UV_RUN_DEFAULT)
            loop.drain()
            // Callbacks of the closing handles came after the last check.
            loop.onTurnEnd?()
        }, context)
        guard rc == 0 else {
            Unmanaged<EventLoop>.fromOpaque(context).release()
            throw UVError(rc)
        }
        threadStarted = true
    }

    /// After `finalWork` has closed every other handle, closes the wake-up
    /// handle so `uv_run` returns, and joins the thread.
    public func shutdown(finalWork: @escaping () -> Void) {
        _ = enqueue({ [self] in
            finalWork()
            uv_mutex_lock(mutex)
            accepting = false
            uv_mutex_unlock(mutex)
            drain()
            uv_close(UnsafeMutableRawPointer(wakeup).assumingMemoryBound(to: uv_handle_t.self), nil)
            if turnCheckStarted { uv_close(asHandle(turnCheck), nil) }
        }, mayHold: false)
        if threadStarted {
            uv_thread_join(&thread)
            threadStarted = false
        }
        uv_loop_close(loop)
    }

    /// For a loop whose thread never started: closes handles and runs the
    /// loop once on the calling thread so their close callbacks fire.
    public func discard(finalWork: () -> Void) {
        finalWork()
        accepting = false
        uv_close(UnsafeMutableRawPointer(wakeup).assumingMemoryBound(to: uv_handle_t.self), nil)
        if turnCheckStarted { uv_close(asHandle(turnCheck), nil) }
        uv_run(loop, UV_RUN_DEFAULT)
        uv_loop_close(loop)
    }
}

public struct UVError: Error, CustomStringConvertible {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
    public var description: String { String(cString: uv_strerror(code)) }
    public var isAddressInUse: Bool { code == Int32(UV_EADDRINUSE.rawValue) }
}

@inline(__always) func asHandle<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: uv_handle_t.self)
}

@inline(__always) func asStream<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: uv_stream_t.self)
}
