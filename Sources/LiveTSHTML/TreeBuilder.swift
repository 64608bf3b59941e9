/// Builds the tree with the "in body" rules of the HTML standard that matter
/// for rendered templates: implied end tags, table sections and rows (at the
/// top of a fragment too, as in the `<template>` a browser parses patch
/// markup in), SVG and MathML, raw-text elements, `select` as current
/// browsers parse it. Foster parenting, the adoption agency and the reopening
/// of formatting elements are not modelled; markup that needs them marks the
/// document inexact instead of giving a wrong tree.
///
/// Nodes are only ever appended to the current node, so creation order is
/// document order and each subtree is one contiguous run of `nodes`.
struct Parser {
    /// Open elements beyond this depth are inserted but not opened, so the
    /// tree (and every recursion over it) stays shallow whatever the input.
    static let maxDepth = 512

    static let rootRecord = NodeRecord(kind: .element, namespace: .html, tag: .other, flags: 0, parent: -1, end: 1,
                                       text: .empty, firstAttribute: 0, attributeCount: 0, hash: 0)

    var input: UnsafeBufferPointer<UInt8>
    let count: Int
    var position = 0
    /// Bytes the parser makes; span offsets past the input point here.
    var side: [UInt8] = []
    var nodes: [NodeRecord] = [Parser.rootRecord]
    /// Where each node came from in the input (`SourceRange`), one per node.
    var ranges: [SourceRange] = [.none]
    /// Each node's own hash, before its children are combined in (`finish`).
    var own: [UInt64] = []
    /// The start tag being inserted: from its `<` to after its `>`.
    var tokenStart = -1
    var tokenTagEnd = -1
    /// The end tag being processed starts here; -1 outside end tags.
    var endTagStart = -1
    var attributes: [AttributeRecord] = []
    var exact = true
    /// What scope checks need of each open element, without touching nodes.
    private struct Open {
        let index: Int32
        let tag: Tag
        let namespace: Namespace

        @inline(__always)
        func isHTML(_ tag: Tag) -> Bool { return namespace == .html && self.tag == tag }
    }

