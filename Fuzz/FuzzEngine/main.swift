// libFuzzer target for the engine's readers of what peers send: browser
// messages and presence from other nodes (scripts/fuzz builds it; a debug
// build replays files, see FuzzDriver). It reaches internal parsers, so it
// needs a build with testing enabled: debug, or scripts/fuzz's.
import FuzzDriver
#if canImport(Glibc)
import Glibc
#endif
#if DEBUG || LTS_FUZZ
@testable import LiveTSEngine
import LiveTSHTML

/// Every input is read as a browser message and as a presence body; what
/// either accepts must survive being written out and read back unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if case .success(let message) = ClientMessage.parse(bytes) {
        checkRoundTrip(message)
    }
    let node = [UInt8](repeating: UInt8(ascii: "a"), count: RedisNode.idLength)
    if let entries = RedisEnvelope.decode(bytes[...], node: node) {
        guard RedisEnvelope.decode(RedisEnvelope.encode(entries)[...], node: node) == entries else {
            fatalError("presence entries changed through encode and decode")
        }
    }
    return 0
}

/// The payload the engine hands the host must be one JSON value, and the
/// decoded strings must be the ones a browser would have to send.
private func checkRoundTrip(_ message: ClientMessage) {
    guard JSONReader.topLevelArray(Array("[".utf8) + message.payload + Array("]".utf8))?.count == 1 else {
        fatalError("payload is not one JSON value")
    }
    switch message.kind {
    case .join, .event, .urlChange: break
    case .leave, .resync: return
    }
    var frame = Array("[\"\(message.kind.rawValue)\",\(message.ref),".utf8)
    appendJSONString(message.component, to: &frame)
    frame.append(UInt8(ascii: ","))
    appendJSONString(message.name, to: &frame)
    if message.kind != .urlChange {
        frame += Array(",".utf8) + message.payload
    }
    frame.append(UInt8(ascii: "]"))
    guard case .success(let again) = ClientMessage.parse(frame), again.kind == message.kind, again.ref == message.ref,
          again.component == message.component, again.name == message.name, again.payload == message.payload else {
        fatalError("message changed when written back: \(String(decoding: frame, as: UTF8.self))")
    }
}

exit(lts_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzOne($0, $1) })
#else
fputs("FuzzEngine reads the engine's internals: build it in debug, or with scripts/fuzz\n", stderr)
exit(2)
#endif
