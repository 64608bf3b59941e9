/// Computes the patch that turns one rendering of a component's children into
/// the next (docs/protocol.md, "Patch operations").
public enum HTMLDiffer {
    /// Returns the JSON array of operations, `[]` when nothing changed.
    public static func diff(old: [UInt8], new: [UInt8]) -> [UInt8] {
        if old == new { return emptyPatch }
        return diff(old: HTMLDocument(old), new: HTMLDocument(new))
    }

    /// The same over parsed documents, for callers that keep the previous
    /// tree: only the new markup is parsed per update.
    public static func diff(old: HTMLDocument, new: HTMLDocument) -> [UInt8] {
        if old === new { return emptyPatch }
        guard old.isExact && new.isExact else {
            // The browser's tree is not known node for node; re-send it all
            // for the browser to parse, as a render would.
            return old.source == new.source ? emptyPatch : resend(new)
        }
        if old.hash == new.hash { return emptyPatch }
        var differ = TreeDiffer(old: old, new: new)
        differ.children(0, 0)
        let patch = differ.writer.finish()
        // Many small changes can cost more than the markup itself; the
        // threshold keeps small patches fine-grained, which keeps DOM state.
        // Not over a stream container, whose items the new markup lacks.
        if patch.count > 1024 && patch.count > new.source.count && !StreamSplit.hasContainer(new) {
            let whole = resend(new)
            if whole.count < patch.count { return whole }
        }
        return patch
    }

    static func resend(_ document: HTMLDocument) -> [UInt8] {
        var writer = PatchWriter()
        writer.op(.setChildren, path: [], name: EmptyCollection())
        writer.argument(document.source)
        writer.endOp()
        return writer.finish()
    }
}

private let emptyPatch: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "]")]

/// Recursive diff over two documents. Subtrees with equal hashes are equal
/// and skipped without a look inside.
///
/// Each element's own operations (its attributes, then its children's
/// removals, moves and inserts) come before those of its descendants, which
/// are addressed by their final positions, so every path is valid when the
/// browser reaches its operation.
struct TreeDiffer {
    let old: HTMLDocument
    private(set) var new: HTMLDocument
    var writer = PatchWriter()
    private var path: [Int32] = []
    /// Inside SVG or MathML. Markup in `replace` and `insert` is parsed in an
    /// HTML `<template>`, where an SVG child would become an HTML element, so
    /// such changes are replaced at the outermost foreign element instead.
    private var inForeign = false
    private var foreignNeedsReplace = false

    /// The documents' node arrays, held here so reading a node is not a
    /// property access on a class (which retains) in the hot loops.
    private let oldNodes: [NodeRecord]
    private var newNodes: [NodeRecord]

    init(old: HTMLDocument, new: HTMLDocument) {
        self.old = old
        self.new = new
        oldNodes = old.nodes
        newNodes = new.nodes
    }

    /// Diffs element `o` of `old` against element `n` of `new` found at
    /// `path`, writing what `children` writes when it pairs the two there:
    /// the patch of a change confined to that element (splicing).
    mutating func pair(_ o: Int, in new: HTMLDocument, _ n: Int, at path: [Int32]) {
        self.new = new
        newNodes = new.nodes
        self.path = path
        node(o, n)
    }

    /// The same for an element whose attributes alone changed, `n` being
    /// its start tag parsed alone: its attribute operations, as
    /// `elementContent` writes them before finding its children equal.
    /// False (nothing written) when the element would be replaced instead.
    mutating func pairStartTag(_ o: Int, in new: HTMLDocument, _ n: Int, at path: [Int32]) -> Bool {
        self.new = new
        newNodes = new.nodes
        self.path = path
        return attributes(o, n)
    }

    private func name(_ document: HTMLDocument, _ index: Int) -> UnsafeBufferPointer<UInt8> {
        let node = document.nodes[index]
        switch node.kind {
        case .element: return index == 0 ? UnsafeBufferPointer(start: nil, count: 0) : document.bytes(node.text)
        case .text: return textName
        case .comment: return commentName
        }
    }

    // MARK: - Children

    /// Children lists of the elements being diffed, one region per level
    /// of recursion, so no level allocates arrays of its own.
    private var scratch: [Int] = []