    private var stack: [Open] = []
    /// The open `form` outside templates: browsers ignore a nested `<form>`,
    /// and `</form>` closes this one even when other elements are open in it.
    private var form: Int32 = -1
    /// A formatting element was closed by something other than its own end
    /// tag; a browser would reopen it before the next content.
    private var formattingLeftOpen = false
    /// What the top level holds so far: table parts and other elements do
    /// not mix there (see `htmlStartTag`).
    private var topLevelHasOtherElements = false
    private var topLevelHasTableParts = false
        /// The hash of the start tag being inserted (see `startTagToken`).
    var startTagHash: UInt64 = 0
    let hashSeed = Hash.seed
    let tagTable = Tag.lookupTable
    let classes = CharClass.table

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        count = input.count
        nodes.reserveCapacity(input.count / 16 + 8)
        attributes.reserveCapacity(input.count / 32 + 8)
    }

    // MARK: - Bytes

    @inline(__always)
    func pointer(_ span: Span) -> UnsafePointer<UInt8> {
        let start = Int(span.start)
        if start < count { return input.baseAddress! + start }
        return side.withUnsafeBufferPointer { $0.baseAddress! + (start - count) }
    }

    @inline(__always)
    func spansEqual(_ a: Span, _ b: Span) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        if Int(a.start) < count && Int(b.start) < count {
            let base = input.baseAddress!
            return memoryEqual(base + Int(a.start), base + Int(b.start), Int(a.count))
        }
        return side.withUnsafeBufferPointer { side in
            let base = input.baseAddress!
            func at(_ s: Span) -> UnsafePointer<UInt8> {
                let start = Int(s.start)
                return start < count ? base + start : side.baseAddress! + (start - count)
            }
            return memoryEqual(at(a), at(b), Int(a.count))
        }
    }

    @inline(__always)
    func spanEquals(_ a: Span, _ literal: StaticBytes) -> Bool {
        guard Int(a.count) == literal.count else { return false }
        return memoryEqual(pointer(a), literal.pointer, literal.count)
    }

    private var sideSpanStart: Int32 { Int32(count + side.count) }

    mutating func lowercasedName(_ start: Int, _ end: Int) -> Span {
        let span = Span(start: sideSpanStart, count: 0)
        for i in start..<end {
            let c = input[i]
            if c == ASCII.nul {
                side.append(contentsOf: replacementCharacter)
            } else {
                side.append(ASCII.lower(c))
            }
        }
        return Span(start: span.start, count: Int32(count + side.count) - span.start)
    }

    mutating func attributeValue(_ start: Int, _ end: Int) -> Span {
        var i = start
        while i < end {
            let c = input[i]
            if c == ASCII.ampersand || c == ASCII.cr || c == ASCII.nul { break }
            i += 1
        }
        if i == end { return Span(start: Int32(start), count: Int32(end - start)) }
        let first = sideSpanStart
        TextDecoder.decode(UnsafeBufferPointer(rebasing: input[start..<end]), mode: .attribute, into: &side)
        return Span(start: first, count: sideSpanStart - first)
    }

    // MARK: - Finishing

    /// Fills in subtree ends and hashes in one backward pass: every child
    /// comes after its parent, so a parent is complete when reached. An
    /// element's record holds the hash of its start tag until then.
    mutating func finish() {
        let seed = hashSeed
        let sourceCount = count
        let total = nodes.count
        let componentName = Hash.bytes(Names.component.pointer, Names.component.count, seed)
        own = [UInt64](repeating: 0, count: total)
        let children = UnsafeMutablePointer<ChildFold>.allocate(capacity: total)
        children.initialize(repeating: ChildFold(), count: total)
        defer { children.deallocate() }
        side.withUnsafeBufferPointer { sideBuffer in
            let sideBase = sideBuffer.baseAddress
            let base = input.baseAddress
            attributes.withUnsafeBufferPointer { attributes in
                own.withUnsafeMutableBufferPointer { ownHashes in
                nodes.withUnsafeMutableBufferPointer { nodes in
                    @inline(__always)
                    func hash(_ span: Span) -> UInt64 {
                        if span.count == 0 { return seed }
                        let start = Int(span.start)
                        let pointer = start < sourceCount ? base! + start : sideBase! + (start - sourceCount)
                        return Hash.bytes(pointer, Int(span.count), seed)
                    }
                    var i = total - 1
                    while i >= 0 {
                        let node = nodes[i]
                        var own: UInt64
                        switch node.kind {
                        case .text:
                            own = hash(node.text) ^ 0x51
                        case .comment:
                            own = hash(node.text) ^ 0xC3
                        case .element:
                            own = node.hash ^ (UInt64(node.namespace.rawValue) << 8)
                            if node.flags & NodeRecord.componentRoot != 0 {
                                // A nested component's root is owned by its
                                // own diffs: only which component it is counts.
                                own = hash(node.text) ^ 0xC0
                                var k = Int(node.firstAttribute)
                                let end = k + Int(node.attributeCount)
                                while k < end {
                                    let a = attributes[k]
                                    if a.name.count == 14 && hash(a.name) == componentName {
                                        own = Hash.combine(own, hash(a.value))
                                    }
                                    k += 1
                                }
                                children[i] = ChildFold()
                            }
                        }
                        ownHashes[i] = own
                        let value = Hash.combine(own, children[i].value)
                        nodes[i].hash = value
                        let parent = Int(node.parent)
                        if parent >= 0 {
                            children[parent].add(value)
                            if nodes[i].end > nodes[parent].end { nodes[parent].end = nodes[i].end }
                        }
                        i -= 1
                    }
                }
                }
            }
        }
    }

    // MARK: - Inserting nodes

    private var current: Int { return Int(stack.last?.index ?? 0) }

    @inline(__always)
    private func isHTML(_ index: Int, _ tag: Tag) -> Bool {
        let node = nodes[index]
        return node.kind == .element && node.namespace == .html && node.tag == tag
    }

    var isInForeignContent: Bool {
        guard let top = stack.last else { return false }
        return top.namespace != .html
    }

    mutating func markInexact() {
        exact = false
    }

    /// Table elements take only table parts; anything else a browser moves
    /// out in front of the table (foster parenting).
    @inline(__always)
    private var currentTakesOnlyTableParts: Bool {
        guard let node = stack.last, node.namespace == .html else { return false }
        switch node.tag {
        case .table, .tbody, .thead, .tfoot, .tr, .colgroup: return true
        default: return false
        }
    }

    mutating func insertText(from start: Int, to end: Int, decode: Bool, whitespace: Bool) {
        var span: Span
        if decode {
            let first = sideSpanStart
            TextDecoder.decode(UnsafeBufferPointer(rebasing: input[start..<end]), mode: .text, into: &side)
            span = Span(start: first, count: sideSpanStart - first)
            if span.count == 0 { return }
        } else {
            span = Span(start: Int32(start), count: Int32(end - start))
        }
        if formattingLeftOpen { markInexact() }
        if (currentTakesOnlyTableParts || (stack.isEmpty && topLevelHasTableParts))
            && !(whitespace || (decode && isWhitespace(span))) {
            markInexact()
        }
        let parent = current
        let last = nodes.count - 1
        if last > 0 && nodes[last].kind == .text && Int(nodes[last].parent) == parent {
            // Adjacent character tokens make one text node.
            let merged = nodes[last].text
            let first = sideSpanStart
            if Int(merged.start) + Int(merged.count) == count + side.count && Int(merged.start) >= count {
                appendToSide(span)
                nodes[last].text.count += span.count
            } else {
                appendToSide(merged)
                appendToSide(span)
                nodes[last].text = Span(start: first, count: sideSpanStart - first)
            }
            return
        }
        appendNode(NodeRecord(kind: .text, namespace: .html, tag: .other, flags: 0, parent: Int32(parent), end: 0,
                              text: span, firstAttribute: 0, attributeCount: 0, hash: 0))
    }

    private mutating func appendToSide(_ span: Span) {
        let start = Int(span.start)
        if start < count {
            side.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<(start + Int(span.count))]))
        } else {
            let from = start - count
            side.append(contentsOf: side[from..<(from + Int(span.count))])
        }
    }

    @inline(__always)
    private func isWhitespace(_ span: Span) -> Bool {
        let p = pointer(span)
        var i = 0
        let n = Int(span.count)
        while i < n && ASCII.isWhitespace(p[i]) { i += 1 }
        return i == n
    }

    mutating func insertComment(from start: Int, to end: Int) {
        var span = Span(start: Int32(start), count: Int32(end - start))
        var i = start
        while i < end && input[i] != ASCII.cr && input[i] != ASCII.nul { i += 1 }
        if i < end {
            let first = sideSpanStart
            TextDecoder.decode(UnsafeBufferPointer(rebasing: input[start..<end]), mode: .raw, into: &side)
            span = Span(start: first, count: sideSpanStart - first)
        }
        if !Serializer.canWriteComment(pointer(span), Int(span.count)) { markInexact() }
        appendNode(NodeRecord(kind: .comment, namespace: .html, tag: .other, flags: 0, parent: Int32(current), end: 0,
                              text: span, firstAttribute: 0, attributeCount: 0, hash: 0))
    }

    @inline(__always)
    private mutating func appendNode(_ record: NodeRecord) {
        var record = record
        record.end = Int32(nodes.count + 1)
        nodes.append(record)
        ranges.append(.none)
    }

    @discardableResult
    private mutating func insertElement(name: Span, tag: Tag, namespace: Namespace, firstAttribute: Int,
                                        open: Bool, hash: UInt64? = nil) -> Int {
        // Checked here too, as closing tags before an insertion (a second
        // <button>, a <p> closing a paragraph) can leave one behind.
        if formattingLeftOpen { markInexact() }
        let index = nodes.count
        var flags: UInt8 = 0
        let attributeCount = attributes.count - firstAttribute
        if attributeCount > 0 {
            let component = Names.component
            var k = firstAttribute
            while k < attributes.count {
                let name = attributes[k].name
                if Int(name.count) == component.count && spanEquals(name, component) {
                    flags |= NodeRecord.componentRoot
                }
                k += 1
            }
        }
        appendNode(NodeRecord(kind: .element, namespace: namespace, tag: tag, flags: flags, parent: Int32(current),
                              end: 0, text: name, firstAttribute: Int32(firstAttribute),
                              attributeCount: Int32(attributeCount), hash: hash ?? startTagHash))
        // Elements of a start tag (not implied ones) know where their tag is.
        if hash == nil && tokenStart >= 0 { ranges[index] = SourceRange(start: Int32(tokenStart), tagEnd: Int32(tokenTagEnd)) }
        if open && stack.count < Parser.maxDepth {
            stack.append(Open(index: Int32(index), tag: tag, namespace: namespace))
        }
        return index
    }

    private mutating func insertImplied(_ tag: Tag, open: Bool = true) {
        let first = sideSpanStart
        side.append(contentsOf: tag.name.utf8)
        insertElement(name: Span(start: first, count: sideSpanStart - first), tag: tag, namespace: .html,
                      firstAttribute: attributes.count, open: open, hash: hashSeed &+ UInt64(tag.rawValue))
    }

    // MARK: - Popping

    /// Every pop goes through here so formatting elements closed by
    /// something other than their own end tag are noticed.
    /// Closing a cell, caption, template, applet, object or marquee forgets
    /// the formatting elements opened inside it, so those are not reopened.
    private mutating func pop(to newCount: Int, byEndTagOf closing: Tag? = nil) {
        if endTagStart >= 0, let closing, newCount < stack.count, stack[newCount].isHTML(closing) {
            // Closed by its own end tag: its content ends where that tag starts.
            let index = Int(stack[newCount].index)
            ranges[index].close = Int32(endTagStart)
            ranges[index].end = Int32(position)
        }
        var k = newCount
        while k < stack.count {
            let node = stack[k]
            if node.namespace == .html {
                switch node.tag {
                case .td, .th, .caption, .template, .applet, .object, .marquee:
                    while stack.count > newCount { stack.removeLast() }
                    return
                default:
                    if node.tag.isFormatting && !(k == newCount && closing == node.tag) {
                        formattingLeftOpen = true
                    }
                }
            }
            k += 1
        }
        while stack.count > newCount { stack.removeLast() }
    }

    // MARK: - Start tags

    mutating func startTag(name: Span, tag: Tag, firstAttribute: Int, selfClosing: Bool) {
        guard let top = stack.last, top.namespace != .html else {
            return htmlStartTag(name: name, tag: tag, firstAttribute: firstAttribute, selfClosing: selfClosing)
        }
        let topIndex = Int(top.index)
        if startTagUsesHTMLRules(in: topIndex, tag: tag) {
            return htmlStartTag(name: name, tag: tag, firstAttribute: firstAttribute, selfClosing: selfClosing)
        }
        if tag.breaksOutOfForeignContent || (tag == .font && hasFontBreakout(firstAttribute)) {
            var k = stack.count
            while k > 0 && stack[k - 1].namespace != .html && !isIntegrationPoint(Int(stack[k - 1].index)) {
                k -= 1
            }
            stack.removeSubrange(k...)
            return htmlStartTag(name: name, tag: tag, firstAttribute: firstAttribute, selfClosing: selfClosing)
        }
        insertElement(name: name, tag: tag, namespace: nodes[topIndex].namespace, firstAttribute: firstAttribute,
                      open: !selfClosing)
    }

    @inline(__always)
    private func hasFontBreakout(_ firstAttribute: Int) -> Bool {
        var k = firstAttribute
        while k < attributes.count {
            let name = attributes[k].name
            if spanEquals(name, Names.color) || spanEquals(name, Names.face) || spanEquals(name, Names.size) {
                return true
            }
            k += 1
        }
        return false
    }

    @inline(__always)
    private func startTagUsesHTMLRules(in index: Int, tag: Tag) -> Bool {
        let node = nodes[index]
        if node.namespace == .mathml {
            switch node.tag {
            case .mi, .mo, .mn, .ms, .mtext:
                return tag != .mglyph && tag != .malignmark
            case .annotationXML:
                return tag == .svg || isHTMLAnnotation(index)
            default:
                return false
            }
        }
        return isIntegrationPoint(index)
    }

    private func isIntegrationPoint(_ index: Int) -> Bool {
        let node = nodes[index]
        switch node.namespace {
        case .html:
            return false
        case .svg:
            return node.tag == .foreignobject || node.tag == .desc || node.tag == .title
        case .mathml:
            switch node.tag {
            case .mi, .mo, .mn, .ms, .mtext: return true
            case .annotationXML: return isHTMLAnnotation(index)
            default: return false
            }
        }
    }

    private func isHTMLAnnotation(_ index: Int) -> Bool {
        let node = nodes[index]
        var k = Int(node.firstAttribute)
        let end = k + Int(node.attributeCount)
        while k < end {
            if spanEquals(attributes[k].name, Names.encoding) {
                let value = attributes[k].value
                let p = pointer(value)
                let lowered = String(decoding: (0..<Int(value.count)).map { ASCII.lower(p[$0]) }, as: UTF8.self)
                return lowered == "text/html" || lowered == "application/xhtml+xml"
            }
            k += 1
        }
        return false
    }

    private func isTableStartTagAllowed(_ tag: Tag, firstAttribute: Int) -> Bool {
        if stack.last?.tag == .colgroup { return tag == .col || tag == .template }
        switch tag {
        case .caption, .colgroup, .col, .tbody, .thead, .tfoot, .tr, .td, .th, .script, .style, .template:
            return true
        case .input:
            var k = firstAttribute
            while k < attributes.count {
                if spanEquals(attributes[k].name, Names.type) {
                    let value = attributes[k].value
                    let p = pointer(value)
                    return value.count == 6 && (0..<6).allSatisfy { ASCII.lower(p[$0]) == Names.hidden.pointer[$0] }
                }
                k += 1
            }
            return false
        default:
            return false
        }
    }

    private mutating func htmlStartTag(name: Span, tag: Tag, firstAttribute: Int, selfClosing: Bool) {
        var name = name
        var tag = tag
        if tag == .image {
            let first = sideSpanStart
            side.append(contentsOf: [UInt8(ascii: "i"), UInt8(ascii: "m"), UInt8(ascii: "g")])
            name = Span(start: first, count: 3)
            tag = .img
        }
        if currentTakesOnlyTableParts && !isTableStartTagAllowed(tag, firstAttribute: firstAttribute) {
            markInexact()
        }
        if tag.isTablePart && lastIndex(where: { $0.isTablePart || $0 == .table || $0 == .template }) == nil {
            if !stack.isEmpty {
                // Outside any table a browser ignores table parts.
                attributes.removeSubrange(firstAttribute...)
                return
            }
            // At the top, as in the template a browser parses patch markup
            // in: rows and cells work when nothing else is at the top.
            if topLevelHasOtherElements || tag == .caption || tag == .col || tag == .colgroup { markInexact() }
            topLevelHasTableParts = true
        } else if stack.isEmpty {
            if topLevelHasTableParts { markInexact() }
            topLevelHasOtherElements = true
        }
        if tag == .form && form >= 0 && !hasOpenTemplate {
            // Ignored here, but kept where a browser parses patch markup
            // (in a template): the two disagree.
            markInexact()
            attributes.removeSubrange(firstAttribute...)
            return
        }
        if tag.closesParagraph {
            closeParagraphInButtonScope()
        }
        switch tag {
        case .html, .body, .head, .frameset, .frame:
            attributes.removeSubrange(firstAttribute...)
            return
        case .plaintext:
            // Its content runs to the end of input, past any end tag, so
            // no markup can follow it in a patch.
            markInexact()
        case .noscript:
            // Parsed as markup or as raw text depending on whether scripting
            // is on where the browser parses it.
            markInexact()
        case .h1, .h2, .h3, .h4, .h5, .h6:
            if let top = stack.last, top.namespace == .html, top.tag.isHeading {
                pop(to: stack.count - 1)
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
            closeOpenFormatting(.a)
        case .nobr:
            if hasInScope(.nobr, scope: .normal) { closeOpenFormatting(.nobr) }
        // Inside a select (parsed as in current browsers, which keep other
        // elements in it), options and rules close what is open in the
        // current option, and form controls close the select.
        case .option:
            if hasInScope(.select, scope: .normal) {
                popImpliedEndTags(except: .optgroup)
            } else if stack.last?.isHTML(.option) == true {
                pop(to: stack.count - 1)
            }
        case .optgroup:
            if hasInScope(.select, scope: .normal) {
                popImpliedEndTags(except: nil)
            } else if stack.last?.isHTML(.option) == true {
                pop(to: stack.count - 1)
            }
        case .hr:
            if hasInScope(.select, scope: .normal) { popImpliedEndTags(except: nil) }
        case .input, .keygen:
            if hasInScope(.select, scope: .normal) { popUntil(.select) }
        case .select:
            if hasInScope(.select, scope: .normal) {
                popUntil(.select)
                attributes.removeSubrange(firstAttribute...)
                return
            }
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
            if stack.last?.isHTML(.table) == true {
                insertImplied(.colgroup)
            }
        case .svg, .math:
            insertElement(name: name, tag: tag, namespace: tag == .svg ? .svg : .mathml,
                          firstAttribute: firstAttribute, open: !selfClosing)
            return
        default:
            break
        }

        if tag.isVoid {
            insertElement(name: name, tag: tag, namespace: .html, firstAttribute: firstAttribute, open: false)
        } else if tag.isRawText {
            if tag == .textarea { skipLeadingNewline() }
            let element = insertElement(name: name, tag: tag, namespace: .html, firstAttribute: firstAttribute,
                                        open: false)
            let (start, end) = rawText(until: name, toEnd: tag == .plaintext)
            if tag == .script && mayBeDoubleEscaped(start, end) {
                // `<!--` then `<script` in a script make a browser read past
                // the first `</script>`; not modelled.
                markInexact()
            }
            if start < end {
                let mode: TextDecoder.Mode = tag == .textarea || tag == .title ? .escapable : .raw
                var span = Span(start: Int32(start), count: Int32(end - start))
                var i = start
                while i < end && input[i] != ASCII.cr && input[i] != ASCII.nul
                        && (mode == .raw || input[i] != ASCII.ampersand) {
                    i += 1
                }
                if i < end {
                    let first = sideSpanStart
                    TextDecoder.decode(UnsafeBufferPointer(rebasing: input[start..<end]), mode: mode, into: &side)
                    span = Span(start: first, count: sideSpanStart - first)
                }
                if span.count > 0 {
                    appendNode(NodeRecord(kind: .text, namespace: .html, tag: .other, flags: 0,
                                          parent: Int32(element), end: 0, text: span, firstAttribute: 0,
                                          attributeCount: 0, hash: 0))
                }
            }
        } else {
            let element = insertElement(name: name, tag: tag, namespace: .html, firstAttribute: firstAttribute,
                                        open: true)
            if tag == .pre || tag == .listing { skipLeadingNewline() }
            if tag == .form && !hasOpenTemplate { form = Int32(element) }
        }
    }

    private func mayBeDoubleEscaped(_ start: Int, _ end: Int) -> Bool {
        var i = start
        var escaped = false
        while i + 3 < end {
            if input[i] == ASCII.lt {
                if input[i + 1] == ASCII.bang && input[i + 2] == ASCII.dash && input[i + 3] == ASCII.dash {
                    escaped = true
                } else if escaped && matchesScript(at: i + 1, end) {
                    return true
                }
            }
            i += 1
        }
        return false
    }

    private func matchesScript(at index: Int, _ end: Int) -> Bool {
        let word: StaticString = "script"
        guard index + 6 < end else { return index + 6 == end && (0..<6).allSatisfy { ASCII.lower(input[index + $0]) == word.utf8Start[$0] } }
        for k in 0..<6 where ASCII.lower(input[index + k]) != word.utf8Start[k] { return false }
        let c = input[index + 6]
        return ASCII.isWhitespace(c) || c == ASCII.slash || c == ASCII.gt
    }

    private var hasOpenTemplate: Bool {
        return stack.contains { $0.isHTML(.template) }
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
                pop(to: index)
                return
            }
            if isSpecial(node) && !(node.namespace == .html
                                    && (node.tag == .address || node.tag == .div || node.tag == .p)) {
                return
            }
            index -= 1
        }
    }

    /// A new `<a>` (or `<nobr>`) while one is open runs the adoption agency
    /// in browsers; when the open one is the current node that is just
    /// closing it, otherwise the tree is rearranged in ways not modelled.
    private mutating func closeOpenFormatting(_ tag: Tag) {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html {
                if node.tag == tag {
                    if index != stack.count - 1 { markInexact() }
                    pop(to: index, byEndTagOf: tag)
                    return
                }
                switch node.tag {
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
        if let index = lastIndex(where: { $0 == .table || $0 == .template }), stack[index].isHTML(.table) {
            pop(to: index + 1)
        }
    }

    /// A row goes into the nearest table section, which is implied when the
    /// row sits directly in a table.
    private mutating func clearToTableBody() {
        guard let index = lastIndex(where: { $0.isTableSection || $0 == .table || $0 == .template }) else {
            return
        }
        pop(to: index + 1)
        if stack[index].isHTML(.table) {
            insertImplied(.tbody)
        }
    }

    /// A cell goes into the nearest row, implied (with its section) when
    /// missing.
    private mutating func clearToTableRow() {
        guard let index = lastIndex(where: { $0 == .tr || $0.isTableSection || $0 == .table || $0 == .template }) else {
            return
        }
        pop(to: index + 1)
        switch stack[index].tag {
        case .table:
            insertImplied(.tbody)
            insertImplied(.tr)
        case .tbody, .thead, .tfoot:
            insertImplied(.tr)
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

    mutating func endTag(name: Span, tag: Tag) {
        if let top = stack.last, top.namespace != .html {
            return foreignEndTag(name: name, tag: tag)
        }
        htmlEndTag(name: name, tag: tag)
    }

    private mutating func foreignEndTag(name: Span, tag: Tag) {
        if tag == .br || tag == .p {
            var k = stack.count
            while k > 0 && stack[k - 1].namespace != .html && !isIntegrationPoint(Int(stack[k - 1].index)) {
                k -= 1
            }
            stack.removeSubrange(k...)
            return htmlEndTag(name: name, tag: tag)
        }
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html {
                return htmlEndTag(name: name, tag: tag)
            }
            if spansEqual(nodes[Int(node.index)].text, name) {
                pop(to: index)
                return
            }
            index -= 1
        }
    }

    private mutating func htmlEndTag(name: Span, tag: Tag) {
        switch tag {
        case .html, .body:
            return
        case .p:
            if hasInScope(.p, scope: .button) {
                popUntil(.p)
            } else {
                // A stray </p> makes an empty paragraph in browsers.
                if formattingLeftOpen { markInexact() }
                insertImplied(.p, open: false)
            }
        case .br:
            if formattingLeftOpen { markInexact() }
            insertImplied(.br, open: false)
        case .li:
            if hasInScope(.li, scope: .listItem) { popUntil(.li) }
        case .dd, .dt:
            if hasInScope(tag, scope: .normal) { popUntil(tag) }
        case .h1, .h2, .h3, .h4, .h5, .h6:
            if let index = indexInScope(scope: .normal, matching: { $0.isHeading }) {
                pop(to: index)
            }
        case .form where !hasOpenTemplate:
            let node = form
            form = -1
            guard node >= 0, isInScope(node) else { return }
            popImpliedEndTags(except: nil)
            if let index = stack.lastIndex(where: { $0.index == node }) {
                if index != stack.count - 1 {
                    // Removing an element from the middle of the stack
                    // leaves what follows open in it; browsers agree, but
                    // formatting elements among them are reopened later.
                    for k in (index + 1)..<stack.count where stack[k].tag.isFormatting {
                        formattingLeftOpen = true
                    }
                }
                stack.remove(at: index)
            }
        case .table, .tbody, .thead, .tfoot, .tr, .td, .th, .caption, .colgroup:
            if hasInScope(tag, scope: .table) { popUntil(tag) }
        default:
            if tag != .other && tag.isSpecialHTML && !tag.isFormatting {
                if hasInScope(tag, scope: .normal) { popUntil(tag) }
            } else {
                anyOtherEndTag(name: name, tag: tag)
            }
        }
    }

    /// Closes the nearest open element with this name, unless a special
    /// element is open above it.
    private mutating func anyOtherEndTag(name: Span, tag: Tag) {
        var index = stack.count - 1
        while index >= 0 {
            let node = stack[index]
            if node.namespace == .html
                && (tag != .other ? node.tag == tag : node.tag == .other && spansEqual(nodes[Int(node.index)].text, name)) {
                if tag.isFormatting && index != stack.count - 1 {
                    // The adoption agency.
                    markInexact()
                }
                pop(to: index, byEndTagOf: tag)
                return
            }
            if isSpecial(node) { return }
            index -= 1
        }
    }

    private mutating func popUntil(_ tag: Tag) {
        var k = stack.count - 1
        while k >= 0 {
            let node = stack[k]
            if node.namespace == .html && node.tag == tag {
                pop(to: k, byEndTagOf: tag)
                return
            }
            k -= 1
        }
        pop(to: 0)
    }

    private mutating func popImpliedEndTags(except exception: Tag?) {
        var k = stack.count
        while k > 0 {
            let node = stack[k - 1]
            guard node.namespace == .html, node.tag.hasImpliedEndTag, node.tag != exception else { break }
            k -= 1
        }
        pop(to: k)
    }

    // MARK: - Scopes

    private enum Scope {
        case normal, listItem, button, table
    }

    private func isInScope(_ element: Int32) -> Bool {
        var index = stack.count - 1
        while index >= 0 {
            if stack[index].index == element { return true }
            if isScopeBoundary(stack[index], .normal) { return false }
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

    private func isScopeBoundary(_ node: Open, _ scope: Scope) -> Bool {
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

    private func isSpecial(_ node: Open) -> Bool {
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

let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
