/// Entry points for parsing markup into `Node` trees.
public enum HTMLParser {
    /// Parses `bytes` as the children of an element (a component root, or the
    /// `<template>` a browser parses patch markup in) and returns them, the
    /// way `childNodes` would list them.
    public static func parseFragment(_ bytes: [UInt8]) -> [Node] {
        var builder = TreeBuilder(bytes)
        builder.run()
        return builder.root.children
    }
}

/// Builds the tree with the "in body" rules of the HTML standard that matter
/// for rendered templates: implied end tags, table sections and rows, SVG and
/// MathML, raw-text elements. Table foster parenting, the adoption agency and
/// reconstruction of formatting elements are not modelled.
struct TreeBuilder {
    /// Open elements beyond this depth are inserted but not opened, so the
    /// tree (and every recursion over it) stays shallow whatever the input.
    static let maxDepth = 512

    var tokenizer: Tokenizer
    let root: Node
    private var stack: [Node] = []
    /// The open `form` outside templates: browsers ignore a nested `<form>`,
    /// and `</form>` closes this one even when other elements are open in it.
    private var form: Node?

    init(_ bytes: [UInt8]) {
        tokenizer = Tokenizer(bytes)
        root = Node(element: [], tag: .other, namespace: .html, attributes: [])
    }

    private var current: Node { return stack.last ?? root }

    mutating func run() {
        while true {
            switch tokenizer.next() {
            case .eof:
                return
            case .ignored:
                continue
            case .text(let raw):
                current.appendText(raw)
            case .comment(let data):
                current.children.append(Node(comment: data))
            case let .startTag(name, attributes, selfClosing):
                startTag(name: name, attributes: attributes, selfClosing: selfClosing)
            case .endTag(let name):
                endTag(name: name)
            }
        }
    }

    // MARK: - Start tags

    private mutating func startTag(name: ArraySlice<UInt8>, attributes: [Attribute], selfClosing: Bool) {
        let tag = Tag.lookup(name)
        guard let top = stack.last, top.namespace != .html else {
            htmlStartTag(name: name, tag: tag, attributes: attributes, selfClosing: selfClosing)
            return
        }
        if startTagUsesHTMLRules(in: top, tag: tag) {
            htmlStartTag(name: name, tag: tag, attributes: attributes, selfClosing: selfClosing)
            return
        }
        if tag.breaksOutOfForeignContent || (tag == .font && attributes.contains(where: isFontBreakout)) {
            while let node = stack.last, node.namespace != .html, !isIntegrationPoint(node) {
                stack.removeLast()
            }
            htmlStartTag(name: name, tag: tag, attributes: attributes, selfClosing: selfClosing)
            return
        }
        let element = Node(element: name, tag: tag, namespace: top.namespace, attributes: attributes)
        insert(element, open: !selfClosing)
    }

    private func startTagUsesHTMLRules(in node: Node, tag: Tag) -> Bool {
        if node.namespace == .mathml {
            switch node.tag {
            case .mi, .mo, .mn, .ms, .mtext:
                return tag != .mglyph && tag != .malignmark
            case .annotationXML:
                return tag == .svg || isHTMLAnnotation(node)
            default:
                return false
            }
        }
        return isIntegrationPoint(node)
    }

    private func isIntegrationPoint(_ node: Node) -> Bool {
        switch node.namespace {
        case .html:
            return false
        case .svg:
            return node.tag == .foreignobject || node.tag == .desc || node.tag == .title
        case .mathml:
            switch node.tag {
            case .mi, .mo, .mn, .ms, .mtext: return true
            case .annotationXML: return isHTMLAnnotation(node)
            default: return false
            }
        }
    }

    private func isHTMLAnnotation(_ node: Node) -> Bool {
        guard let encoding = node.attributes.first(where: { $0.name.elementsEqual("encoding".utf8) }) else {
            return false
        }
        let value = ASCII.lowercased(encoding.value)
        return value.elementsEqual("text/html".utf8) || value.elementsEqual("application/xhtml+xml".utf8)
    }

