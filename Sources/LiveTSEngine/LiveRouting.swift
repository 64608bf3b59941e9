import CLibUV
import LiveTSNet

/// Browser messages on their way to the host: shape, target, rate and
/// backlog checks, then routing. Everything a hostile client can send is
/// refused here, on the loop thread, before it costs the host anything.
extension LiveEngine {
    /// The largest ref a JavaScript Number holds exactly (2^53 − 1): a
    /// larger one would come back from the host rounded, and its answer
    /// would match nothing.
    static let maxRef: UInt64 = (1 << 53) - 1
    /// What a message costs in the backlog besides its own bytes: its
    /// record on the host side.
    static let messageOverheadBytes = 128

    private var loopNow: UInt64 { uv_now(loop.loop) }

    public func server(_ server: SocketServer, connection: UInt64, message: [UInt8], opcode: WebSocketOpcode) {
        if mode == .raw {
            message.withUnsafeBytes { host?.engineMessage(connection: connection, bytes: $0, binary: opcode == .binary) }
            return
        }
        guard opcode == .text else { return receiveUploadChunk(message, from: connection) }
        switch ClientMessage.parse(message) {
        case .failure(let error):
            refuse(connection: connection, component: [], ref: 0, reason: error.reason, cause: .badMessage)
        case .success(let parsed):
            route(parsed, from: connection)
        }
    }

    private func route(_ message: ClientMessage, from connection: UInt64) {
        let key = ComponentRegistry.Key(connection: connection, component: message.component)
        if message.kind != .leave && message.kind != .resync && !(1...Self.maxRef).contains(message.ref) {
            return refuse(message, from: connection, reason: "ref must be an integer from 1 to 2^53-1")
        }
        var ledger = ledgers[connection] ?? ConnectionLedger(limits: limits, now: loopNow)
        defer { if http.hasConnection(connection) { ledgers[connection] = ledger } }
        if message.kind != .leave && message.kind != .resync && ledger.isAwaiting(message.ref) {
            return refuse(message, from: connection, reason: "ref is already awaiting an answer")
        }
        switch message.kind {
        case .join:
            guard withinRate(.joins, message, connection, &ledger) else { return }
            if !ledger.views.contains(message.component) {
                guard ledger.views.count < limits.maxViewsPerConnection else {
                    return refuse(message, from: connection, reason: "too many views", cause: .viewsPerConnection,
                                  detail: "join refused: \(limits.maxViewsPerConnection) views already on this connection (max_views_per_connection)")
                }
                ledger.views.insert(message.component)
            }
            handToHost(.join, message, connection, &ledger)
        case .event, .urlChange:
            guard registry[key] != nil else { return refuseNotJoined(message, connection) }
            guard withinRate(.events, message, connection, &ledger) else { return }
            handToHost(message.kind == .event ? .event : .urlChange, message, connection, &ledger)
        case .leave:
            ledger.views.remove(message.component)
            guard registry[key] != nil else { return refuseNotJoined(message, connection) }
            registry[key] = nil
            broker.unsubscribeAll(.component(key))
            handToHost(.leave, message, connection, &ledger)
        case .resync:
            guard var entry = registry[key] else { return refuseNotJoined(message, connection) }
            // A resync sends the whole HTML: it draws on the event budget,
            // or it would be the cheapest way to make the server write.
            guard withinRate(.events, message, connection, &ledger) else { return }
            entry.seq += 1
            registry[key] = entry
            http.send(connection, text: ServerMessage.render(component: message.component, seq: entry.seq, ref: message.ref, html: entry.html))
        }
    }

    /// Hands a message to the host, counting it against the connection's
    /// and the server's backlog; reads pause while either is over its limit.
    private func handToHost(_ kind: LiveEvent.Kind, _ message: ClientMessage, _ connection: UInt64, _ ledger: inout ConnectionLedger) {
        if kind != .leave {
            let bytes = message.component.count + message.name.count + message.payload.count + Self.messageOverheadBytes
            ledger.handedToHost(ref: message.ref, bytes: bytes, joining: kind == .join ? message.component : nil,
                                fingerprint: kind == .join ? PageFingerprint.named(in: message.payload, for: message.component) : nil)
            hostBacklogBytes += bytes
            if !ledger.pausedForOwnBacklog && ledger.isOverBacklog(limits) {
                ledger.pausedForOwnBacklog = true
                http.refuse(.hostQueue, connection: connection, address: http.clientAddress(of: connection),
                            detail: "reads paused: \(ledger.unanswered.count) messages, \(ledger.unansweredBytes) bytes unanswered by the host (limits 64 and max_host_queue_bytes \(limits.maxHostQueueBytes))")
            }
            if !ledger.pausedForServerBacklog && hostBacklogBytes > limits.maxHostQueueBytesTotal {
                ledger.pausedForServerBacklog = true
                pausedForServerBacklog.insert(connection)
                http.refuse(.hostQueue, connection: connection, address: http.clientAddress(of: connection),
                            detail: "reads paused: the host has \(hostBacklogBytes) bytes unanswered in all (max_host_queue_bytes_total \(limits.maxHostQueueBytesTotal))")
            }
            updatePause(connection, ledger)
        }
        // A host may answer inside the callback (a C host does): the ledger
        // it updates then must be this one, and this copy the result.
        ledgers[connection] = ledger
        host?.engineLiveEvent(LiveEvent(kind: kind, connection: connection, ref: message.ref, component: message.component,
                                        name: message.name, payload: message.payload, address: http.clientAddress(of: connection)))
        if let updated = ledgers[connection] { ledger = updated }
    }

