/// Re-parsing only what a splice changed. When one splice falls inside an
/// element whose content is text, before and after (a table cell, a
/// counter's span), and which its own end tag closed, the element alone is
/// parsed again from the new source and put in place of the old one; the
/// rest of the tree is kept, its offsets moved and its ancestors' hashes
/// combined again. Anything else (markup in the content, a change to the
/// tag name or end tag, an element whose content the HTML rules parse in a
/// mode of their own, an inexact tree) gives nil, and the caller parses the
/// whole source, so the tree is always the one a full parse gives.
extension HTMLDocument {
    /// Elements whose content is parsed as in `<body>`, whose start tag
    /// does the same whatever its attributes, and whose text content is
    /// taken as it is (no leading newline dropped, no raw text).
    private static func isSpliceable(_ tag: Tag) -> Bool {
        switch tag {
        case .td, .th, .span, .div, .li, .p, .a, .b, .i, .em, .strong, .small, .code, .h1, .h2, .h3, .h4, .h5, .h6,
             .button, .section, .article, .header, .footer, .main, .nav, .aside, .dd, .dt, .summary, .figcaption,
             .sub, .sup, .u, .s, .tt, .big, .strike, .other:
            return true
        default:
            return false
        }
    }

    /// The tree of `newSource`, which is this document's source with
    /// `removed` bytes at `offset` replaced by `inserted` bytes; nil when
    /// only a full parse can tell.
    public func splicing(offset: Int, removed: Int, inserted: Int, into newSource: [UInt8]) -> HTMLDocument? {
        guard isExact, ranges.count == nodes.count, own.count == nodes.count, offset >= 0, removed >= 0,
              offset + removed <= source.count, newSource.count == source.count - removed + inserted,
              newSource.count <= HTMLDocument.maxSource else { return nil }
        let spliceEnd = offset + removed
        let delta = inserted - removed
        guard let e = enclosingElement(offset, spliceEnd) else { return nil }
        let node = nodes[e]
        let range = ranges[e]
        guard node.namespace == .html, HTMLDocument.isSpliceable(node.tag), hasOnlyText(e) else { return nil }

        // The element alone, from the new source.
        let outerEnd = Int(range.end) + delta
        guard outerEnd <= newSource.count, outerEnd > Int(range.start) else { return nil }
        let piece = HTMLDocument(Array(newSource[Int(range.start)..<outerEnd]))
        guard piece.isExact, piece.nodes.count == 2 || piece.nodes.count == 3, piece.ranges.count == piece.nodes.count else { return nil }
        let top = piece.nodes[1]
        let topRange = piece.ranges[1]
        guard top.kind == .element, top.parent == 0, top.tag == node.tag, top.namespace == .html,
              equal(node.text, piece, top.text), topRange.start == 0, topRange.close >= 0,
              Int(topRange.end) == piece.source.count, Int(top.end) == piece.nodes.count else { return nil }
        if piece.nodes.count == 3 {
            guard piece.nodes[2].kind == .text, piece.nodes[2].parent == 1 else { return nil }
        }
        return replacing(e, with: piece, at: Int(range.start), spliceEnd: spliceEnd, delta: delta, newSource: newSource)
    }

    /// The deepest element closed by its own end tag whose content and
    /// attributes (not its name) hold `offset..<end`.
    private func enclosingElement(_ offset: Int, _ end: Int) -> Int? {
        var found: Int? = nil
        var parent = 0
        search: while true {
            var child = parent + 1
            let stop = Int(nodes[parent].end)
            while child < stop {
                let r = ranges[child]
                if nodes[child].kind == .element && r.start >= 0 {
                    if Int(r.start) >= end { break }
                    let afterName = Int(r.start) + 1 + Int(nodes[child].text.count)
                    if r.close >= 0 && afterName <= offset && end <= Int(r.close) {
                        found = child
                        parent = child
                        continue search
                    }
                }
                child = Int(nodes[child].end)
            }
            return found
        }
    }

    /// Whether `index` holds nothing or one text node.
    private func hasOnlyText(_ index: Int) -> Bool {
        let size = Int(nodes[index].end) - index
        return size == 1 || (size == 2 && nodes[index + 1].kind == .text)
    }

