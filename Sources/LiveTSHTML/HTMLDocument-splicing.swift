/// Re-parsing only what splices changed. Each splice must fall inside an
/// element closed by its own end tag, in its attributes or content (not its
/// name); that element alone is parsed again from the new source and put in
/// place of the old one. The document is changed in place: the new
/// element's bytes are appended to the storage (no span moves), its records
/// replace the old ones, the source offsets after it move, and only its
/// ancestors' hashes are combined again. The patch is the diff of each
/// changed element alone, at its path, which is what the full differ writes
/// when nothing else changed; where that is not sure (the differ would match
/// children by key, the markup would make the parse depend on what encloses
/// the element, a nested component, a raw-text or foreign element), nothing
/// is changed and the caller parses and diffs the whole source, so the tree
/// and the patch are always those of the full path.
public struct SourceSplice {
    /// `removed` bytes at `offset` (in the document's source) give way to `inserted` bytes.
    public let offset: Int
    public let removed: Int
    public let inserted: Int

    public init(offset: Int, removed: Int, inserted: Int) {
        self.offset = offset
        self.removed = removed
        self.inserted = inserted
    }
}

extension HTMLDocument {
    /// Elements whose content is parsed as in `<body>` (or, for rows and
    /// lists, as their own children are wherever they stand), whose start
    /// tag does the same whatever its attributes, and whose text content is
    /// taken as it is (no leading newline dropped, no raw text).
    private static func isSpliceable(_ tag: Tag) -> Bool {
        switch tag {
        case .td, .th, .tr, .ul, .ol, .span, .div, .li, .p, .a, .b, .i, .em, .strong, .small, .code, .h1, .h2, .h3,
             .h4, .h5, .h6, .button, .section, .article, .header, .footer, .main, .nav, .aside, .dd, .dt, .summary,
             .figcaption, .sub, .sup, .u, .s, .tt, .big, .strike, .other:
            return true
        default:
            return false
        }
    }

    /// Markup allowed in a re-parsed element: start tags the tree builder
    /// handles the same whatever is open above the element (no scope looked
    /// up past it, no `<a>` or `<nobr>` looked up in the formatting list).
    private static func isSafeContent(_ tag: Tag, parent: Tag) -> Bool {
        switch tag {
        case .span, .b, .i, .em, .strong, .small, .code, .sub, .sup, .u, .s, .tt, .big, .strike, .br, .img, .wbr, .other:
            return true
        case .td, .th:
            return parent == .tr
        case .li:
            return parent == .ul || parent == .ol
        default:
            return false
        }
    }

    /// One element to re-parse: its index and start offset in the old tree,
    /// where its last splice ends, the bytes its splices add, its new tree.
    private struct Change {
        let element: Int
        let start: Int
        let end: Int
        var spliceEnd: Int
        var delta: Int
        /// Every splice falls inside the start tag (its attributes): only that tag is parsed again.
        var startTagOnly: Bool
        var piece: HTMLDocument? = nil
    }

    /// A copy that splicing may change in place, for a tree shared with a
    /// cache or another owner.
    public func mutableCopy() -> HTMLDocument {
        HTMLDocument(copying: self)
    }

    /// The tree of `newSource` (this source with `splices` applied; in
    /// order, not overlapping), made by changing this tree in place, and
    /// the patch from this tree to it: the bytes `HTMLDiffer.diff` gives for
    /// the two trees. Nil leaves the tree as it was, for a full parse. The
    /// caller must hold the tree alone.
    public func splice(_ splices: [SourceSplice], into newSource: [UInt8]) -> [UInt8]? {
        splice(splices, into: newSource, from: source.count)
    }