    private mutating func pushChildren(_ nodes: [NodeRecord], _ index: Int) {
        var child = index + 1
        let end = Int(nodes[index].end)
        while child < end {
            scratch.append(child)
            child = Int(nodes[child].end)
        }
    }

    mutating func children(_ o: Int, _ n: Int) {
        let base = scratch.count
        pushChildren(oldNodes, o)
        let newBase = scratch.count
        pushChildren(newNodes, n)
        defer { scratch.removeSubrange(base...) }
        let oldCount = newBase - base
        let newCount = scratch.count - newBase
        var start = 0
        var oldEnd = oldCount
        var newEnd = newCount
        while start < oldEnd && start < newEnd
                && oldNodes[scratch[base + start]].hash == newNodes[scratch[newBase + start]].hash {
            start += 1
        }
        while oldEnd > start && newEnd > start
                && oldNodes[scratch[base + oldEnd - 1]].hash == newNodes[scratch[newBase + newEnd - 1]].hash {
            oldEnd -= 1
            newEnd -= 1
        }
        if start == oldEnd && start == newEnd { return }
        let suffix = oldEnd < oldCount ? scratch[base + oldEnd] : nil
        // Slices are taken only where nothing below appends to `scratch`.
        let oldRun = { (self: TreeDiffer) in self.scratch[(base + start)..<(base + oldEnd)] }
        let newRun = { (self: TreeDiffer) in self.scratch[(newBase + start)..<(newBase + newEnd)] }

        if start == oldEnd {
            insert(newRun(self), at: start, beforeOld: suffix, parent: n)
            return
        }
        if start == newEnd {
            for i in stride(from: oldEnd - 1, through: start, by: -1) {
                remove(at: i, scratch[base + i])
            }
            return
        }
        if oldEnd - start == newEnd - start
            && mostlyAligned(base + start, newBase + start, oldEnd - start)
            && (positionallyPaired(base + start, newBase + start, oldEnd - start)
                || !sharesDeclaredKey(oldRun(self), newRun(self))) {
            for k in start..<oldEnd {
                path.append(Int32(k))
                node(scratch[base + k], scratch[newBase + k])
                path.removeLast()
                if foreignNeedsReplace { return }
            }
            return
        }
        let plan = ChildMatcher(old: old, oldRun(self), new: new, newRun(self),
                                declaredKeys: sharesDeclaredKey(oldRun(self), newRun(self)))
        for i in plan.removals { remove(at: start + i, scratch[base + start + i]) }
        for step in plan.steps {
            switch step {
            case let .move(from, before, oldIndex):
                path.append(Int32(start + from))
                writer.op(.move, path: path, name: name(old, scratch[base + start + oldIndex]))
                path.removeLast()
                writer.argument(integer: start + before)
                writer.endOp()
            case let .insert(before, anchorOld, anchorNew, first, last):
                let nodes = scratch[(newBase + start + first)...(newBase + start + last)]
                if let anchorOld {
                    insert(nodes, at: start + before, before: name(old, scratch[base + start + anchorOld]), parent: n)
                } else if let anchorNew {
                    insert(nodes, at: start + before, before: name(new, scratch[newBase + start + anchorNew]), parent: n)
                } else {
                    insert(nodes, at: start + before, beforeOld: suffix, parent: n)
                }
            }
            if foreignNeedsReplace { return }
        }
        for (j, i) in plan.partner.enumerated() where i >= 0 {
            path.append(Int32(start + j))
            node(scratch[base + start + i], scratch[newBase + start + j])
            path.removeLast()
            if foreignNeedsReplace { return }
        }
    }

    /// Rows changed in place: most pairs are equal or at least the same
    /// element, so pairing by position is what matching would find. `a`
    /// and `b` index the two runs in `scratch`.
    private func mostlyAligned(_ a: Int, _ b: Int, _ count: Int) -> Bool {
        if count <= 2 { return true }
        if count <= 16 {
            // Small runs (the cells of a changed row): pair by position
            // unless a changed pair differs in kind or name, or an element
            // reappears elsewhere (a move).
            for j in 0..<count where oldNodes[scratch[a + j]].hash != newNodes[scratch[b + j]].hash {
                let x = oldNodes[scratch[a + j]]
                let y = newNodes[scratch[b + j]]
                if x.kind != y.kind || (x.kind == .element && !old.equal(x.text, new, y.text)) { return false }
                for i in 0..<count where i != j && oldNodes[scratch[a + i]].hash == y.hash && y.kind == .element {
                    return false
                }
            }
            return true
        }
        var aligned = 0
        for k in 0..<count where oldNodes[scratch[a + k]].hash == newNodes[scratch[b + k]].hash { aligned += 1 }
        return aligned * 2 >= count
    }