    private mutating func htmlStartTag(name: ArraySlice<UInt8>, tag: Tag, attributes: [Attribute], selfClosing: Bool) {
        var name = name
        var tag = tag
        if tag == .image {
            name = imgName
            tag = .img
        }
        if tag == .form && form != nil && !hasOpenTemplate { return }
        if tag.closesParagraph {
            closeParagraphInButtonScope()
        }
        switch tag {
        case .html, .body, .head, .frameset, .frame:
            return
        case .h1, .h2, .h3, .h4, .h5, .h6:
            if let top = stack.last, top.namespace == .html, top.tag.isHeading {
                stack.removeLast()
            }
        case .li:
            closeListItem(matching: { $0 == .li })
        case .dd, .dt:
            closeListItem(matching: { $0 == .dd || $0 == .dt })
        case .button:
            if hasInScope(.button, scope: .normal) {
                popUntil(.button)
            }
        case .a:
            closeOpenAnchor()
        case .option:
            if current.isHTML(.option) { stack.removeLast() }
        case .optgroup:
            if current.isHTML(.option) { stack.removeLast() }
            if current.isHTML(.optgroup) { stack.removeLast() }
        case .rb, .rtc:
            if hasInScope(.ruby, scope: .normal) {
                popImpliedEndTags(except: nil)
            }
        case .rp, .rt:
            if hasInScope(.ruby, scope: .normal) {
                popImpliedEndTags(except: .rtc)
            }
        case .caption, .colgroup, .tbody, .thead, .tfoot:
            clearToTable()
        case .tr:
            clearToTableBody()
        case .td, .th:
            clearToTableRow()
        case .col:
            if current.isHTML(.table) {
                insertImplied(.colgroup, name: colgroupName)
            }
        case .svg, .math:
            let element = Node(element: name, tag: tag, namespace: tag == .svg ? .svg : .mathml,
                               attributes: attributes)
            insert(element, open: !selfClosing)
            return
        default:
            break
        }

        let element = Node(element: name, tag: tag, namespace: .html, attributes: attributes)
        if tag.isVoid {
            insert(element, open: false)
        } else if tag.isRawText {
            if tag == .textarea { tokenizer.skipLeadingNewline() }
            insert(element, open: false)
            let content = tokenizer.rawText(until: name)
            if !content.isEmpty {
                element.children.append(Node(text: content))
            }
        } else {
            insert(element, open: true)
            if tag == .pre || tag == .listing { tokenizer.skipLeadingNewline() }
            if tag == .form && !hasOpenTemplate { form = element }
        }
    }

    private var hasOpenTemplate: Bool {
        return stack.contains { $0.isHTML(.template) }
    }

    private mutating func insert(_ element: Node, open: Bool) {
        current.children.append(element)
        if open && stack.count < TreeBuilder.maxDepth {
            stack.append(element)
        }
    }

    private mutating func insertImplied(_ tag: Tag, name: ArraySlice<UInt8>) {
        insert(Node(element: name, tag: tag, namespace: .html, attributes: []), open: true)
    }

    private mutating func closeParagraphInButtonScope() {
        if hasInScope(.p, scope: .button) {
            popUntil(.p)
        }
    }