    /// `splice(_:into:)` for a tree whose old source was `oldCount` bytes
    /// long (the in-place variant has already written the new one over it).
    func splice(_ splices: [SourceSplice], into newSource: [UInt8], from oldCount: Int) -> [UInt8]? {
        guard !splices.isEmpty, isExact, ranges.count == nodes.count, own.count == nodes.count,
              newSource.count <= HTMLDocument.maxSource, oldCount <= HTMLDocument.maxSource else { return nil }
        var changes: [Change] = []
        var size = oldCount
        var previousEnd = 0
        for splice in splices {
            let end = splice.offset + splice.removed
            guard splice.offset >= previousEnd, splice.removed >= 0, splice.inserted >= 0, end <= oldCount else { return nil }
            previousEnd = end
            size += splice.inserted - splice.removed
            guard let e = enclosingElement(splice.offset, end) else { return nil }
            let range = sourceRange(e)
            // Before the start tag's closing ">": a change to attributes alone.
            let inStartTag = range.tagEnd >= 0 && end < Int(range.tagEnd)
            if let last = changes.last, last.element == e {
                changes[changes.count - 1].spliceEnd = end
                changes[changes.count - 1].delta += splice.inserted - splice.removed
                changes[changes.count - 1].startTagOnly = last.startTagOnly && inStartTag
                continue
            }
            if let last = changes.last, Int(range.start) < last.end { return nil }
            changes.append(Change(element: e, start: Int(range.start), end: Int(range.end), spliceEnd: end,
                                  delta: splice.inserted - splice.removed, startTagOnly: inStartTag))
        }
        guard size == newSource.count else { return nil }

        // Every element parsed again, before anything changes.
        var before = 0
        var dropped = garbage
        for k in changes.indices {
            let e = changes[k].element
            if changes[k].startTagOnly, let piece = reparseStartTag(changes[k], at: changes[k].start + before, newSource) {
                changes[k].piece = piece
                dropped += piece.storageUsed + Int(nodes[e].attributeCount)
            } else {
                changes[k].startTagOnly = false
                guard let piece = reparse(changes[k], at: changes[k].start + before, newSource) else { return nil }
                changes[k].piece = piece
                dropped += piece.storageUsed + Int(nodes[e].end) - e
                for j in e..<Int(nodes[e].end) { dropped += Int(nodes[j].attributeCount) }
            }
            before += changes[k].delta
        }
        // Left-over records and bytes grow with every splice; past a share of the page a full parse starts afresh.
        guard dropped <= max(4096, newSource.count / 4) else { return nil }

        guard let (hashes, under, positions) = newHashes(changes), let patch = patch(changes, hashes, under, positions),
              patch.count <= 1024 || patch.count <= newSource.count else { return nil }

        let mentioned = streamMention == false ? HTMLDocument.mentionsStream(around: splices, in: newSource) : nil
        for (index, hash) in hashes where index < nodes.count {
            nodes[index].hash = hash
            let parent = Int(nodes[index].parent)
            if childLists[parent] != nil, let position = positions[index] { childLists[parent]!.setHash(hash, at: position) }
        }
        for change in changes.reversed() { replace(change) }
        source = newSource
        streamMention = mentioned
        garbage = dropped
        return patch
    }

    /// Whether `newSource` names a stream container where the splices put
    /// bytes, or where they joined bytes together: with a source that named
    /// none, whether the new one does.
    static func mentionsStream(around splices: [SourceSplice], in newSource: [UInt8]) -> Bool {
        // "ts-stream" is 9 bytes: one crossing a splice's edge starts at most 8 before it.
        var delta = 0
        for splice in splices {
            let start = max(0, splice.offset + delta - 8)
            let end = min(newSource.count, splice.offset + delta + splice.inserted + 8)
            delta += splice.inserted - splice.removed
            if start < end && StreamSplit.mentionsStream(Array(newSource[start..<end])) { return true }
        }
        return false
    }