    /// This tree with the subtree at `e` replaced by the element of `piece`,
    /// which was parsed from `newSource` at `base`.
    private func replacing(_ e: Int, with piece: HTMLDocument, at base: Int, spliceEnd: Int, delta: Int,
                           newSource: [UInt8]) -> HTMLDocument? {
        let oldSize = Int(nodes[e].end) - e
        let newSize = piece.nodes.count - 1
        let shift = newSize - oldSize
        let sideCount = max(0, storage.count - source.count)
        let pieceSide = max(0, piece.storage.count - piece.source.count)
        var dropped = garbage + pieceSide
        for k in e..<(e + oldSize) { dropped += Int(nodes[k].attributeCount) + 1 }
        // Left-over records and bytes grow with every splice; past a share of the page a full parse starts afresh.
        guard dropped <= max(4096, source.count / 4) else { return nil }

        let sourceCount = source.count
        let newSourceCount = newSource.count
        @inline(__always) func placed(_ span: Span) -> Span {
            if span.count == 0 { return span }
            let start = Int(span.start)
            if start < piece.source.count { return Span(start: Int32(start + base), count: span.count) }
            return Span(start: Int32(newSourceCount + sideCount + start - piece.source.count), count: span.count)
        }
        @inline(__always) func movedOffset(_ value: Int32) -> Int32 {
            value >= 0 && Int(value) >= spliceEnd ? value + Int32(delta) : value
        }

        var side: [UInt8] = []
        side.reserveCapacity(sideCount + pieceSide)
        side.append(contentsOf: UnsafeBufferPointer(rebasing: storage[sourceCount..<(sourceCount + sideCount)]))
        side.append(contentsOf: UnsafeBufferPointer(rebasing: piece.storage[piece.source.count..<(piece.source.count + pieceSide)]))

        // Copied whole, then only what moved is touched: offsets after the
        // splice (and in the side bytes, which follow the source), the ends
        // of the element's ancestors, indexes after it.
        var attributes = self.attributes
        let firstNew = attributes.count
        attributes.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices {
                if buffer[k].name.count != 0 && Int(buffer[k].name.start) >= spliceEnd { buffer[k].name.start += Int32(delta) }
                if buffer[k].value.count != 0 && Int(buffer[k].value.start) >= spliceEnd { buffer[k].value.start += Int32(delta) }
            }
        }
        for a in piece.attributes { attributes.append(AttributeRecord(name: placed(a.name), value: placed(a.value))) }

        let after = e + oldSize
        var newNodes = Array(nodes[0..<e])
        newNodes.reserveCapacity(nodes.count + shift)
        var newRanges = Array(ranges[0..<e])
        newRanges.reserveCapacity(nodes.count + shift)
        var newOwn = Array(own[0..<e])
        newOwn.reserveCapacity(nodes.count + shift)
        newNodes.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices {
                if Int(buffer[k].end) > e { buffer[k].end += Int32(shift) }
                if buffer[k].text.count != 0 && Int(buffer[k].text.start) >= sourceCount { buffer[k].text.start += Int32(delta) }
            }
        }
        newRanges.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices {
                buffer[k].close = movedOffset(buffer[k].close)
                buffer[k].end = movedOffset(buffer[k].end)
            }
        }
        for j in 1..<piece.nodes.count {
            var n = piece.nodes[j]
            n.parent = n.parent == 0 ? nodes[e].parent : n.parent - 1 + Int32(e)
            n.end = n.end - 1 + Int32(e)
            n.firstAttribute += Int32(firstNew)
            n.text = placed(n.text)
            newNodes.append(n)
            var r = piece.ranges[j]
            if r.start >= 0 { r.start += Int32(base) }
            if r.tagEnd >= 0 { r.tagEnd += Int32(base) }
            if r.close >= 0 { r.close += Int32(base) }
            if r.end >= 0 { r.end += Int32(base) }
            newRanges.append(r)
            newOwn.append(piece.own[j])
        }
        let kept = newNodes.count
        newNodes.append(contentsOf: nodes[after..<nodes.count])
        newRanges.append(contentsOf: ranges[after..<nodes.count])
        newOwn.append(contentsOf: own[after..<nodes.count])
        newNodes.withUnsafeMutableBufferPointer { buffer in
            for k in kept..<buffer.count {
                if Int(buffer[k].parent) >= after { buffer[k].parent += Int32(shift) }
                buffer[k].end += Int32(shift)
                if buffer[k].text.count != 0 { buffer[k].text.start += Int32(delta) }
            }
        }
        newRanges.withUnsafeMutableBufferPointer { buffer in
            for k in kept..<buffer.count {
                buffer[k].start = movedOffset(buffer[k].start)
                buffer[k].tagEnd = movedOffset(buffer[k].tagEnd)
                buffer[k].close = movedOffset(buffer[k].close)
                buffer[k].end = movedOffset(buffer[k].end)
            }
        }

        // Each ancestor's hash combines its children's, last child first (Parser.finish).
        var ancestor = Int(newNodes[e].parent)
        var children: [Int] = []
        while ancestor >= 0 {
            if newNodes[ancestor].flags & NodeRecord.componentRoot != 0 { break }
            children.removeAll(keepingCapacity: true)
            var child = ancestor + 1
            while child < Int(newNodes[ancestor].end) {
                children.append(child)
                child = Int(newNodes[child].end)
            }
            var folded: UInt64 = 0
            for c in children.reversed() { folded = Hash.combine(folded, newNodes[c].hash) }
            newNodes[ancestor].hash = Hash.combine(newOwn[ancestor], folded)
            ancestor = Int(newNodes[ancestor].parent)
        }
        let document = HTMLDocument(source: newSource, side: side, nodes: newNodes, attributes: attributes, isExact: true,
                                    ranges: newRanges, own: newOwn)
        document.garbage = dropped
        return document
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
        return true
    }
}
