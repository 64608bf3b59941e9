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
        var size = base.count
        var end = 0
        for splice in splices {
            guard splice.offset >= end, splice.removed >= 0, splice.offset <= base.count,
                  splice.removed <= base.count - splice.offset,
                  startsCharacter(base, splice.offset), startsCharacter(base, splice.offset + splice.removed) else { return nil }
            end = splice.offset + splice.removed
            size += splice.text.count - splice.removed
        }
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
            guard let entry = registry[key] else {
                answered(connection, ref, refused: false)
                return
            }
            guard entry.html.count == baseLength, let html = HTMLSplice.apply(splices, to: entry.html) else {
                answered(connection, ref, refused: true)
                http.send(connection, text: ServerMessage.refused(component: component, ref: ref, reason: Array("out of step".utf8)))
                return
            }
            replace(connection: connection, component: component, ref: ref, html: html,
                    document: spliced(entry.tree, splices, html))
        }
    }

    /// The kept tree with the one splice applied, re-parsing only the
    /// element around it, when that is sure to give the full parse's tree.
    private func spliced(_ old: HTMLDocument?, _ splices: [HTMLSplice], _ html: [UInt8]) -> HTMLDocument? {
        guard splices.count == 1, let old, !StreamSplit.mentionsStream(html) else { return nil }
        let splice = splices[0]
        guard let document = old.splicing(offset: splice.offset, removed: splice.removed, inserted: splice.text.count, into: html) else {
            return nil
        }
        if LiveEngine.checkSplices && !document.isSameTree(as: HTMLDocument(html)) {
            fputs("livets: a spliced tree differs from the full parse of its HTML; using the full parse\n", stderr)
            return nil
        }
        return document
    }

    /// Set by tests (LIVETS_CHECK_SPLICES=1): every spliced tree is compared with a full parse.
    static let checkSplices = getenv("LIVETS_CHECK_SPLICES").map { String(cString: $0) == "1" } ?? false
}
