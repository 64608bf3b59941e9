// Compiled into the LiveTSNet module by scripts/fuzz (see there), hence no
// import of it.
#if canImport(Glibc)
import Glibc
#endif

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
            _ = WebSocketHandshake.isUpgrade(request)
            for policy in FuzzStatic.originPolicies { _ = WebSocketHandshake.originAllowed(request, policy: policy) }
            _ = request.rawHeaders
            if let tags = request.header("if-none-match") { _ = StaticMount.etagMatches(tags, "\"1f-5e\"") }
            FuzzStatic.checkLookup(request.path)
            rest.removeFirst(consumed)
        }
    }
    streamRequests(bytes, parser: parser)
    return 0
}

/// The same bytes read as streamed requests: heads, then bodies decoded as
/// they come. A body decodes the same whether it arrives whole or a byte
/// at a time (reads split it anywhere), within the limit, and the next
/// request starts where the body ended.
private func streamRequests(_ bytes: [UInt8], parser: HTTPParser) {
    var rest = bytes[...]
    while !rest.isEmpty {
        guard case .head(_, let headBytes, let framing) = parser.parseHead(Array(rest)) else { return }
        precondition(headBytes > 0 && headBytes <= rest.count, "head of \(headBytes) in \(rest.count)")
        rest = rest.dropFirst(headBytes)
        let whole = decodeBody(rest, framing, limits: parser.limits, step: rest.count + 1)
        let piecewise = decodeBody(rest, framing, limits: parser.limits, step: 1)
        precondition(whole.body == piecewise.body && whole.consumed == piecewise.consumed && whole.outcome == piecewise.outcome,
                     "a body decoded differently a byte at a time")
        precondition(whole.body.count <= parser.limits.maxBodyBytes && whole.consumed <= rest.count)
        guard whole.outcome == .done else { return }
        rest = rest.dropFirst(whole.consumed)
    }
}

private func decodeBody(_ input: ArraySlice<UInt8>, _ framing: HTTPParser.BodyFraming, limits: HTTPLimits, step: Int)
    -> (body: [UInt8], consumed: Int, outcome: HTTPBodyDecoder.Outcome) {
    var decoder = HTTPBodyDecoder(framing: framing, limits: limits)
    var body: [UInt8] = []
    var at = input.startIndex
    var outcome: HTTPBodyDecoder.Outcome = decoder.isDone ? .done : .needMore
    while outcome == .needMore && at < input.endIndex {
        let end = min(input.endIndex, at + step)
        let (consumed, result) = input[at..<end].withUnsafeBytes { decoder.decode($0) { body += $0 } }
        at += consumed
        outcome = result
        if at < end && outcome == .needMore { preconditionFailure("needMore without consuming all it was given") }
    }
    return (body, at - input.startIndex, outcome)
}

/// A static mount over a scratch folder holding a file and a symlink out of
/// it: whatever the path, a lookup finds a file inside the root or nothing.
enum FuzzStatic {
    static let originPolicies: [OriginPolicy] = [.sameHost, .any, .list([Array("https://a.example".utf8)])]
    static let mount: StaticMount = {
        // A fixed folder, made again by every run: nothing to clean up.
        let root = "/tmp/lts-fuzz-static"
        mkdir(root, 0o755)
        let file = fopen(root + "/a.txt", "w")
        fputs("a", file)
        fclose(file)
        symlink("/etc", root + "/out")
        return StaticMount(prefix: "/static/", directory: root)!
    }()

    /// Only paths under the mount: a lookup touches the disk, and doing it
    /// for every input would cut the fuzzer's pace by two thirds.
    static func checkLookup(_ path: [UInt8]) {
        if case .file(_, _, _, let found) = mount.lookup(path) {
            precondition(found.hasPrefix(mount.root + "/"), "static lookup left its root: \(found)")
        }
    }
}
