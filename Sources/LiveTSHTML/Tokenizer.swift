/// The tokenizer half of `Parser`: it scans the input in place and hands
/// each token straight to the tree builder, so no token, name or attribute
/// list is allocated on the way. It follows the HTML standard's tokenizer
/// states closely enough that the resulting nodes match a browser's for
/// anything a template renders, and degrades to *some* tree for garbage.
///
/// Every path through `run()` advances `position`, so no input can make the
/// parser loop.
extension Parser {
    mutating func run() {
        while position < count {
            let byte = input[position]
            if byte == ASCII.nul {
                // Browsers drop NUL characters in body text.
                position += 1
                continue
            }
            if byte == ASCII.lt && startsMarkup(at: position) {
                markup()
            } else {
                text()
            }
        }
    }

    private mutating func text() {
        let start = position
        let p = input.baseAddress!
        let n = count
        let classes = self.classes
        var i = start + 1
        var special = p[start] == ASCII.ampersand || p[start] == ASCII.cr
        var seen = classes[Int(p[start])]
        // A local index keeps the scan in registers.
        while i < n {
            let c = p[i]
            let k = classes[Int(c)]
            if k & CharClass.textSpecial != 0 {
                if c == ASCII.lt {
                    if startsMarkup(at: i) { break }
                } else if c == ASCII.nul {
                    break
                } else {
                    special = true
                }
            }
            seen &= k
            i += 1
        }
        position = i
        insertText(from: start, to: i, decode: special, whitespace: seen & CharClass.whitespace != 0)
    }

    /// Whether the `<` at `index` opens a tag, comment or declaration rather
    /// than being a literal character.
    @inline(__always)
    private func startsMarkup(at index: Int) -> Bool {
        guard index + 1 < count else { return false }
        let c = input[index + 1]
        if ASCII.isAlpha(c) || c == ASCII.bang || c == ASCII.question { return true }
        // `</` right before the end of input is literal text.
        return c == ASCII.slash && index + 2 < count
    }

    private mutating func markup() {
        let c = input[position + 1]
        if ASCII.isAlpha(c) { return startTagToken() }
        if c == ASCII.bang { return markupDeclaration() }
        if c == ASCII.question { return bogusComment(from: position + 1) }
        // `</`: startsMarkup guaranteed one more byte.
        let d = input[position + 2]
        if ASCII.isAlpha(d) { return endTagToken() }
        if d == ASCII.gt {
            position += 3
            return
        }
        bogusComment(from: position + 2)
    }

    private mutating func startTagToken() {
        let tagStart = position
        guard let name = tagName(from: position + 1) else { return }
        let first = attributes.count
        guard let selfClosing = attributeList(keep: true) else {
            attributes.removeSubrange(first...)
            return
        }
        // Equal start tags make equal elements (name and attributes), so
        // one hash over the raw tag stands for both.
        startTagHash = Hash.bytes(input.baseAddress! + tagStart, position - tagStart, hashSeed)
        tokenStart = tagStart
        tokenTagEnd = position
        startTag(name: name.span, tag: name.tag, firstAttribute: first, selfClosing: selfClosing)
        tokenStart = -1
    }

    private mutating func endTagToken() {
        let tagStart = position
        guard let name = tagName(from: position + 2) else { return }
        guard attributeList(keep: false) != nil else { return }
        endTagStart = tagStart
        endTag(name: name.span, tag: name.tag)
        endTagStart = -1
    }

    /// Reads a tag name starting at `start`; nil (and input consumed) when the
    /// input ends inside the tag, which browsers drop.
    private mutating func tagName(from start: Int) -> (span: Span, tag: Tag)? {
        var i = start
        let count = self.count
        let p = input.baseAddress!
        let classes = self.classes
        var lowering: UInt8 = 0
        while i < count {
            let k = classes[Int(p[i])]
            if k & CharClass.endsTagName != 0 { break }
            lowering |= k
            i += 1
        }
        position = i
        if i >= count { return nil }
        let plain = lowering & CharClass.lowering == 0
        if plain && start + 16 <= count {
            return (Span(start: Int32(start), count: Int32(i - start)),
                    Tag.lookup(wide: input.baseAddress! + start, count: i - start, in: tagTable))
        }
        let span = plain ? Span(start: Int32(start), count: Int32(i - start)) : lowercasedName(start, i)
        return (span, Tag.lookup(pointer(span), count: Int(span.count), in: tagTable))
    }