    private func sharesDeclaredKey(_ a: ArraySlice<Int>, _ b: ArraySlice<Int>) -> Bool {
        var keys = Set<UInt64>()
        for o in a {
            if let key = ChildMatcher.key(old, o), key.declared { keys.insert(key.value) }
        }
        if keys.isEmpty { return false }
        for n in b {
            if let key = ChildMatcher.key(new, n), key.declared, keys.contains(key.value) { return true }
        }
        return false
    }

    /// Same length, and no declared key that differs: the common case of a
    /// few changed rows, diffed pair by pair without building any tables.
    private func positionallyPaired(_ a: Int, _ b: Int, _ count: Int) -> Bool {
        for k in 0..<count where oldNodes[scratch[a + k]].hash != newNodes[scratch[b + k]].hash {
            let o = scratch[a + k]
            let n = scratch[b + k]
            let x = ChildMatcher.key(old, o)
            let y = ChildMatcher.key(new, n)
            let xd = x?.declared == true
            let yd = y?.declared == true
            if xd != yd { return false }
            if xd && (x!.value != y!.value || !ChildMatcher.sameKey(old, o, new, n, declared: true)) { return false }
        }
        return true
    }

    private mutating func insert(_ nodes: ArraySlice<Int>, at index: Int, beforeOld suffix: Int?, parent: Int) {
        if let suffix {
            insert(nodes, at: index, before: name(old, suffix), parent: parent)
        } else {
            if inForeign && nodes.contains(where: { newNodes[$0].kind == .element }) {
                foreignNeedsReplace = true
                return
            }
            writer.op(.append, path: path, name: name(new, parent))
            writer.markupArgument { out in
                for child in nodes { Serializer.write(new, child, to: &out) }
            }
            writer.endOp()
        }
    }

    private mutating func insert(_ nodes: ArraySlice<Int>, at index: Int, before anchor: UnsafeBufferPointer<UInt8>,
                                 parent: Int) {
        if inForeign && nodes.contains(where: { newNodes[$0].kind == .element }) {
            foreignNeedsReplace = true
            return
        }
        path.append(Int32(index))
        writer.op(.insertBefore, path: path, name: anchor)
        path.removeLast()
        writer.markupArgument { out in
            for child in nodes { Serializer.write(new, child, to: &out) }
        }
        writer.endOp()
    }

    private mutating func remove(at index: Int, _ o: Int) {
        path.append(Int32(index))
        writer.op(.remove, path: path, name: name(old, o))
        writer.endOp()
        path.removeLast()
    }

    // MARK: - One node

    private mutating func node(_ o: Int, _ n: Int) {
        let a = oldNodes[o]
        let b = newNodes[n]
        if a.hash == b.hash { return }
        switch (a.kind, b.kind) {
        case (.text, .text), (.comment, .comment):
            writer.op(.text, path: path, name: name(old, o))
            writer.argument(new.bytes(b.text))
            writer.endOp()
        case (.element, .element):
            element(o, n)
        default:
            replace(o, n)
        }
    }

    private mutating func replace(_ o: Int, _ n: Int) {
        if inForeign && newNodes[n].kind == .element {
            foreignNeedsReplace = true
            return
        }
        writeReplace(o, n)
    }

    private mutating func writeReplace(_ o: Int, _ n: Int) {
        writer.op(.replace, path: path, name: name(old, o))
        writer.markupArgument { out in Serializer.write(new, n, to: &out) }
        writer.endOp()
    }

    private mutating func element(_ o: Int, _ n: Int) {
        let a = oldNodes[o]
        let b = newNodes[n]
        if a.namespace != b.namespace || a.tag != b.tag || !old.equal(a.text, new, b.text)
            || (a.flags | b.flags) & NodeRecord.componentRoot != 0 {
            // A nested component whose id is unchanged has the same hash and
            // never gets here: its content belongs to its own diffs.
            replace(o, n)
            return
        }
        guard !inForeign && b.namespace != .html else {
            elementContent(o, n)
            return
        }
        let mark = writer.mark
        inForeign = true
        elementContent(o, n)
        inForeign = false
        if foreignNeedsReplace {
            foreignNeedsReplace = false
            writer.rollBack(to: mark)
            writeReplace(o, n)
        }
    }