    /// The deepest element closed by its own end tag whose content and
    /// attributes (not its name) hold `offset..<end`. Start tags are in
    /// document order, so the last node that starts before `offset` is
    /// found by halving, and that element is it or one of its ancestors:
    /// whatever starts inside an element its own end tag closes is inside
    /// it. Elements the source does not hold (an implied `<tbody>`, text)
    /// have no start and are stepped over.
    private func enclosingElement(_ offset: Int, _ end: Int) -> Int? {
        var lo = 1
        var hi = nodes.count
        var last = -1
        while lo < hi {
            let mid = (lo + hi) / 2
            var m = mid
            while m >= lo && ranges[m].start < 0 { m -= 1 }
            if m < lo {
                lo = mid + 1
            } else if Int(ranges[m].start) + Int(rangeShift(at: m)) < offset {
                last = m
                lo = mid + 1
            } else {
                hi = m
            }
        }
        var c = last
        while c > 0 {
            let node = nodes[c]
            let r = sourceRange(c)
            if node.kind == .element && r.start >= 0 && r.close >= 0 && Int(r.start) + 1 + Int(node.text.count) <= offset
                && end <= Int(r.close) {
                return c
            }
            c = Int(node.parent)
        }
        return nil
    }

    /// The element of `change` parsed alone from `newSource` at `base`, if
    /// it is sure to be the tree the full parse gives there.
    private func reparse(_ change: Change, at base: Int, _ newSource: [UInt8]) -> HTMLDocument? {
        let e = change.element
        let node = nodes[e]
        guard node.namespace == .html, node.flags & NodeRecord.componentRoot == 0, HTMLDocument.isSpliceable(node.tag) else {
            return nil
        }
        let newEnd = change.end + (base - change.start) + change.delta
        guard base >= 0, newEnd <= newSource.count, newEnd > base else { return nil }
        let piece = HTMLDocument(Array(newSource[base..<newEnd]))
        guard piece.isExact, piece.nodes.count >= 2, piece.ranges.count == piece.nodes.count,
              piece.own.count == piece.nodes.count else { return nil }
        let top = piece.nodes[1]
        let topRange = piece.ranges[1]
        guard top.kind == .element, top.parent == 0, top.tag == node.tag, top.namespace == .html,
              top.flags & NodeRecord.componentRoot == 0, equal(node.text, piece, top.text), topRange.start == 0,
              topRange.close >= 0, Int(topRange.end) == piece.source.count, Int(top.end) == piece.nodes.count else { return nil }
        for j in 2..<piece.nodes.count where piece.nodes[j].kind == .element {
            let n = piece.nodes[j]
            let r = piece.ranges[j]
            guard n.namespace == .html, n.flags & NodeRecord.componentRoot == 0, r.start >= 0, r.close >= 0 || n.tag.isVoid,
                  HTMLDocument.isSafeContent(n.tag, parent: piece.nodes[Int(n.parent)].tag) else { return nil }
        }
        return piece
    }

    /// The start tag of the element of `change` parsed alone from
    /// `newSource` at `base`, closed at once: an element with the new
    /// attributes and no children, if it is the same element (name, no
    /// nested component either side) and its content is diffed as usual.
    private func reparseStartTag(_ change: Change, at base: Int, _ newSource: [UInt8]) -> HTMLDocument? {
        let e = change.element
        let node = nodes[e]
        let range = sourceRange(e)
        guard node.kind == .element, node.namespace == .html, node.flags & NodeRecord.componentRoot == 0,
              !node.tag.isRawText, node.tag != .template, range.tagEnd > range.start else { return nil }
        let tagEnd = Int(range.tagEnd) + (base - change.start) + change.delta
        guard base >= 0, tagEnd <= newSource.count, tagEnd > base + 1, newSource[tagEnd - 1] == UInt8(ascii: ">"),
              newSource[tagEnd - 2] != UInt8(ascii: "/") else { return nil }
        var markup = Array(newSource[base..<tagEnd])
        markup += Array("</".utf8)
        markup += bytes(node.text)
        markup.append(UInt8(ascii: ">"))
        let piece = HTMLDocument(markup)
        guard piece.isExact, piece.nodes.count == 2, piece.ranges.count == 2, piece.own.count == 2 else { return nil }
        let top = piece.nodes[1]
        let topRange = piece.ranges[1]
        guard top.kind == .element, top.parent == 0, top.tag == node.tag, top.namespace == .html,
              top.flags & NodeRecord.componentRoot == 0, equal(node.text, piece, top.text), topRange.start == 0,
              Int(topRange.tagEnd) == tagEnd - base, topRange.close >= 0 else { return nil }
        return piece
    }