    /// Reads attributes up to and including the closing `>`. Returns whether
    /// the tag was self-closing, or nil when the input ends inside the tag.
    /// Scans with a local index and the character class table: this loop
    /// sees most of the bytes of a page.
    private mutating func attributeList(keep: Bool) -> Bool? {
        let first = attributes.count
        let count = self.count
        let p = input.baseAddress!
        let classes = self.classes
        var i = position
        defer { position = i }
        while true {
            while i < count && classes[Int(p[i])] & CharClass.whitespace != 0 { i += 1 }
            if i >= count { return nil }
            let c = p[i]
            if c == ASCII.gt {
                i += 1
                return false
            }
            if c == ASCII.slash {
                if i + 1 < count && p[i + 1] == ASCII.gt {
                    i += 2
                    return true
                }
                i += 1
                continue
            }
            // The first character is always part of the name, even `=`.
            let nameStart = i
            var lowering = classes[Int(c)] & CharClass.lowering
            i += 1
            while i < count {
                let k = classes[Int(p[i])]
                if k & CharClass.endsAttributeName != 0 { break }
                lowering |= k
                i += 1
            }
            let nameEnd = i
            while i < count && classes[Int(p[i])] & CharClass.whitespace != 0 { i += 1 }
            var valueStart = i
            var valueEnd = i
            var special: UInt8 = 0
            if i < count && p[i] == ASCII.equals {
                i += 1
                while i < count && classes[Int(p[i])] & CharClass.whitespace != 0 { i += 1 }
                if i >= count { return nil }
                let q = p[i]
                if q == ASCII.doubleQuote || q == ASCII.singleQuote {
                    var end = i + 1
                    while end < count && p[end] != q {
                        special |= classes[Int(p[end])]
                        end += 1
                    }
                    if end >= count {
                        i = count
                        return nil
                    }
                    valueStart = i + 1
                    valueEnd = end
                    i = end + 1
                } else if q != ASCII.gt {
                    valueStart = i
                    while i < count {
                        let k = classes[Int(p[i])]
                        if k & CharClass.endsUnquotedValue != 0 { break }
                        special |= k
                        i += 1
                    }
                    valueEnd = i
                }
            }
            guard keep else { continue }
            let name = lowering & CharClass.lowering == 0
                ? Span(start: Int32(nameStart), count: Int32(nameEnd - nameStart))
                : lowercasedName(nameStart, nameEnd)
            // First occurrence wins.
            if isDuplicate(name, since: first) { continue }
            let value = special & CharClass.decodedInValue == 0
                ? Span(start: Int32(valueStart), count: Int32(valueEnd - valueStart))
                : attributeValue(valueStart, valueEnd)
            attributes.append(AttributeRecord(name: name, value: value))
        }
    }

    private func isDuplicate(_ name: Span, since first: Int) -> Bool {
        let count = attributes.count - first
        if count == 0 { return false }
        if count > 64 {
            // Pathological attribute counts: quadratic scanning would let one
            // tag cost seconds.
            return duplicateInLargeList(name, since: first)
        }
        var k = first
        while k < attributes.count {
            if spansEqual(attributes[k].name, name) { return true }
            k += 1
        }
        return false
    }

    private func duplicateInLargeList(_ name: Span, since first: Int) -> Bool {
        let h = Hash.bytes(pointer(name), Int(name.count), 0)
        var k = first
        while k < attributes.count {
            let other = attributes[k].name
            if other.count == name.count && Hash.bytes(pointer(other), Int(other.count), 0) == h
                && spansEqual(other, name) {
                return true
            }
            k += 1
        }
        return false
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        var i = position
        let count = self.count
        let input = self.input
        while i < count && ASCII.isWhitespace(input[i]) { i += 1 }
        position = i
    }

    private mutating func markupDeclaration() {
        let p = position + 2
        if p + 1 < count && input[p] == ASCII.dash && input[p + 1] == ASCII.dash {
            return comment(from: p + 2)
        }
        if matchesIgnoringCase(at: p, lowercase: "doctype") {
            var i = p
            while i < count && input[i] != ASCII.gt { i += 1 }
            position = min(i + 1, count)
            return
        }
        if matches(at: p, "[CDATA[") && isInForeignContent {
            // Text in SVG and MathML; not modelled.
            markInexact()
        }
        bogusComment(from: p)
    }

    private mutating func bogusComment(from start: Int) {
        var i = start
        while i < count && input[i] != ASCII.gt { i += 1 }
        position = min(i + 1, count)
        insertComment(from: start, to: i)
    }

