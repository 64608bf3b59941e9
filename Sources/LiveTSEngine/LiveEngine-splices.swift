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
            // No kept tree to splice (or one whose HTML names a stream
            // container): the splices make the new HTML for a full parse.
            guard let last = registry[key]?.html else {
                answered(connection, ref, refused: false)
                return
            }
            guard last.count == baseLength, let html = HTMLSplice.apply(splices, to: last) else {
                answered(connection, ref, refused: true)
                http.send(connection, text: ServerMessage.refused(component: component, ref: ref, reason: Array("out of step".utf8)))
                return
            }
            replace(connection: connection, component: component, ref: ref, html: html)
        }
    }

    enum InPlace {
        case sent
        /// The splices fit but need the full path: the new HTML for it.
        case fellBack([UInt8])
        case notTried
    }

    /// Writes the splices over the kept tree's source (which the entry lets
    /// go of for the time, so the bytes change where they lie, with no copy
    /// of the page) and into the tree in place, re-parsing only the
    /// elements around them, and sends the patch they make.
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

    /// Set by tests (LIVETS_CHECK_SPLICES=1): every spliced tree is compared with a full parse.
    static let checkSplices = getenv("LIVETS_CHECK_SPLICES").map { String(cString: $0) == "1" } ?? false
}
