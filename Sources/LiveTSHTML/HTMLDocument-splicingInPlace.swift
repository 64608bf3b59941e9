/// Splicing that writes the new source over the old one, so an update of a
/// large page costs what changed rather than a copy of the page. The
/// source's buffer is changed in place only when the tree holds it alone
/// (the caller lets go of its own reference first); otherwise the first
/// write copies it, as any shared array does.
extension HTMLDocument {
    /// `splice(_:into:)` with the new source made from this one: the bytes
    /// of each splice (`texts[k]`, `splices[k].inserted` long) written in
    /// place of those it removes. Nil leaves the tree and its source as
    /// they were: the splices do not fit the source, the change needs a
    /// full parse, or it would name a stream container, which only the
    /// full path (both sides parsed) handles.
    public func splice(_ splices: [SourceSplice], writing texts: [[UInt8]]) -> [UInt8]? {
        let oldCount = source.count
        guard !splices.isEmpty, splices.count == texts.count, !mentionsStream else { return nil }
        var previousEnd = 0
        for (k, splice) in splices.enumerated() {
            guard splice.offset >= previousEnd, splice.removed >= 0, splice.offset + splice.removed <= oldCount,
                  texts[k].count == splice.inserted else { return nil }
            previousEnd = splice.offset + splice.removed
        }
        var edited = source
        source = []
        // Back to front, so each offset still counts from the old source.
        // Copies: a slice would share the buffer, and the write after it would copy the page.
        var removed: [[UInt8]] = []
        removed.reserveCapacity(splices.count)
        for k in splices.indices.reversed() {
            let range = splices[k].offset..<(splices[k].offset + splices[k].removed)
            removed.append(Array(edited[range]))
            edited.replaceSubrange(range, with: texts[k])
        }
        removed.reverse()
        if !HTMLDocument.mentionsStream(around: splices, in: edited),
           let patch = splice(splices, into: edited, from: oldCount) {
            return patch
        }
        // Front to back: with the splices before it undone, each one's bytes start at its old offset again.
        for k in splices.indices {
            let at = splices[k].offset
            edited.replaceSubrange(at..<(at + splices[k].inserted), with: removed[k])
        }
        source = edited
        return nil
    }
}
