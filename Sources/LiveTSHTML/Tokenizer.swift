enum Token {
    case text(ArraySlice<UInt8>)
    case startTag(name: ArraySlice<UInt8>, attributes: [Attribute], selfClosing: Bool)
    case endTag(name: ArraySlice<UInt8>)
    case comment(ArraySlice<UInt8>)
    /// A token that produces no node: a DOCTYPE or `</>`.
    case ignored
    case eof
}

/// Splits UTF-8 bytes into tokens following the HTML standard's tokenizer
/// states closely enough that the resulting nodes match a browser's for
/// anything a template renders, and degrade to *some* tree for garbage.
///
/// Every path through `next()` either advances `position` or returns `.eof`,
/// so no input can make the parser loop.
struct Tokenizer {
    let source: [UInt8]
    private(set) var position: Int = 0

    init(_ source: [UInt8]) {
        self.source = source
    }

    mutating func next() -> Token {
        let n = source.count
        while position < n {
            let byte = source[position]
            if byte == ASCII.nul {
                // Browsers drop NUL characters in body text.
                position += 1
                continue
            }
            if byte == ASCII.lt && startsMarkup(at: position) {
                return markup()
            }
            let start = position
            position += 1
            while position < n {
                let c = source[position]
                if c == ASCII.nul || (c == ASCII.lt && startsMarkup(at: position)) { break }
                position += 1
            }
            return .text(source[start..<position])
        }
        return .eof
    }

    /// Whether the `<` at `index` opens a tag, comment or declaration rather
    /// than being a literal character.
    private func startsMarkup(at index: Int) -> Bool {
        let n = source.count
        guard index + 1 < n else { return false }
        let c = source[index + 1]
        if ASCII.isAlpha(c) || c == ASCII.bang || c == ASCII.question { return true }
        // `</` right before the end of input is literal text.
        return c == ASCII.slash && index + 2 < n
    }

    private mutating func markup() -> Token {
        let c = source[position + 1]
        if ASCII.isAlpha(c) { return startTag() }
        if c == ASCII.bang { return markupDeclaration() }
        if c == ASCII.question { return bogusComment(from: position + 1) }
        // `</`: startsMarkup guaranteed one more byte.
        let d = source[position + 2]
        if ASCII.isAlpha(d) { return endTag() }
        if d == ASCII.gt {
            position += 3
            return .ignored
        }
        return bogusComment(from: position + 2)
    }