    /// `li` closes an open `li`, `dd`/`dt` close each other, unless a special
    /// element other than address, div or p stands in between.
    private mutating func closeListItem(matching matches: (Tag) -> Bool) {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html && matches(node.tag) {
                stack.removeSubrange(index...)
                return
            }
            if isSpecial(node) && !(node.namespace == .html
                                    && (node.tag == .address || node.tag == .div || node.tag == .p)) {
                return
            }
            index -= 1
        }
    }

    /// A nested `<a>` closes the open one (browsers run the adoption agency
    /// here; for well-nested markup the effect is the same).
    private mutating func closeOpenAnchor() {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html {
                switch node.tag {
                case .a:
                    stack.removeSubrange(index...)
                    return
                case .td, .th, .caption, .template, .applet, .object, .marquee, .table:
                    return
                default:
                    break
                }
            }
            index -= 1
        }
    }

    private mutating func clearToTable() {
        if let index = lastIndex(where: { $0 == .table || $0 == .template }), stack[index].tag == .table {
            stack.removeSubrange((index + 1)...)
        }
    }

    /// A row goes into the nearest table section, which is implied when the
    /// row sits directly in a table.
    private mutating func clearToTableBody() {
        guard let index = lastIndex(where: { $0.isTableSection || $0 == .table || $0 == .template }) else {
            return
        }
        stack.removeSubrange((index + 1)...)
        if stack[index].tag == .table {
            insertImplied(.tbody, name: tbodyName)
        }
    }

    /// A cell goes into the nearest row, implied (with its section) when
    /// missing.
    private mutating func clearToTableRow() {
        guard let index = lastIndex(where: { $0 == .tr || $0.isTableSection || $0 == .table || $0 == .template }) else {
            return
        }
        stack.removeSubrange((index + 1)...)
        switch stack[index].tag {
        case .table:
            insertImplied(.tbody, name: tbodyName)
            insertImplied(.tr, name: trName)
        case .tbody, .thead, .tfoot:
            insertImplied(.tr, name: trName)
        default:
            break
        }
    }

    private func lastIndex(where matches: (Tag) -> Bool) -> Int? {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html && matches(node.tag) { return index }
            index -= 1
        }
        return nil
    }

    // MARK: - End tags

    private mutating func endTag(name: ArraySlice<UInt8>) {
        if let top = stack.last, top.namespace != .html {
            foreignEndTag(name: name)
            return
        }
        htmlEndTag(name: name, tag: Tag.lookup(name))
    }

    private mutating func foreignEndTag(name: ArraySlice<UInt8>) {
        let tag = Tag.lookup(name)
        if tag == .br || tag == .p {
            while let node = stack.last, node.namespace != .html, !isIntegrationPoint(node) {
                stack.removeLast()
            }
            htmlEndTag(name: name, tag: tag)
            return
        }
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html {
                htmlEndTag(name: name, tag: tag)
                return
            }
            if node.name == name {
                stack.removeSubrange(index...)
                return
            }
            index -= 1
        }
    }

    private mutating func htmlEndTag(name: ArraySlice<UInt8>, tag: Tag) {
        switch tag {
        case .html, .body:
            return
        case .p:
            if hasInScope(.p, scope: .button) {
                popUntil(.p)
            } else {
                // A stray </p> makes an empty paragraph in browsers.
                insert(Node(element: pName, tag: .p, namespace: .html, attributes: []), open: false)
            }
        case .br:
            insert(Node(element: brName, tag: .br, namespace: .html, attributes: []), open: false)
        case .li:
            if hasInScope(.li, scope: .listItem) { popUntil(.li) }
        case .h1, .h2, .h3, .h4, .h5, .h6:
            if let index = indexInScope(scope: .normal, matching: { $0.isHeading }) {
                stack.removeSubrange(index...)
            }
        case .form where !hasOpenTemplate:
            guard let node = form else { return }
            form = nil
            guard isInScope(node) else { return }
            popImpliedEndTags(except: nil)
            if let index = stack.lastIndex(where: { $0 === node }) {
                stack.remove(at: index)
            }
        case .table, .tbody, .thead, .tfoot, .tr, .td, .th, .caption, .colgroup:
            if hasInScope(tag, scope: .table) { popUntil(tag) }
        default:
            if tag != .other && tag.isSpecialHTML && !tag.isFormatting {
                if hasInScope(tag, scope: .normal) { popUntil(tag) }
            } else {
                anyOtherEndTag(name: name)
            }
        }
    }

    /// Closes the nearest open element with this name, unless a special
    /// element is open above it.
    private mutating func anyOtherEndTag(name: ArraySlice<UInt8>) {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html && node.name == name {
                stack.removeSubrange(index...)
                return
            }
            if isSpecial(node) { return }
            index -= 1
        }
    }

    private mutating func popUntil(_ tag: Tag) {
        while let node = stack.popLast() {
            if node.namespace == .html && node.tag == tag { return }
        }
    }

    private mutating func popImpliedEndTags(except exception: Tag?) {
        while let node = stack.last, node.namespace == .html, node.tag.hasImpliedEndTag, node.tag != exception {
            stack.removeLast()
        }
    }

    // MARK: - Scopes

    private enum Scope {
        case normal, listItem, button, table
    }

    private func isInScope(_ element: Node) -> Bool {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node === element { return true }
            if isScopeBoundary(node, .normal) { return false }
            index -= 1
        }
        return false
    }

    private func hasInScope(_ tag: Tag, scope: Scope) -> Bool {
        return indexInScope(scope: scope, matching: { $0 == tag }) != nil
    }

    private func indexInScope(scope: Scope, matching matches: (Tag) -> Bool) -> Int? {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html && matches(node.tag) { return index }
            if isScopeBoundary(node, scope) { return nil }
            index -= 1
        }
        return nil
    }

    private func isScopeBoundary(_ node: Node, _ scope: Scope) -> Bool {
        switch node.namespace {
        case .html:
            switch node.tag {
            case .html, .table, .template: return true
            case .applet, .caption, .td, .th, .marquee, .object: return scope != .table
            case .ol, .ul: return scope == .listItem
            case .button: return scope == .button
            default: return false
            }
        case .mathml:
            switch node.tag {
            case .mi, .mo, .mn, .ms, .mtext, .annotationXML: return scope != .table
            default: return false
            }
        case .svg:
            switch node.tag {
            case .foreignobject, .desc, .title: return scope != .table
            default: return false
            }
        }
    }

    private func isSpecial(_ node: Node) -> Bool {
        switch node.namespace {
        case .html:
            return node.tag.isSpecialHTML
        case .mathml:
            switch node.tag {
            case .mi, .mo, .mn, .ms, .mtext, .annotationXML: return true
            default: return false
            }
        case .svg:
            return node.tag == .foreignobject || node.tag == .desc || node.tag == .title
        }
    }
}

private func isFontBreakout(_ attribute: Attribute) -> Bool {
    let name = attribute.name
    return name.elementsEqual("color".utf8) || name.elementsEqual("face".utf8) || name.elementsEqual("size".utf8)
}

private let imgName: ArraySlice<UInt8> = ArraySlice("img".utf8)
private let pName: ArraySlice<UInt8> = ArraySlice("p".utf8)
private let brName: ArraySlice<UInt8> = ArraySlice("br".utf8)
private let trName: ArraySlice<UInt8> = ArraySlice("tr".utf8)
private let tbodyName: ArraySlice<UInt8> = ArraySlice("tbody".utf8)
private let colgroupName: ArraySlice<UInt8> = ArraySlice("colgroup".utf8)
