import Glibc
import LiveTSHTML

/// One change to a component's last HTML: `removed` bytes at `offset` give
/// way to `text`.
public struct HTMLSplice {
    public let offset: Int
    public let removed: Int
    public let text: [UInt8]

    public init(offset: Int, removed: Int, text: [UInt8]) {
        self.offset = offset
        self.removed = removed
        self.text = text
    }
}

extension HTMLSplice {
    /// `base` with `splices` applied, or nil when they do not fit it: past
    /// its end, out of order, or cutting a UTF-8 character.
    public static func apply(_ splices: [HTMLSplice], to base: [UInt8]) -> [UInt8]? {
        guard fit(splices, base) else { return nil }
        var size = base.count
        for splice in splices { size += splice.text.count - splice.removed }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        var from = 0
        for splice in splices {
            out.append(contentsOf: base[from..<splice.offset])
            out.append(contentsOf: splice.text)
            from = splice.offset + splice.removed
        }
        out.append(contentsOf: base[from...])
        return out
    }

    /// Whether `splices` fit `base`: in order, within it, and cutting no UTF-8 character.
    static func fit(_ splices: [HTMLSplice], _ base: [UInt8]) -> Bool {
        var end = 0
        for splice in splices {
            guard splice.offset >= end, splice.removed >= 0, splice.offset <= base.count,
                  splice.removed <= base.count - splice.offset,
                  startsCharacter(base, splice.offset), startsCharacter(base, splice.offset + splice.removed) else { return false }
            end = splice.offset + splice.removed
        }
        return true
    }

    private static func startsCharacter(_ bytes: [UInt8], _ index: Int) -> Bool {
        index >= bytes.count || bytes[index] & 0xC0 != 0x80
    }
}

extension LiveEngine {
    /// `update` with the new HTML as splices against the last, which the
    /// host says is `baseLength` bytes long. A host out of step with what
    /// the core holds gets its event refused rather than a wrong page.
    public func update(connection: UInt64, component: [UInt8], ref: UInt64, baseLength: Int, splices: [HTMLSplice]) {
        loop.runOrPost { [self] in
            let key = ComponentRegistry.Key(connection: connection, component: component)
            switch splicedInPlace(key, ref, baseLength, splices) {
            case .sent:
                return
            case .fellBack(let html):
                replace(connection: connection, component: component, ref: ref, html: html)
                return
            case .notTried:
                break
            }
            // Only the HTML is read here: a copy of the entry would hold the
            // kept tree too, and splicing changes that tree in place only
            // when nothing else holds it.
            guard let last = registry[key]?.html else {
                answered(connection, ref, refused: false)
                return
            }
            guard last.count == baseLength, let html = HTMLSplice.apply(splices, to: last) else {
                answered(connection, ref, refused: true)
                http.send(connection, text: ServerMessage.refused(component: component, ref: ref, reason: Array("out of step".utf8)))
                return
            }
            if !spliced(key, ref, splices, html) {
                replace(connection: connection, component: component, ref: ref, html: html)
            }
        }
    }

    enum InPlace {
        case sent
        /// The splices fit but need the full path: the new HTML for it.
        case fellBack([UInt8])
        case notTried
    }

    /// The common case of `spliced`, without a copy of the page: the
    /// splices are written over the kept tree's source, which the entry
    /// lets go of for the time, so the bytes are changed where they lie.
    private func splicedInPlace(_ key: ComponentRegistry.Key, _ ref: UInt64, _ baseLength: Int, _ splices: [HTMLSplice]) -> InPlace {
        guard !splices.isEmpty, var tree = registry.takeTree(key) else { return .notTried }
        guard !tree.mentionsStream, tree.source.count == baseLength, HTMLSplice.fit(splices, tree.source) else {
            registry.restoreTree(key, tree)
            return .notTried
        }
        let started = Traffic.now()
        // A tree the diff cache or another view shares is copied once; after that the view holds its own.
        if !isKnownUniquelyReferenced(&tree) || tree.isCached { tree = tree.mutableCopy() }
        let before = LiveEngine.checkSplices ? tree.mutableCopy() : nil
        registry.releaseHTML(key)
        let spans = splices.map { SourceSplice(offset: $0.offset, removed: $0.removed, inserted: $0.text.count) }
        guard var ops = tree.splice(spans, writing: splices.map(\.text)) else {
            // The tree and its source are as they were.
            let last = tree.source
            registry.restoreHTML(key, last)
            registry.restoreTree(key, tree)
            return HTMLSplice.apply(splices, to: last).map { .fellBack($0) } ?? .notTried
        }
        if let before {
            let full = HTMLDocument(tree.source)
            if !tree.isSameTree(as: full) || ops != HTMLDiffer.diff(old: before, new: full) {
                fputs("livets: a spliced tree or its patch differs from the full parse's; using the full parse\n", stderr)
                tree = full
                ops = HTMLDiffer.diff(old: before, new: full)
            }
        }
        answered(key.connection, ref, refused: false)
        guard var entry = registry[key] else { return .sent }
        traffic.diffed(since: started, patchBytes: ops.count)
        entry.html = tree.source
        entry.tree = tree
        entry.seq += 1
        registry[key] = entry
        http.send(key.connection, text: ServerMessage.patch(component: key.component, seq: entry.seq, ref: ref, ops: ops))
        return .sent
    }

    /// Applies the splices to the kept tree in place and sends the patch
    /// they make, re-parsing only the elements around them; false (the
    /// tree kept as it was) when only a full parse and diff can be sure.
    private func spliced(_ key: ComponentRegistry.Key, _ ref: UInt64, _ splices: [HTMLSplice], _ html: [UInt8]) -> Bool {
        guard !splices.isEmpty, var tree = registry.takeTree(key) else { return false }
        // Stream items are split out by the full path. The kept tree knows
        // whether its source named a container; splicing looks only around
        // what changed to keep knowing.
        guard !tree.mentionsStream else {
            registry.restoreTree(key, tree)
            return false
        }
        let started = Traffic.now()
        // A tree the diff cache or another view shares is copied once; after that the view holds its own.
        if !isKnownUniquelyReferenced(&tree) || tree.isCached { tree = tree.mutableCopy() }
        let before = LiveEngine.checkSplices ? tree.mutableCopy() : nil
        let spans = splices.map { SourceSplice(offset: $0.offset, removed: $0.removed, inserted: $0.text.count) }
        guard var ops = tree.splice(spans, into: html) else {
            registry.restoreTree(key, tree)
            return false
        }
        // A splice that wrote a container's name: the full path splits out the items, from the last HTML.
        guard !tree.mentionsStream else { return false }
        if let before {
            let full = HTMLDocument(html)
            if !tree.isSameTree(as: full) || ops != HTMLDiffer.diff(old: before, new: full) {
                fputs("livets: a spliced tree or its patch differs from the full parse's; using the full parse\n", stderr)
                tree = full
                ops = HTMLDiffer.diff(old: before, new: full)
            }
        }
        answered(key.connection, ref, refused: false)
        guard var entry = registry[key] else { return true }
        traffic.diffed(since: started, patchBytes: ops.count)
        entry.html = html
        entry.tree = tree
        entry.seq += 1
        registry[key] = entry
        http.send(key.connection, text: ServerMessage.patch(component: key.component, seq: entry.seq, ref: ref, ops: ops))
        return true
    }

    /// Set by tests (LIVETS_CHECK_SPLICES=1): every spliced tree is compared with a full parse.
    static let checkSplices = getenv("LIVETS_CHECK_SPLICES").map { String(cString: $0) == "1" } ?? false
}