    /// The new hashes of the changed elements and of their ancestors (old
    /// indexes), each ancestor combining its children's last child first,
    /// as `Parser.finish` does, and for each ancestor its children among
    /// them, in order. Nil under an ancestor the differ would not pair
    /// child by child (a nested component, a template, foreign content).
    private func newHashes(_ changes: [Change]) -> (hashes: [Int: UInt64], under: [Int: [Int]], positions: [Int: Int])? {
        var positions: [Int: Int] = [:]
        var hashes: [Int: UInt64] = [:]
        var under: [Int: [Int]] = [:]
        for change in changes {
            if change.startTagOnly {
                let e = change.element
                let list = childLists[e] ?? childList(e)
                hashes[e] = Hash.combine(change.piece!.own[1], list.folded(overrides: []))
            } else {
                hashes[change.element] = change.piece!.nodes[1].hash
            }
            var child = change.element
            var a = Int(nodes[child].parent)
            while a >= 0 {
                let node = nodes[a]
                if a != 0 {
                    guard node.kind == .element, node.namespace == .html, node.tag != .template else { return nil }
                }
                guard node.flags & NodeRecord.componentRoot == 0 else { return nil }
                let seen = under[a] != nil
                under[a, default: []].append(child)
                if seen { break }
                child = a
                a = Int(node.parent)
            }
        }
        // Changes come in document order, so each list is too; a
        // descendant's index is above its ancestor's: deepest first.
        for a in under.keys.sorted(by: >) {
            let changed = under[a]!
            let list = childLists[a] ?? childList(a)
            // The changed children's new hashes in place of their old ones.
            var overrides: [(position: Int, hash: UInt64)] = []
            for c in changed {
                guard let position = list.position(of: c) else { return nil }
                positions[c] = position
                overrides.append((position, hashes[c]!))
            }
            hashes[a] = Hash.combine(own[a], list.folded(overrides: overrides))
        }
        return (hashes, under, positions)
    }

    /// The children of `a` and their hashes; kept for the next splice when
    /// there are many, as walking them touches a node record each.
    private func childList(_ a: Int) -> ChildList {
        var list = ChildList()
        var child = a + 1
        while child < Int(nodes[a].end) {
            list.append(child, hash: nodes[child].hash)
            child = Int(nodes[child].end)
        }
        if list.indices.count >= 64 {
            list.keepRuns()
            childLists[a] = list
        }
        return list
    }

