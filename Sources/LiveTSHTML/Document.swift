/// A run of a document's bytes: an offset and a length into its storage.
struct Span {
    var start: Int32
    var count: Int32

    static let empty = Span(start: 0, count: 0)
}

/// One node in document order. A subtree is the contiguous run
/// `index..<end`, so children are found by skipping subtrees, and nothing
/// per node is allocated.
struct NodeRecord {
    var kind: Node.Kind
    var namespace: Namespace
    var tag: Tag
    var flags: UInt8
    var parent: Int32
    var end: Int32
    /// Elements: the lowercase name. Text and comments: the DOM data, with
    /// references decoded and newlines normalized as a browser holds it.
    var text: Span
    var firstAttribute: Int32
    var attributeCount: Int32
    /// Covers the node and everything below it.
    var hash: UInt64

    static let componentRoot: UInt8 = 1
}

/// Where an element came from in the source: its start tag
/// `start..<tagEnd`, and when its own end tag closed it, that tag
/// `close..<end`. -1 for what the source does not hold as such (implied
/// elements, text, comments; `close` and `end` for elements closed
/// otherwise).
struct SourceRange {
    var start: Int32
    var tagEnd: Int32
    var close: Int32 = -1
    var end: Int32 = -1

    static let none = SourceRange(start: -1, tagEnd: -1)
}

/// A name and the DOM value of an attribute.
struct AttributeRecord {
    var name: Span
    var value: Span
}

/// A parsed fragment: the children of one element (a component root, or the
/// `<template>` a browser parses patch markup in). Node 0 is that element;
/// its subtree is the fragment. The tree is immutable once built, so one can
/// be shared by every component that rendered the same bytes; only a tree
/// one owner holds alone, outside any cache, is changed in place by splicing
/// (`HTMLDocument-splicing.swift`).
public final class HTMLDocument {
    /// The markup the document was parsed from.
    public internal(set) var source: [UInt8]
    /// `source` followed by bytes the parser made (lowercased names, decoded
    /// text); spans index into it. Splicing appends the bytes of each
    /// re-parsed element after `storageUsed`, so no span ever moves; past
    /// the first splice the head no longer matches `source`.
    var storage: UnsafeMutableBufferPointer<UInt8>
    var storageUsed: Int
    var nodes: [NodeRecord]
    var attributes: [AttributeRecord]
    /// False when the markup uses a construct the tree builder does not
    /// model (foster parenting, the adoption agency, formatting elements a
    /// browser would reopen...). A patch to or from such a tree re-sends the
    /// whole fragment, so the page is never built from a wrong model.
    public let isExact: Bool
    /// Per node: where it came from in `source`, and its own hash (see `Parser.finish`).
    var ranges: [SourceRange]
    var own: [UInt64]
    /// Attribute records and side bytes no node uses any more, left by
    /// splicing (`HTMLDocument-splicing.swift`); a full parse drops them.
    var garbage = 0
    var streamMention: Bool?
    /// Splicing's copy of the children of elements with many (a table
    /// body), kept while the tree keeps its node indexes.
    var childLists: [Int: ChildList] = [:]
    /// Source offsets owed to the nodes from `from` on, which `ranges`
    /// does not hold yet (`HTMLDocument.sourceRange`): a splice that
    /// changes a length moves what follows it without rewriting it. In
    /// order of `from`, one entry per `from`.
    var rangeShifts: [(from: Int, delta: Int32)] = []
    /// Set once by the `HTMLDiffCache` that made the document, which names
    /// it by this serial instead of holding it.
    var cacheKey: (owner: ObjectIdentifier, serial: UInt64)?