    /// `start` is just past `<!--`. The comment ends at the first `-->` or
    /// `--!>`; `<!-->` and `<!--->` are empty comments.
    private mutating func comment(from start: Int) {
        if start < count && input[start] == ASCII.gt {
            position = start + 1
            return insertComment(from: start, to: start)
        }
        if start + 1 < count && input[start] == ASCII.dash && input[start + 1] == ASCII.gt {
            position = start + 2
            return insertComment(from: start, to: start)
        }
        var i = start
        while i + 2 < count {
            if input[i] == ASCII.dash && input[i + 1] == ASCII.dash {
                if input[i + 2] == ASCII.gt {
                    position = i + 3
                    return insertComment(from: start, to: i)
                }
                if input[i + 2] == ASCII.bang && i + 3 < count && input[i + 3] == ASCII.gt {
                    position = i + 4
                    return insertComment(from: start, to: i)
                }
            }
            i += 1
        }
        // Unterminated: the data runs to the end, minus the dashes of a
        // closing sequence that was cut off.
        var end = count
        if end - start >= 3 && input[end - 3] == ASCII.dash && input[end - 2] == ASCII.dash
            && input[end - 1] == ASCII.bang {
            end -= 3
        } else if end - start >= 2 && input[end - 2] == ASCII.dash && input[end - 1] == ASCII.dash {
            end -= 2
        } else if end - start >= 1 && input[end - 1] == ASCII.dash {
            end -= 1
        }
        position = count
        insertComment(from: min(start, end), to: end)
    }

    private func matchesIgnoringCase(at index: Int, lowercase word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard index + length <= count else { return false }
        let w = word.utf8Start
        for k in 0..<length where ASCII.lower(input[index + k]) != w[k] {
            return false
        }
        return true
    }

    private func matches(at index: Int, _ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard index + length <= count else { return false }
        let w = word.utf8Start
        for k in 0..<length where input[index + k] != w[k] {
            return false
        }
        return true
    }

    /// Reads the content of a raw-text element up to its end tag, which is
    /// consumed. Only `</name` followed by whitespace, `/` or `>` ends it, as
    /// in browsers; without one the content runs to the end of input.
    mutating func rawText(until name: Span, toEnd: Bool) -> (start: Int, end: Int) {
        let start = position
        let nameLength = Int(name.count)
        let namePointer = pointer(name)
        var i = start
        while !toEnd && i + 2 < count {
            if input[i] == ASCII.lt && input[i + 1] == ASCII.slash && i + 2 + nameLength < count {
                var k = 0
                while k < nameLength && ASCII.lower(input[i + 2 + k]) == namePointer[k] { k += 1 }
                if k == nameLength {
                    let c = input[i + 2 + nameLength]
                    if ASCII.isWhitespace(c) || c == ASCII.slash || c == ASCII.gt {
                        position = i + 2
                        _ = tagName(from: i + 2)
                        if attributeList(keep: false) == nil { position = count }
                        return (start, i)
                    }
                }
            }
            i += 1
        }
        position = count
        return (start, count)
    }

    /// Browsers drop one newline right after `<pre>`, `<listing>` and
    /// `<textarea>`.
    mutating func skipLeadingNewline() {
        guard position < count else { return }
        if input[position] == ASCII.lf {
            position += 1
        } else if input[position] == ASCII.cr {
            position += 1
            if position < count && input[position] == ASCII.lf { position += 1 }
        }
    }
}

/// Byte classes for the tokenizer's scanning loops: one table load per byte
/// instead of a chain of comparisons.
enum CharClass {
    static let whitespace: UInt8 = 1
    static let endsTagName: UInt8 = 2
    static let endsAttributeName: UInt8 = 4
    /// Uppercase ASCII and NUL: a name with one is rewritten.
    static let lowering: UInt8 = 8
    static let endsUnquotedValue: UInt8 = 16
    /// `&`, CR and NUL: an attribute value with one is decoded.
    static let decodedInValue: UInt8 = 32
    /// NUL, CR, `&` and `<`: a text run stops to look at them.
    static let textSpecial: UInt8 = 64

    static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        for c in 0..<256 {
            let b = UInt8(c)
            var k: UInt8 = 0
            if ASCII.isWhitespace(b) { k |= whitespace | endsTagName | endsAttributeName | endsUnquotedValue }
            if b == ASCII.slash || b == ASCII.gt { k |= endsTagName | endsAttributeName }
            if b == ASCII.gt { k |= endsUnquotedValue }
            if b == ASCII.equals { k |= endsAttributeName }
            if ASCII.isUpper(b) || b == ASCII.nul { k |= lowering }
            if b == ASCII.ampersand || b == ASCII.cr || b == ASCII.nul { k |= decodedInValue }
            if b == ASCII.nul || b == ASCII.cr || b == ASCII.ampersand || b == ASCII.lt { k |= textSpecial }
            table[c] = k
        }
        return UnsafePointer(table)
    }()
}