    /// The patch the full differ writes for these changes, or nil where it
    /// would not pair the changed children by position.
    private func patch(_ changes: [Change], _ hashes: [Int: UInt64], _ under: [Int: [Int]], _ positions: [Int: Int]) -> [UInt8]? {
        if (hashes[0] ?? nodes[0].hash) == nodes[0].hash { return Array("[]".utf8) }
        var pieces: [Int: HTMLDocument] = [:]
        var startTagsOnly = Set<Int>()
        for change in changes {
            pieces[change.element] = change.piece!
            if change.startTagOnly { startTagsOnly.insert(change.element) }
        }
        var differ = TreeDiffer(old: self, new: self)
        var path: [Int32] = []

        func changedChildren(_ parent: Int) -> [(position: Int, index: Int)]? {
            var changed: [(position: Int, index: Int)] = []
            for child in under[parent] ?? [] where hashes[child]! != nodes[child].hash {
                changed.append((positions[child]!, child))
            }
            guard let first = changed.first, let last = changed.last else { return [] }
            // As `TreeDiffer.mostlyAligned`: the run between the first and
            // last changed child is paired by position only when it looks
            // like rows changed in place.
            let count = last.position - first.position + 1
            if count > 16 {
                guard (count - changed.count) * 2 >= count else { return nil }
            } else if count > 2 {
                for c in changed {
                    let newHash = hashes[c.index]!
                    var other = first.index
                    while other <= last.index {
                        if other != c.index && nodes[other].hash == newHash { return nil }
                        other = Int(nodes[other].end)
                    }
                }
            }
            // As `TreeDiffer.positionallyPaired`: a declared key that changes
            // would send the differ to match children by key.
            // A lone changed child is still paired by position unless both
            // sides declare the same key (`TreeDiffer.sharesDeclaredKey`).
            for c in changed {
                guard let piece = pieces[c.index] else { continue }
                let x = ChildMatcher.key(self, c.index)
                let y = ChildMatcher.key(piece, 1)
                let xd = x?.declared == true
                let yd = y?.declared == true
                if xd == yd && (!xd || (x!.value == y!.value && ChildMatcher.sameKey(self, c.index, piece, 1, declared: true))) {
                    continue
                }
                guard count == 1, !(xd && yd && x!.value == y!.value) else { return nil }
            }
            return changed
        }

        func walk(_ parent: Int) -> Bool {
            guard let changed = changedChildren(parent) else { return false }
            for c in changed {
                path.append(Int32(c.position))
                if let piece = pieces[c.index] {
                    if startTagsOnly.contains(c.index) {
                        guard differ.pairStartTag(c.index, in: piece, 1, at: path) else { return false }
                    } else {
                        differ.pair(c.index, in: piece, 1, at: path)
                    }
                } else if !walk(c.index) {
                    return false
                }
                path.removeLast()
            }
            return true
        }
        guard walk(0) else { return nil }
        return differ.writer.finish()
    }

    /// Puts the element of `change` in place of the old one.
    private func replace(_ change: Change) {
        if change.startTagOnly {
            replaceStartTag(change)
            return
        }
        let piece = change.piece!
        let e = change.element
        let oldEnd = Int(nodes[e].end)
        let oldSize = oldEnd - e
        let newSize = piece.nodes.count - 1
        let shift = newSize - oldSize
        let parent = nodes[e].parent

        let base = storageUsed
        reserveStorage(piece.storageUsed)
        _ = UnsafeMutableBufferPointer(rebasing: storage[base..<(base + piece.storageUsed)])
            .initialize(from: UnsafeBufferPointer(rebasing: piece.storage[0..<piece.storageUsed]))
        storageUsed += piece.storageUsed
        @inline(__always) func placed(_ span: Span) -> Span {
            span.count == 0 ? span : Span(start: span.start + Int32(base), count: span.count)
        }

        let firstNew = Int32(attributes.count)
        for a in piece.attributes { attributes.append(AttributeRecord(name: placed(a.name), value: placed(a.value))) }

        var newNodes: [NodeRecord] = []
        var newRanges: [SourceRange] = []
        newNodes.reserveCapacity(newSize)
        newRanges.reserveCapacity(newSize)
        // Stored less the shifts still owed to the nodes from `e` on, uniform over the element once settled inside it.
        if rangeShifts.contains(where: { $0.from > e && $0.from < oldEnd }) || shift != 0 { settleRanges() }
        let offset = Int32(change.start) - rangeShift(at: e)
        for j in 1..<piece.nodes.count {
            var n = piece.nodes[j]
            n.parent = n.parent == 0 ? parent : n.parent - 1 + Int32(e)
            n.end = n.end - 1 + Int32(e)
            n.firstAttribute += firstNew
            n.text = placed(n.text)
            newNodes.append(n)
            var r = piece.ranges[j]
            if r.start >= 0 { r.start += offset }
            if r.tagEnd >= 0 { r.tagEnd += offset }
            if r.close >= 0 { r.close += offset }
            if r.end >= 0 { r.end += offset }
            newRanges.append(r)
        }
        if shift == 0 {
            // Written over in place: the arrays keep their storage and nothing after moves.
            for j in 0..<newSize {
                nodes[e + j] = newNodes[j]
                ranges[e + j] = newRanges[j]
                own[e + j] = piece.own[j + 1]
            }
        } else {
            nodes.replaceSubrange(e..<oldEnd, with: newNodes)
            ranges.replaceSubrange(e..<oldEnd, with: newRanges)
            own.replaceSubrange(e..<oldEnd, with: piece.own[1...])
        }

        // Kept child lists name node indexes: those inside the element are gone, and all move when its size changed.
        if shift != 0 {
            childLists.removeAll()
        } else {
            for key in childLists.keys.filter({ $0 >= e && $0 < oldEnd }) { childLists[key] = nil }
        }

        let after = e + newSize
        let delta = Int32(change.delta)
        let spliceEnd = change.spliceEnd
        var a = Int(parent)
        while a >= 0 {
            if shift != 0 { nodes[a].end += Int32(shift) }
            if delta != 0 {
                let r = sourceRange(a)
                if r.close >= 0 && Int(r.close) >= spliceEnd { ranges[a].close += delta }
                if r.end >= 0 && Int(r.end) >= spliceEnd { ranges[a].end += delta }
            }
            a = Int(nodes[a].parent)
        }
        if shift != 0 {
            nodes.withUnsafeMutableBufferPointer { buffer in
                for k in after..<buffer.count {
                    if Int(buffer[k].parent) >= oldEnd { buffer[k].parent += Int32(shift) }
                    buffer[k].end += Int32(shift)
                }
            }
        }
        // The offsets after the element move when a source offset of theirs is next read, not now.
        if delta != 0 && after < ranges.count {
            oweShift(from: after, delta)
        }
    }

