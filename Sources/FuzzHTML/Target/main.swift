// libFuzzer target for the tokenizer, tree builder and differ. Built with
// `swift build --product FuzzHTML -Xswiftc -sanitize=fuzzer,address` it is a
// fuzzer (scripts/fuzz); in a normal build it replays the files named on its
// command line through the same checks, to reproduce a finding.
import FuzzHTMLDriver
import LiveTSHTML
#if canImport(Glibc)
import Glibc
#endif

/// The input is two documents: the first byte picks where the rest splits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let cut = body.count * Int(data[0]) / 256
    let old = Array(body[..<cut])
    let new = Array(body[cut...])
    let oldTree = HTMLDocument(old)
    let newTree = HTMLDocument(new)
    for patch in [HTMLDiffer.diff(old: oldTree, new: newTree), HTMLDiffer.diff(old: new, new: old)] {
        guard patch.first == UInt8(ascii: "["), patch.last == UInt8(ascii: "]") else { fatalError("malformed patch") }
    }
    // Equal input is always the empty patch, through both entry points.
    guard HTMLDiffer.diff(old: oldTree, new: HTMLDocument(old)) == Array("[]".utf8),
          HTMLDiffer.diff(old: new, new: new) == Array("[]".utf8) else {
        fatalError("equal documents gave a patch")
    }
    _ = HTMLParser.parseFragment(body)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = lts_fuzz_run_driver(&argc, &argv) { fuzzOne($0, $1) }
if status != -1 { exit(status) }

// Not linked with libFuzzer: replay files.
for path in CommandLine.arguments.dropFirst() {
    guard let file = fopen(path, "rb") else {
        print("cannot open \(path)")
        exit(2)
    }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    fclose(file)
    _ = bytes.withUnsafeBufferPointer { fuzzOne($0.baseAddress, $0.count) }
    print("\(path): ok")
}