    private mutating func elementContent(_ o: Int, _ n: Int) {
        let opaque = newNodes[n].namespace == .html && (newNodes[n].tag.isRawText || newNodes[n].tag == .template)
        if opaque && !sameChildren(o, n) {
            replace(o, n)
            return
        }
        if !attributes(o, n) {
            replace(o, n)
            return
        }
        if opaque { return }
        children(o, n)
    }

    private func sameChildren(_ o: Int, _ n: Int) -> Bool {
        let a = old.children(o)
        let b = new.children(n)
        return a.count == b.count && zip(a, b).allSatisfy { oldNodes[$0].hash == newNodes[$1].hash }
    }

    // MARK: - Attributes

    /// Writes attribute operations; returns false (writing nothing) when they
    /// cannot express the change and the element must be replaced.
    private mutating func attributes(_ o: Int, _ n: Int) -> Bool {
        let a = oldNodes[o]
        let b = newNodes[n]
        let oldFirst = Int(a.firstAttribute)
        let oldCount = Int(a.attributeCount)
        let newFirst = Int(b.firstAttribute)
        let newCount = Int(b.attributeCount)
        if oldCount == newCount {
            var same = true
            for k in 0..<oldCount {
                let x = old.attributes[oldFirst + k]
                let y = new.attributes[newFirst + k]
                if !old.equal(x.name, new, y.name) || !old.equal(x.value, new, y.value) {
                    same = false
                    break
                }
            }
            if same { return true }
        }
        func find(_ document: HTMLDocument, _ first: Int, _ count: Int, _ name: UnsafeBufferPointer<UInt8>) -> Span? {
            for k in first..<(first + count) {
                let attribute = document.attributes[k]
                if Int(attribute.name.count) == name.count,
                   memoryEqual(document.pointer(attribute.name), name.baseAddress ?? document.pointer(attribute.name), name.count) {
                    return attribute.value
                }
            }
            return nil
        }
        var sets: [AttributeRecord] = []
        for k in newFirst..<(newFirst + newCount) {
            let attribute = new.attributes[k]
            let attributeName = new.bytes(attribute.name)
            if let previous = find(old, oldFirst, oldCount, attributeName) {
                if old.equal(previous, new, attribute.value) { continue }
            } else if b.namespace != .html && attributeName.contains(UInt8(ascii: ":")) {
                // setAttribute cannot recreate a namespaced foreign
                // attribute such as xlink:href.
                return false
            }
            guard isSafeAttributeName(attributeName) else { return false }
            sets.append(attribute)
        }
        for k in oldFirst..<(oldFirst + oldCount) {
            let attribute = old.attributes[k]
            let attributeName = old.bytes(attribute.name)
            guard find(new, newFirst, newCount, attributeName) == nil else { continue }
            writer.op(.removeAttribute, path: path, name: name(old, o))
            writer.argument(ForeignAttributes.domName(ArraySlice(attributeName), namespace: b.namespace))
            writer.endOp()
        }
        for attribute in sets {
            writer.op(.setAttribute, path: path, name: name(old, o))
            writer.argument(ForeignAttributes.domName(ArraySlice(new.bytes(attribute.name)), namespace: b.namespace))
            writer.argument(new.bytes(attribute.value))
            writer.endOp()
        }
        return true
    }
}

/// Names `setAttribute` accepts in every browser (it throws on others, such
/// as `@click`, which the parser happily creates).
private func isSafeAttributeName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = name.first else { return false }
    if !(ASCII.isAlpha(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") || first >= 0x80) {
        return false
    }
    return name.allSatisfy { byte in
        ASCII.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte >= 0x80
    }
}

private let textNameStorage = StaticBytes("#text")
private let commentNameStorage = StaticBytes("#comment")
private let textName = UnsafeBufferPointer(start: textNameStorage.pointer, count: textNameStorage.count)
private let commentName = UnsafeBufferPointer(start: commentNameStorage.pointer, count: commentNameStorage.count)
