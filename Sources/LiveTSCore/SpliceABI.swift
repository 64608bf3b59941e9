import CLiveTS
import LiveTSEngine

/// Copies and checks the splices of one call: in order, within the base,
/// UTF-8, and making HTML within max_live_message_bytes. Only the splices'
/// texts are read, so the call costs what changed.
private func readSplices(_ function: StaticString, _ engine: LiveEngine, _ conn: UInt64,
                         _ component: UnsafePointer<CChar>?, _ componentLength: Int, _ baseLength: Int,
                         _ splices: UnsafePointer<lts_splice>?, _ count: Int, into out: inout [HTMLSplice]) -> Int32 {
    guard baseLength >= 0, baseLength <= Int32.max else {
        return fail(LTS_EINVAL, "\(function): base_len \(baseLength) is not a length the core holds")
    }
    guard count >= 0, count == 0 || splices != nil else {
        return fail(LTS_EINVAL, "\(function): splices is NULL with count \(count)")
    }
    var copied: [HTMLSplice] = []
    copied.reserveCapacity(count)
    var end = 0
    var size = baseLength
    for i in 0..<count {
        let splice = splices![i]
        guard splice.offset >= end, splice.offset <= baseLength, splice.removed <= baseLength - splice.offset else {
            return fail(LTS_EINVAL, "\(function): splice \(i) (offset \(splice.offset), removed \(splice.removed)) is out of order or past base_len \(baseLength)")
        }
        guard let text = copyArgument(function, "text", "text_len", splice.text, splice.text_len) else { return LTS_EINVAL }
        guard isUTF8(text) else { return notUTF8(function, "text", text, " (splice \(i)); patches travel in text frames") }
        end = splice.offset + splice.removed
        size += text.count - splice.removed
        copied.append(HTMLSplice(offset: splice.offset, removed: splice.removed, text: text))
    }
    let maximum = engine.limits.maxLiveMessageBytes
    guard size <= maximum else {
        if engine.isRunning, let id = copyBytes(component, componentLength) {
            engine.refuseOversizedHTML(connection: conn, component: id, bytes: size)
        }
        return fail(LTS_ETOOBIG, "\(function): the html would be \(size) bytes, over max_live_message_bytes (\(maximum)); nothing was sent")
    }
    out = copied
    return LTS_OK
}

@_cdecl("lts_component_update_splices")
public func lts_component_update_splices(_ handle: OpaquePointer?, _ conn: UInt64, _ component: UnsafePointer<CChar>?,
                                         _ componentLength: Int, _ ref: UInt64, _ baseLength: Int,
                                         _ splices: UnsafePointer<lts_splice>?, _ count: Int) -> Int32 {
    var copied: [HTMLSplice] = []
    return withComponent("lts_component_update_splices", handle, conn, component, componentLength, arguments: { engine in
        readSplices("lts_component_update_splices", engine, conn, component, componentLength, baseLength, splices, count, into: &copied)
    }) { engine, id in
        engine.update(connection: conn, component: id, ref: ref, baseLength: baseLength, splices: copied)
    }
}
