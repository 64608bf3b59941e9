// libFuzzer target for the tokenizer, tree builder, differ, splicing and stream split (scripts/fuzz
// builds it; a normal build replays files, see FuzzDriver).
import FuzzDriver
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
    // Stream items come out whole: what the core keeps has none left.
    if let split = StreamSplit.split(newTree) {
        guard StreamSplit.split(HTMLDocument(split.kept)) == nil else { fatalError("stream items left in the kept markup") }
        let patch = StreamSplit.append(split.ops, to: Array("[]".utf8))
        guard patch.first == UInt8(ascii: "["), patch.last == UInt8(ascii: "]") else { fatalError("malformed stream patch") }
    }
    // A spliced tree and its patch are the full path's, whenever splicing answers.
    var head = 0
    while head < old.count && head < new.count && old[head] == new[head] { head += 1 }
    var tail = 0
    while tail < old.count - head && tail < new.count - head && old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
    let spliced = oldTree.mutableCopy()
    let splice = SourceSplice(offset: head, removed: old.count - head - tail, inserted: new.count - head - tail)
    if let patch = spliced.splice([splice], into: new) {
        guard spliced.isSameTree(as: newTree), patch == HTMLDiffer.diff(old: oldTree, new: newTree) else {
            fatalError("a spliced tree or its patch differs from the full parse's")
        }
    } else if !spliced.isSameTree(as: oldTree) {
        fatalError("a refused splice changed the tree")
    }
    _ = HTMLParser.parseFragment(body)
    return 0
}

exit(lts_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzOne($0, $1) })
