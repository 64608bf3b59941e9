// Compiled into the LiveTSNet module by scripts/fuzz (see there), hence no import.

/// Feeds arbitrary bytes to the WebSocket decoder in chunks whose sizes come
/// from the input itself, and deflated payloads to the shared inflater: no
/// input may crash, and a message may never exceed the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocket(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = 1 << 16
    var decoder = WebSocketDecoder(maxMessageBytes: limit)
    decoder.allowsCompression = bytes[0] & 1 == 1
    let chunk = Int(bytes[1] % 17) + 1
    var offset = 2
    let codec = FuzzState.codec
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        let (events, error) = bytes[offset..<end].withUnsafeBytes { decoder.feed($0) }
        for event in events {
            switch event {
            case .message(_, let payload):
                precondition(payload.count <= limit)
            case .compressedMessage(_, let payload):
                if case .ok(let inflated) = codec.decompressMessage(payload, limit: limit) { precondition(inflated.count <= limit) }
            default:
                break
            }
        }
        if error != nil { return 0 }
        offset = end
    }
    return 0
}

enum FuzzState {
    static let codec = DeflateCodec()
}
