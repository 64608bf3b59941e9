/// Computes the patch that turns one rendering of a component's children into
/// the next (docs/protocol.md, "Patch operations").
public enum HTMLDiffer {
    /// Returns the JSON array of operations, `[]` when nothing changed.
    public static func diff(old: [UInt8], new: [UInt8]) -> [UInt8] {
        if old == new { return emptyPatch }
        return diff(old: HTMLParser.parseFragment(old), new: HTMLParser.parseFragment(new))
    }

    /// The same over already parsed fragments, for callers that keep the
    /// previous tree.
    public static func diff(old: [Node], new: [Node]) -> [UInt8] {
        var differ = TreeDiffer()
        differ.children(old: old, new: new, parentName: [])
        return differ.writer.finish()
    }
}

private let emptyPatch: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "]")]

/// Index-based recursive diff: children are paired by position.
///
/// Operations come out in document order and a parent's surplus children are
/// removed last-first after its kept children, so every path is valid when
/// the browser reaches its operation.
struct TreeDiffer {
    var writer = PatchWriter()
    private var path: [Int] = []
    /// Inside SVG or MathML. Markup in `replace` and `append` is parsed in an
    /// HTML `<template>`, where an SVG child would become an HTML element, so
    /// such changes are replaced at the outermost foreign element instead.
    private var inForeign = false
    private var foreignNeedsReplace = false

    mutating func children(old: [Node], new: [Node], parentName: ArraySlice<UInt8>) {
        let common = min(old.count, new.count)
        for i in 0..<common {
            path.append(i)
            node(old: old[i], new: new[i])
            path.removeLast()
            if foreignNeedsReplace { return }
        }
        if new.count > common {
            if inForeign && new[common...].contains(where: { $0.kind == .element }) {
                foreignNeedsReplace = true
                return
            }
            var html: [UInt8] = []
            for child in new[common...] { HTMLSerializer.write(child, to: &html) }
            writer.op(.append, path: path, name: parentName)
            writer.argument(html)
            writer.endOp()
        }
        if old.count > common {
            for i in stride(from: old.count - 1, through: common, by: -1) {
                path.append(i)
                writer.op(.remove, path: path, name: old[i].expectedName)
                writer.endOp()
                path.removeLast()
            }
        }
    }

    private mutating func node(old: Node, new: Node) {
        switch (old.kind, new.kind) {
        case (.text, .text):
            if old.data == new.data { return }
            // Raw text equals its DOM data unless it has references or CRs.
            if !new.data.contains(where: { $0 == ASCII.ampersand || $0 == ASCII.lt || $0 == ASCII.cr }) {
                setData(old: old, data: new.data)
            } else {
                replace(old: old, new: new)
            }
        case (.comment, .comment):
            if old.data == new.data { return }
            if !new.data.contains(where: { $0 == ASCII.cr || $0 == ASCII.nul }) {
                setData(old: old, data: new.data)
            } else {
                replace(old: old, new: new)
            }
        case (.element, .element):
            element(old: old, new: new)
        default:
            replace(old: old, new: new)
        }
    }

    private mutating func setData(old: Node, data: ArraySlice<UInt8>) {
        writer.op(.text, path: path, name: old.expectedName)
        writer.argument(data)
        writer.endOp()
    }

    private mutating func replace(old: Node, new: Node) {
        if inForeign && new.kind == .element {
            foreignNeedsReplace = true
            return
        }
        writeReplace(old: old, new: new)
    }

    private mutating func writeReplace(old: Node, new: Node) {
        writer.op(.replace, path: path, name: old.expectedName)
        writer.argument(HTMLSerializer.serialize(new))
        writer.endOp()
    }

    private mutating func element(old: Node, new: Node) {
        if old.name != new.name || old.namespace != new.namespace {
            replace(old: old, new: new)
            return
        }
        guard !inForeign && new.namespace != .html else {
            elementContent(old: old, new: new)
            return
        }
        let mark = writer.mark
        inForeign = true
        elementContent(old: old, new: new)
        inForeign = false
        if foreignNeedsReplace {
            foreignNeedsReplace = false
            writer.rollBack(to: mark)
            writeReplace(old: old, new: new)
        }
    }