    /// The host answered `ref`: its bytes leave the backlog, a refused join
    /// frees its place among the views, and paused reads resume once the
    /// backlogs are down.
    @discardableResult
    func answered(_ connection: UInt64, _ ref: UInt64, refused: Bool) -> ConnectionLedger.Unanswered? {
        guard ref != 0, var ledger = ledgers[connection], let entry = ledger.answer(ref) else { return nil }
        hostBacklogBytes -= entry.bytes
        if refused, let component = entry.joining { ledger.views.remove(component) }
        if ledger.pausedForOwnBacklog && !ledger.isOverBacklog(limits) { ledger.pausedForOwnBacklog = false }
        ledgers[connection] = ledger
        updatePause(connection, ledger)
        resumeAfterServerBacklog()
        return entry
    }

    /// Hysteresis: resuming at half the limit keeps a server at its limit
    /// from pausing and resuming on every message.
    private func resumeAfterServerBacklog() {
        guard !pausedForServerBacklog.isEmpty, hostBacklogBytes <= limits.maxHostQueueBytesTotal / 2 else { return }
        for connection in pausedForServerBacklog {
            guard var ledger = ledgers[connection] else { continue }
            ledger.pausedForServerBacklog = false
            ledgers[connection] = ledger
            updatePause(connection, ledger)
        }
        pausedForServerBacklog.removeAll()
    }

    private func updatePause(_ connection: UInt64, _ ledger: ConnectionLedger) {
        http.setPausedForHost(connection, ledger.pausedForOwnBacklog || ledger.pausedForServerBacklog)
    }

    /// From didClose: what the connection had in the host's hands no
    /// longer counts against the server.
    func forgetLedger(of connection: UInt64) {
        guard let ledger = ledgers.removeValue(forKey: connection) else { return }
        hostBacklogBytes -= ledger.unansweredBytes
        pausedForServerBacklog.remove(connection)
        resumeAfterServerBacklog()
    }

    /// The two per-connection token buckets a message can draw on.
    private enum RateBudget { case joins, events }

    /// Takes a token from `budget`; without one, refuses the message, and
    /// closes a connection that keeps sending past its limit.
    private func withinRate(_ budget: RateBudget, _ message: ClientMessage, _ connection: UInt64,
                            _ ledger: inout ConnectionLedger) -> Bool {
        withinRate(budget, component: message.component, ref: message.ref, connection, &ledger)
    }

    /// A binary message that writes nothing (not a chunk, or for no upload
    /// of the socket) still makes the core answer: it draws on the event
    /// budget, or it would be a free way to make the server write.
    func withinEventBudget(_ connection: UInt64) -> Bool {
        var ledger = ledgers[connection] ?? ConnectionLedger(limits: limits, now: loopNow)
        let within = withinRate(.events, component: [], ref: 0, connection, &ledger)
        if http.hasConnection(connection) { ledgers[connection] = ledger }
        return within
    }

    private func withinRate(_ budget: RateBudget, component: [UInt8], ref: UInt64, _ connection: UInt64,
                            _ ledger: inout ConnectionLedger) -> Bool {
        let cause: RefusalCause, rate: Int, burst: Int, limit: String
        switch budget {
        case .joins:
            guard !ledger.joins.take(now: loopNow) else { return true }
            (cause, rate, burst) = (.joinRate, limits.joinRate, limits.joinBurst)
            limit = "\(rate) joins/s, burst \(burst) (join_rate, join_burst)"
        case .events:
            guard !ledger.events.take(now: loopNow) else { return true }
            (cause, rate, burst) = (.eventRate, limits.eventRate, limits.eventBurst)
            limit = "\(rate) events/s, burst \(burst) (event_rate, event_burst)"
        }
        refuse(connection: connection, component: component, ref: ref, reason: "rate limited", cause: cause, detail: "over \(limit)")
        if ledger.rateRefusedIsAbuse(now: loopNow, burst: burst) {
            http.refuse(.rateAbuse, connection: connection, address: http.clientAddress(of: connection),
                        detail: "closed 1008: more than \(burst) rate-limited messages in \(ConnectionLedger.abuseWindowMs / 1000) s")
            http.close(connection, code: CloseCode.policyViolation, reason: Array("rate limit exceeded".utf8))
        }
        return false
    }

    private func refuseNotJoined(_ message: ClientMessage, _ connection: UInt64) {
        refuse(message, from: connection, reason: "component not joined on this connection")
    }

    private func refuse(_ message: ClientMessage, from connection: UInt64, reason: String,
                        cause: RefusalCause = .badMessage, detail: String? = nil) {
        refuse(connection: connection, component: message.component, ref: message.ref, reason: reason, cause: cause, detail: detail)
    }

    func refuse(connection: UInt64, component: [UInt8], ref: UInt64, reason: String, cause: RefusalCause, detail: String? = nil) {
        refusedMessages += 1
        http.refuse(cause, connection: connection, address: http.clientAddress(of: connection), detail: detail ?? reason)
        http.send(connection, text: ServerMessage.refused(component: component, ref: ref, reason: Array(reason.utf8)))
    }

    /// Thread-safe: counts and reports HTML the host could not send, over
    /// max_live_message_bytes (the host hears LTS_ETOOBIG at once).
    public func refuseOversizedHTML(connection: UInt64, component: [UInt8], bytes: Int) {
        loop.runOrPost { [self] in
            http.refuse(.tooBig, connection: connection, address: http.clientAddress(of: connection),
                        detail: "\(String(decoding: component, as: UTF8.self)): \(bytes) bytes of HTML, over max_live_message_bytes \(limits.maxLiveMessageBytes); not sent")
        }
    }
}
