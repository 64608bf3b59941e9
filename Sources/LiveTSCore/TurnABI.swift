import CLiveTS

// The end of each turn of the loop, for a host that queues callbacks for
// a thread of its own (livetscore.h, lts_server_set_turn_callback).

@_cdecl("lts_server_set_turn_callback")
public func lts_server_set_turn_callback(_ handle: OpaquePointer?, _ onTurnEnd: lts_turn_cb?) -> Int32 {
    guard let server = enter(handle, "lts_server_set_turn_callback") else { return LTS_EMISUSE }
    guard let onTurnEnd else {
        return fail(LTS_EINVAL, "lts_server_set_turn_callback: on_turn_end is NULL (without a turn callback, leave it unset)")
    }
    guard !server.engine.isRunning, !server.stopped else {
        return fail(LTS_ESTATE, "lts_server_set_turn_callback: only before lts_server_start (the server is \(server.stopped ? "stopped" : "running"))")
    }
    // The values, not the server: the loop the server owns keeps this closure.
    let serverHandle = server.handle
    let userdata = server.userdata
    server.engine.loop.onTurnEnd = { onTurnEnd(serverHandle, userdata) }
    return LTS_OK
}