    /// Gives the element of `change` the attributes of its re-parsed start
    /// tag; its children stay, their offsets owed the shift.
    private func replaceStartTag(_ change: Change) {
        let piece = change.piece!
        let e = change.element
        let base = storageUsed
        reserveStorage(piece.storageUsed)
        _ = UnsafeMutableBufferPointer(rebasing: storage[base..<(base + piece.storageUsed)])
            .initialize(from: UnsafeBufferPointer(rebasing: piece.storage[0..<piece.storageUsed]))
        storageUsed += piece.storageUsed
        let first = Int32(attributes.count)
        for a in piece.attributes {
            attributes.append(AttributeRecord(name: a.name.count == 0 ? a.name : Span(start: a.name.start + Int32(base), count: a.name.count),
                                              value: a.value.count == 0 ? a.value : Span(start: a.value.start + Int32(base), count: a.value.count)))
        }
        nodes[e].firstAttribute = first + piece.nodes[1].firstAttribute
        nodes[e].attributeCount = piece.nodes[1].attributeCount
        own[e] = piece.own[1]
        let delta = Int32(change.delta)
        guard delta != 0 else { return }
        // Stored values are owed the same shifts as the element's, so moving them by `delta` moves what they stand for.
        ranges[e].tagEnd += delta
        if ranges[e].close >= 0 { ranges[e].close += delta }
        if ranges[e].end >= 0 { ranges[e].end += delta }
        var a = Int(nodes[e].parent)
        while a >= 0 {
            let r = sourceRange(a)
            if r.close >= 0 && Int(r.close) >= change.spliceEnd { ranges[a].close += delta }
            if r.end >= 0 && Int(r.end) >= change.spliceEnd { ranges[a].end += delta }
            a = Int(nodes[a].parent)
        }
        if e + 1 < ranges.count {
            oweShift(from: e + 1, delta)
        }
    }

