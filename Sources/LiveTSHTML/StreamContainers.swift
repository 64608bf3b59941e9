#if canImport(Glibc)
import Glibc
#endif

/// Stream containers (`ts-stream`): elements whose children the core never
/// keeps. A render holds only the items of its own update inside each
/// container, after an optional marker the host writes first:
///
///     <ul ts-stream="feed"><template ts-stream-ops reset delete="a b" at="0 -1" limit="0 -500"></template>
///       <li id="c">…</li><li id="d">…</li></ul>
///
/// `reset` empties the container, `delete` lists ids to remove, and `at`
/// and `limit` give each item, in order, its position (negative: the end)
/// and the cap on the container's items afterwards (positive: the first N
/// stay, negative: the last N, zero: no cap). The split turns those into
/// patch operations (docs/protocol.md, "Stream operations") and gives the
/// markup with every container empty, which is what the core keeps and
/// diffs, so items cost the core nothing once sent.
public struct StreamSplit {
    /// The render with every stream container emptied.
    public let kept: [UInt8]
    /// The stream operations, comma-separated patch operations without the
    /// enclosing brackets; empty when there are none.
    public let ops: [UInt8]

    /// Nil when no stream container in `document` has children: the
    /// document is then kept as it is.
    /// `mentioned`: what `mentionsStream` said of the document's source,
    /// when the caller has asked already (it reads every byte).
    public static func split(_ document: HTMLDocument, mentioned: Bool? = nil) -> StreamSplit? {
        guard mentioned ?? mentionsStream(document.source) else { return nil }
        let containers = streamContainers(document).filter { document.nodes[$0].end > Int32($0 + 1) }
        guard !containers.isEmpty else { return nil }
        var writer = PatchWriter()
        for container in containers { writeOps(document, container, &writer) }
        var ops = writer.finish()
        ops.removeFirst()
        ops.removeLast()
        var kept: [UInt8] = []
        kept.reserveCapacity(document.source.count)
        Serializer.writeChildren(document, 0, to: &kept, emptying: Set(containers))
        return StreamSplit(kept: kept, ops: ops)
    }

    /// `patch` (a JSON array) followed by `ops`.
    public static func append(_ ops: [UInt8], to patch: [UInt8]) -> [UInt8] {
        guard !ops.isEmpty else { return patch }
        var out = patch
        out.removeLast()
        if out.count > 1 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: ops)
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// Whether `document` holds a stream container: a whole-fragment
    /// resend would take its items off the page.
    static func hasContainer(_ document: HTMLDocument) -> Bool {
        return mentionsStream(document.source) && !streamContainers(document).isEmpty
    }

    /// Outermost `ts-stream` elements, in document order; containers inside
    /// items are the items' own content.
    private static func streamContainers(_ document: HTMLDocument) -> [Int] {
        var out: [Int] = []
        var index = 1
        while index < document.nodes.count {
            let node = document.nodes[index]
            if node.kind == .element && document.attribute(index, Names.stream) != nil {
                out.append(index)
                index = Int(node.end)
            } else {
                index += 1
            }
        }
        return out
    }

    private static func writeOps(_ document: HTMLDocument, _ container: Int, _ writer: inout PatchWriter) {
        let path = pathOf(document, container)
        let name = document.bytes(document.nodes[container].text)
        var items: [Int] = []
        var marker: Int? = nil
        for child in document.children(container) where document.nodes[child].kind == .element {
            if document.attribute(child, Names.streamOps) != nil {
                if marker == nil { marker = child }
            } else {
                items.append(child)
            }
        }
        var at: [Int] = []
        var limit: [Int] = []
        if let marker = marker {
            if document.attribute(marker, Names.streamReset) != nil {
                writer.op(.setChildren, path: path, name: name)
                writer.argument(EmptyCollection<UInt8>())
                writer.endOp()
            }
            if let ids = document.attribute(marker, Names.streamDelete) {
                for id in words(document.bytes(ids)) {
                    writer.op(.streamDelete, path: path, name: name)
                    writer.argument(id)
                    writer.endOp()
                }
            }
            at = integers(document, marker, Names.streamAt, absent: -1)
            limit = integers(document, marker, Names.streamLimit, absent: 0)
        }
        for (k, item) in items.enumerated() {
            writer.op(.streamInsert, path: path, name: name)
            writer.markupArgument { out in Serializer.write(document, item, to: &out) }
            writer.argument(signed: k < at.count ? at[k] : -1)
            writer.argument(signed: k < limit.count ? limit[k] : 0)
            writer.endOp()
        }
    }

    /// Child indices over all child nodes, from the fragment's root.
    private static func pathOf(_ document: HTMLDocument, _ index: Int) -> [Int32] {
        var path: [Int32] = []
        var node = index
        while node != 0 {
            let parent = Int(document.nodes[node].parent)
            path.append(Int32(document.children(parent).firstIndex(of: node) ?? 0))
            node = parent
        }
        return path.reversed()
    }

    private static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> [ArraySlice<UInt8>] {
        return Array(bytes).split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0C || $0 == 0x0D })
    }

    /// Whole numbers only; anything else counts as absent, so a malformed
    /// marker inserts at the end with no cap.
    private static func integers(_ document: HTMLDocument, _ marker: Int, _ name: StaticBytes, absent: Int) -> [Int] {
        guard let span = document.attribute(marker, name) else { return [] }
        return words(document.bytes(span)).map { word in
            Int(String(decoding: word, as: UTF8.self)).map { max(-1_000_000_000, min(1_000_000_000, $0)) } ?? absent
        }
    }

    /// A quick look at the bytes: false means no stream container, so a
    /// render need not be parsed to find one. It runs on every update of
    /// every view, over the whole render, so it jumps from "-" to "-" with
    /// memchr (which is vectorised) instead of looking at every byte; the
    /// name may be in any case, as HTML attribute names may.
    public static func mentionsStream(_ source: [UInt8]) -> Bool {
        let tail = Array("stream".utf8)
        return source.withUnsafeBufferPointer { bytes in
            // "ts" before the "-", "stream" after it.
            guard let base = bytes.baseAddress, bytes.count >= 2 + 1 + tail.count else { return false }
            let lastDash = bytes.count - 1 - tail.count
            var from = 2
            while from <= lastDash {
                guard let hit = memchr(base + from, 0x2D, lastDash - from + 1) else { return false }
                let dash = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if bytes[dash - 2] | 0x20 == 0x74 && bytes[dash - 1] | 0x20 == 0x73 {
                    var j = 0
                    while j < tail.count && bytes[dash + 1 + j] | 0x20 == tail[j] { j += 1 }
                    if j == tail.count { return true }
                }
                from = dash + 1
            }
            return false
        }
    }
}