    private mutating func startTag() -> Token {
        guard let name = tagName(from: position + 1) else { return .eof }
        var attributes: [Attribute] = []
        guard let selfClosing = attributeList(into: &attributes, keep: true) else { return .eof }
        return .startTag(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    private mutating func endTag() -> Token {
        guard let name = tagName(from: position + 2) else { return .eof }
        var unused: [Attribute] = []
        guard attributeList(into: &unused, keep: false) != nil else { return .eof }
        return .endTag(name: name)
    }

    /// Reads a tag name starting at `start`; nil (and input consumed) when the
    /// input ends inside the tag, which browsers drop.
    private mutating func tagName(from start: Int) -> ArraySlice<UInt8>? {
        let n = source.count
        var i = start
        while i < n {
            let c = source[i]
            if ASCII.isWhitespace(c) || c == ASCII.slash || c == ASCII.gt { break }
            i += 1
        }
        position = i
        if i >= n { return nil }
        return ASCII.lowercased(source[start..<i])
    }

    /// Reads attributes up to and including the closing `>`. Returns whether
    /// the tag was self-closing, or nil when the input ends inside the tag.
    private mutating func attributeList(into attributes: inout [Attribute], keep: Bool) -> Bool? {
        let n = source.count
        var seen: Set<ArraySlice<UInt8>>? = nil
        while true {
            skipWhitespace()
            if position >= n {
                return nil
            }
            let c = source[position]
            if c == ASCII.gt {
                position += 1
                return false
            }
            if c == ASCII.slash {
                if position + 1 < n && source[position + 1] == ASCII.gt {
                    position += 2
                    return true
                }
                position += 1
                continue
            }
            // The first character is always part of the name, even `=`.
            let nameStart = position
            position += 1
            while position < n {
                let d = source[position]
                if ASCII.isWhitespace(d) || d == ASCII.slash || d == ASCII.gt || d == ASCII.equals { break }
                position += 1
            }
            let nameEnd = position
            skipWhitespace()
            var value: ArraySlice<UInt8> = []
            if position < n && source[position] == ASCII.equals {
                position += 1
                skipWhitespace()
                if position >= n { return nil }
                let q = source[position]
                if q == ASCII.doubleQuote || q == ASCII.singleQuote {
                    var end = position + 1
                    while end < n && source[end] != q { end += 1 }
                    if end >= n {
                        position = n
                        return nil
                    }
                    value = source[(position + 1)..<end]
                    position = end + 1
                } else if q != ASCII.gt {
                    let start = position
                    while position < n {
                        let d = source[position]
                        if ASCII.isWhitespace(d) || d == ASCII.gt { break }
                        position += 1
                    }
                    value = source[start..<position]
                }
            }
            guard keep else { continue }
            let name = ASCII.lowercased(source[nameStart..<nameEnd])
            // First occurrence wins. Linear search is cheapest for the usual
            // handful; a set takes over for pathological attribute counts.
            if attributes.count < 16 {
                if attributes.contains(where: { $0.name == name }) { continue }
            } else {
                if seen == nil { seen = Set(attributes.map { $0.name }) }
                if seen!.contains(name) { continue }
                seen!.insert(name)
            }
            attributes.append(Attribute(name: name, value: value))
        }
    }

    private mutating func skipWhitespace() {
        let n = source.count
        while position < n && ASCII.isWhitespace(source[position]) { position += 1 }
    }

    private mutating func markupDeclaration() -> Token {
        let n = source.count
        let p = position + 2
        if p + 1 < n && source[p] == ASCII.dash && source[p + 1] == ASCII.dash {
            return comment(from: p + 2)
        }
        if matchesIgnoringCase(at: p, lowercase: doctypeKeyword) {
            var i = p
            while i < n && source[i] != ASCII.gt { i += 1 }
            position = min(i + 1, n)
            return .ignored
        }
        // CDATA sections outside SVG/MathML are bogus comments too; inside
        // them browsers make text, which this parser does not model.
        return bogusComment(from: p)
    }

    private mutating func bogusComment(from start: Int) -> Token {
        let n = source.count
        var i = start
        while i < n && source[i] != ASCII.gt { i += 1 }
        position = min(i + 1, n)
        return .comment(source[start..<i])
    }

    /// `start` is just past `<!--`. The comment ends at the first `-->` or
    /// `--!>`; `<!-->` and `<!--->` are empty comments.
    private mutating func comment(from start: Int) -> Token {
        let n = source.count
        if start < n && source[start] == ASCII.gt {
            position = start + 1
            return .comment(source[start..<start])
        }
        if start + 1 < n && source[start] == ASCII.dash && source[start + 1] == ASCII.gt {
            position = start + 2
            return .comment(source[start..<start])
        }
        var i = start
        while i + 2 < n {
            if source[i] == ASCII.dash && source[i + 1] == ASCII.dash {
                if source[i + 2] == ASCII.gt {
                    position = i + 3
                    return .comment(source[start..<i])
                }
                if source[i + 2] == ASCII.bang && i + 3 < n && source[i + 3] == ASCII.gt {
                    position = i + 4
                    return .comment(source[start..<i])
                }
            }
            i += 1
        }
        // Unterminated: the data runs to the end, minus the dashes of a
        // closing sequence that was cut off.
        var end = n
        if end - start >= 3 && source[end - 3] == ASCII.dash && source[end - 2] == ASCII.dash
            && source[end - 1] == ASCII.bang {
            end -= 3
        } else if end - start >= 2 && source[end - 2] == ASCII.dash && source[end - 1] == ASCII.dash {
            end -= 2
        } else if end - start >= 1 && source[end - 1] == ASCII.dash {
            end -= 1
        }
        position = n
        return .comment(source[min(start, end)..<end])
    }

    private func matchesIgnoringCase(at index: Int, lowercase word: [UInt8]) -> Bool {
        guard index + word.count <= source.count else { return false }
        for k in 0..<word.count where ASCII.lower(source[index + k]) != word[k] {
            return false
        }
        return true
    }

    /// Reads the content of a raw-text element up to its end tag, which is
    /// consumed. Only `</name` followed by whitespace, `/` or `>` ends it, as
    /// in browsers; without one the content runs to the end of input.
    mutating func rawText(until name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let n = source.count
        let nameBytes = Array(name)
        let start = position
        var i = start
        while i + 2 < n {
            if source[i] == ASCII.lt && source[i + 1] == ASCII.slash
                && matchesIgnoringCase(at: i + 2, lowercase: nameBytes) {
                let after = i + 2 + nameBytes.count
                if after < n {
                    let c = source[after]
                    if ASCII.isWhitespace(c) || c == ASCII.slash || c == ASCII.gt {
                        position = i
                        _ = endTag()
                        return source[start..<i]
                    }
                }
            }
            i += 1
        }
        position = n
        return source[start..<n]
    }

    /// Browsers drop one newline right after `<pre>`, `<listing>` and
    /// `<textarea>`.
    mutating func skipLeadingNewline() {
        let n = source.count
        guard position < n else { return }
        if source[position] == ASCII.lf {
            position += 1
        } else if source[position] == ASCII.cr {
            position += 1
            if position < n && source[position] == ASCII.lf { position += 1 }
        }
    }
}

private let doctypeKeyword: [UInt8] = Array("doctype".utf8)
