// Compiled into the LiveTSNet module by scripts/fuzz (see there), hence no import.

/// Feeds arbitrary bytes to the HTTP parser, whole and split at every
/// position a fuzzer picks: any input must parse, fail with a status, or
/// ask for more, and a request must consume no more than it was given.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPLimits()
    limits.maxHeadBytes = 4096
    limits.maxRequestLineBytes = 1024
    limits.maxBodyBytes = 4096
    let parser = HTTPParser(limits: limits)
    var rest = bytes
    while !rest.isEmpty {
        switch parser.parse(rest) {
        case .needMore, .failure:
            rest = []
        case .request(let request, let consumed):
            precondition(consumed > 0 && consumed <= rest.count, "consumed \(consumed) of \(rest.count)")
            precondition(request.body.count <= limits.maxBodyBytes)
            _ = request.keepAlive
            _ = request.accepts(encoding: "gzip")
            _ = WebSocketHandshake.respond(to: request, compressionEnabled: true)
            rest.removeFirst(consumed)
        }
    }
    return 0
}