    init(source: [UInt8], side: [UInt8], nodes: [NodeRecord], attributes: [AttributeRecord], isExact: Bool,
         ranges: [SourceRange] = [], own: [UInt64] = []) {
        self.source = source
        self.ranges = ranges
        self.own = own
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, source.count + side.count))
        _ = UnsafeMutableBufferPointer(rebasing: storage[0..<source.count]).initialize(from: source)
        _ = UnsafeMutableBufferPointer(rebasing: storage[source.count..<(source.count + side.count)]).initialize(from: side)
        self.storage = storage
        self.storageUsed = source.count + side.count
        self.nodes = nodes
        self.attributes = attributes
        self.isExact = isExact
    }

    /// A copy with storage of its own, which splicing may change in place.
    init(copying other: HTMLDocument) {
        source = other.source
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, other.storageUsed))
        _ = UnsafeMutableBufferPointer(rebasing: storage[0..<other.storageUsed])
            .initialize(from: UnsafeBufferPointer(rebasing: other.storage[0..<other.storageUsed]))
        self.storage = storage
        storageUsed = other.storageUsed
        nodes = other.nodes
        attributes = other.attributes
        isExact = other.isExact
        ranges = other.ranges
        own = other.own
        garbage = other.garbage
        streamMention = other.streamMention
        childLists = other.childLists
        rangeShifts = other.rangeShifts
    }

    deinit {
        storage.deallocate()
    }

    /// Parses `source`.
    public convenience init(_ source: [UInt8]) {
        self.init(parsing: source)
    }

    /// Whether `source` names a stream container (`StreamSplit.mentionsStream`),
    /// looked up once per tree: splicing carries the answer over by looking
    /// only around what it changed.
    public var mentionsStream: Bool {
        if let known = streamMention { return known }
        let found = StreamSplit.mentionsStream(source)
        streamMention = found
        return found
    }

    /// Whether an `HTMLDiffCache` made the tree, and may hand it to other views.
    public var isCached: Bool { cacheKey != nil }

    /// The hash of the whole fragment: equal hashes mean equal trees.
    public var hash: UInt64 { nodes[0].hash }

    @inline(__always)
    func pointer(_ span: Span) -> UnsafePointer<UInt8> {
        return UnsafePointer(storage.baseAddress! + Int(span.start))
    }

    @inline(__always)
    func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> {
        return UnsafeBufferPointer(start: pointer(span), count: Int(span.count))
    }

    func equal(_ a: Span, _ other: HTMLDocument, _ b: Span) -> Bool {
        guard a.count == b.count else { return false }
        return memoryEqual(pointer(a), other.pointer(b), Int(a.count))
    }

    func equal(_ a: Span, _ literal: StaticBytes) -> Bool {
        guard Int(a.count) == literal.count else { return false }
        return memoryEqual(pointer(a), literal.pointer, literal.count)
    }

    /// Indices of the children of `index`, in order.
    func children(_ index: Int) -> [Int] {
        var out: [Int] = []
        var child = index + 1
        let end = Int(nodes[index].end)
        while child < end {
            out.append(child)
            child = Int(nodes[child].end)
        }
        return out
    }

    /// The value of attribute `name` on element `index`, if present.
    func attribute(_ index: Int, _ name: StaticBytes) -> Span? {
        let node = nodes[index]
        var k = Int(node.firstAttribute)
        let end = k + Int(node.attributeCount)
        while k < end {
            if equal(attributes[k].name, name) { return attributes[k].value }
            k += 1
        }
        return nil
    }
}

/// A byte string with a stable address, for comparisons against known names.
/// Never freed: instances are process-wide constants, and a struct over a
/// raw pointer costs no reference counting in hot loops.
struct StaticBytes {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ text: String) {
        let bytes = Array(text.utf8)
        count = bytes.count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(from: bytes, count: count)
    }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    if a == b { return true }
    var i = 0
    while i + 8 <= count {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

enum Names {
    static let id = StaticBytes("id")
    static let tsKey = StaticBytes("ts-key")
    static let component = StaticBytes("data-livets-id")
    static let encoding = StaticBytes("encoding")
    static let type = StaticBytes("type")
    static let hidden = StaticBytes("hidden")
    static let color = StaticBytes("color")
    static let face = StaticBytes("face")
    static let size = StaticBytes("size")
    static let stream = StaticBytes("ts-stream")
    static let streamOps = StaticBytes("ts-stream-ops")
    static let streamReset = StaticBytes("reset")
    static let streamDelete = StaticBytes("delete")
    static let streamAt = StaticBytes("at")
    static let streamLimit = StaticBytes("limit")
}