    private mutating func elementContent(old: Node, new: Node) {
        if new.isOpaque && !sameChildren(old, new) {
            replace(old: old, new: new)
            return
        }
        if !attributes(old: old, new: new) {
            replace(old: old, new: new)
            return
        }
        if new.isOpaque { return }
        children(old: old.children, new: new.children, parentName: new.name)
    }

    private func sameChildren(_ a: Node, _ b: Node) -> Bool {
        var left: [UInt8] = []
        var right: [UInt8] = []
        HTMLSerializer.writeChildren(of: a, to: &left)
        HTMLSerializer.writeChildren(of: b, to: &right)
        return left == right
    }

    /// Writes attribute operations; returns false (writing nothing) when they
    /// cannot express the change and the element must be replaced.
    private mutating func attributes(old: Node, new: Node) -> Bool {
        let before = old.attributes
        let after = new.attributes
        if before.count == after.count
            && zip(before, after).allSatisfy({ $0.name == $1.name && $0.value == $1.value }) {
            return true
        }
        let oldIndex = AttributeIndex(before)
        let newIndex = AttributeIndex(after)
        var sets: [(name: ArraySlice<UInt8>, value: [UInt8])] = []
        for attribute in after {
            let value: [UInt8]
            if let previous = oldIndex.value(of: attribute.name) {
                if previous == attribute.value { continue }
                value = decodedAttribute(attribute.value)
                if decodedAttribute(previous) == value { continue }
            } else {
                // setAttribute cannot recreate a namespaced foreign
                // attribute such as xlink:href.
                if new.namespace != .html && attribute.name.contains(UInt8(ascii: ":")) { return false }
                value = decodedAttribute(attribute.value)
            }
            guard isSafeAttributeName(attribute.name) else { return false }
            sets.append((attribute.name, value))
        }
        for attribute in before where newIndex.value(of: attribute.name) == nil {
            writer.op(.removeAttribute, path: path, name: old.expectedName)
            writer.argument(ForeignAttributes.domName(attribute.name, namespace: new.namespace))
            writer.endOp()
        }
        for set in sets {
            writer.op(.setAttribute, path: path, name: old.expectedName)
            writer.argument(ForeignAttributes.domName(set.name, namespace: new.namespace))
            writer.argument(set.value)
            writer.endOp()
        }
        return true
    }
}

private func decodedAttribute(_ raw: ArraySlice<UInt8>) -> [UInt8] {
    if !raw.contains(ASCII.ampersand) { return Array(raw) }
    return CharacterReferences.decode(raw, inAttribute: true)
}

/// Names `setAttribute` accepts in every browser (it throws on others, such
/// as `@click`, which the parser happily creates).
private func isSafeAttributeName(_ name: ArraySlice<UInt8>) -> Bool {
    guard let first = name.first else { return false }
    if !(ASCII.isAlpha(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") || first >= 0x80) {
        return false
    }
    return name.allSatisfy { byte in
        ASCII.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte >= 0x80
    }
}

/// Attribute lookup by name: a scan for the usual few, a table for many.
private struct AttributeIndex {
    private let attributes: [Attribute]
    private let table: [ArraySlice<UInt8>: Int]?

    init(_ attributes: [Attribute]) {
        self.attributes = attributes
        if attributes.count > 16 {
            var table: [ArraySlice<UInt8>: Int] = [:]
            for (i, attribute) in attributes.enumerated() where table[attribute.name] == nil {
                table[attribute.name] = i
            }
            self.table = table
        } else {
            self.table = nil
        }
    }

    func value(of name: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        if let table = table {
            return table[name].map { attributes[$0].value }
        }
        return attributes.first(where: { $0.name == name })?.value
    }
}