    /// Records that the source offsets of nodes from `from` on are `delta`
    /// off what `ranges` stores. Kept in order of `from`, so a node's shift
    /// is summed until the first that starts after it.
    private func oweShift(from: Int, _ delta: Int32) {
        var lo = 0
        var hi = rangeShifts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rangeShifts[mid].from < from { lo = mid + 1 } else { hi = mid }
        }
        if lo < rangeShifts.count && rangeShifts[lo].from == from {
            rangeShifts[lo].delta += delta
        } else {
            rangeShifts.insert((from, delta), at: lo)
        }
        if rangeShifts.count > 32 { settleRanges() }
    }

    /// What the source offsets of node `k` are off what `ranges` stores.
    @inline(__always)
    private func rangeShift(at k: Int) -> Int32 {
        var d: Int32 = 0
        for s in rangeShifts {
            if s.from > k { break }
            d += s.delta
        }
        return d
    }

    /// Where node `k` is in the source now (`SourceRange.none` fields stay -1).
    func sourceRange(_ k: Int) -> SourceRange {
        var r = ranges[k]
        let d = rangeShifts.isEmpty ? 0 : rangeShift(at: k)
        if d != 0 {
            if r.start >= 0 { r.start += d }
            if r.tagEnd >= 0 { r.tagEnd += d }
            if r.close >= 0 { r.close += d }
            if r.end >= 0 { r.end += d }
        }
        return r
    }

    /// Writes the shifts owed into `ranges`: before node indexes move, or
    /// when many are owed. One pass, the shift growing as each `from` is passed.
    private func settleRanges() {
        guard let first = rangeShifts.first else { return }
        let shifts = rangeShifts
        rangeShifts.removeAll(keepingCapacity: true)
        ranges.withUnsafeMutableBufferPointer { buffer in
            var next = 0
            var d: Int32 = 0
            for k in min(first.from, buffer.count)..<buffer.count {
                while next < shifts.count && shifts[next].from <= k {
                    d += shifts[next].delta
                    next += 1
                }
                if d == 0 { continue }
                if buffer[k].start >= 0 { buffer[k].start += d }
                if buffer[k].tagEnd >= 0 { buffer[k].tagEnd += d }
                if buffer[k].close >= 0 { buffer[k].close += d }
                if buffer[k].end >= 0 { buffer[k].end += d }
            }
        }
    }

    private func reserveStorage(_ extra: Int) {
        guard storageUsed + extra > storage.count else { return }
        let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(storage.count * 2, storageUsed + extra))
        _ = UnsafeMutableBufferPointer(rebasing: grown[0..<storageUsed])
            .initialize(from: UnsafeBufferPointer(rebasing: storage[0..<storageUsed]))
        storage.deallocate()
        storage = grown
    }

    /// The tree of `newSource`, which is this document's source with
    /// `removed` bytes at `offset` replaced by `inserted` bytes, as a new
    /// document (this one is left as it is); nil when only a full parse can tell.
    public func splicing(offset: Int, removed: Int, inserted: Int, into newSource: [UInt8]) -> HTMLDocument? {
        let copy = mutableCopy()
        guard copy.splice([SourceSplice(offset: offset, removed: removed, inserted: inserted)], into: newSource) != nil else {
            return nil
        }
        return copy
    }

    /// Whether two trees are the same node for node: what a spliced tree
    /// must be to the full parse of its source (checked by tests).
    public func isSameTree(as other: HTMLDocument) -> Bool {
        guard source == other.source, isExact == other.isExact, nodes.count == other.nodes.count else { return false }
        for k in 0..<nodes.count {
            let a = nodes[k]
            let b = other.nodes[k]
            guard a.kind == b.kind, a.tag == b.tag, a.namespace == b.namespace, a.flags == b.flags, a.parent == b.parent,
                  a.end == b.end, a.hash == b.hash, a.attributeCount == b.attributeCount, equal(a.text, other, b.text) else { return false }
            for i in 0..<Int(a.attributeCount) {
                let x = attributes[Int(a.firstAttribute) + i]
                let y = other.attributes[Int(b.firstAttribute) + i]
                guard equal(x.name, other, y.name), equal(x.value, other, y.value) else { return false }
            }
        }
        if ranges.count == other.ranges.count {
            for k in 0..<ranges.count {
                let x = sourceRange(k)
                let y = other.sourceRange(k)
                guard x.start == y.start, x.tagEnd == y.tagEnd, x.close == y.close, x.end == y.end else { return false }
            }
        }
        return true
    }
}

