import XCTest
@testable import LiveTSHTML

/// A spliced tree must be the full parse's tree, node for node, and give
/// the same patch; where that cannot be sure, splicing gives nil.
final class SplicingTests: XCTestCase {
    /// The splice that turns `old` into `new`: their common head and tail kept.
    private func splice(_ old: [UInt8], _ new: [UInt8]) -> (offset: Int, removed: Int, inserted: Int) {
        var head = 0
        while head < old.count && head < new.count && old[head] == new[head] { head += 1 }
        // Never inside a UTF-8 character, as the host never splits one.
        while head > 0 && head < old.count && old[head] & 0xC0 == 0x80 { head -= 1 }
        var tail = 0
        while tail < old.count - head && tail < new.count - head && old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
        while tail > 0 && old.count - tail < old.count && old[old.count - tail] & 0xC0 == 0x80 { tail -= 1 }
        return (head, old.count - head - tail, new.count - head - tail)
    }

    /// Splices `old` into `new`; checks a non-nil result against the full parse. Returns whether it spliced.
    @discardableResult
    private func check(_ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let a = Array(old.utf8)
        let b = Array(new.utf8)
        let before = HTMLDocument(a)
        let s = splice(a, b)
        guard let spliced = before.splicing(offset: s.offset, removed: s.removed, inserted: s.inserted, into: b) else { return false }
        let full = HTMLDocument(b)
        XCTAssertTrue(spliced.isSameTree(as: full), "\(old) → \(new)", file: file, line: line)
        XCTAssertEqual(String(decoding: HTMLDiffer.diff(old: before, new: spliced), as: UTF8.self),
                       String(decoding: HTMLDiffer.diff(old: before, new: full), as: UTF8.self), file: file, line: line)
        // And again on the spliced tree, as the next update would.
        let again = Array(new.utf8) + Array("<p>x</p>".utf8)
        if let next = spliced.splicing(offset: b.count, removed: 0, inserted: 8, into: again) {
            XCTAssertTrue(next.isSameTree(as: HTMLDocument(again)), file: file, line: line)
        }
        return true
    }

    private func table(_ cells: [(String, String)]) -> String {
        "<table><thead><tr><th>#</th></tr></thead>\n<tbody>"
            + cells.enumerated().map { "<tr ts-key=\"\($0.offset)\"><td>\($0.offset)</td><td class=\"\($0.element.0)\">\($0.element.1)</td></tr>" }.joined()
            + "</tbody></table><p>after</p>"
    }

    func testACellChangeIsSplicedIntoTheFullParsesTree() {
        var cells = Array(repeating: ("even", "0"), count: 50)
        let old = table(cells)
        cells[20] = ("odd", "1")
        let mid = table(cells)
        XCTAssertTrue(check(old, mid))
        cells[49] = ("odd", "12 &amp; more é 😀")
        XCTAssertTrue(check(mid, table(cells)))
        // Two cells apart are one splice over the rows between: the body is not spliced, the page is parsed.
        XCTAssertFalse(check(old, table(cells)))
        XCTAssertTrue(check("<h1>Counter</h1><p>Count: <span id=\"count\">9</span></p>", "<h1>Counter</h1><p>Count: <span id=\"count\">10</span></p>"))
        XCTAssertTrue(check("<div><span>a</span></div>", "<div><span></span></div>"))
        XCTAssertTrue(check("<div><span></span></div>", "<div><span title=\"x\">b\r\nc</span></div>"))
    }

    func testWhatOnlyAFullParseCanTellIsNotSpliced() {
        XCTAssertFalse(check("<p>a</p>b", "<p>a</p>c"), "at the top level")
        XCTAssertFalse(check("<p><span>a</span></p>", "<p><span><div>a</div></span></p>"), "a tag that closes what encloses the element")
        XCTAssertFalse(check("<a href=x><span>a</span></a>", "<a href=x><span><a>b</a></span></a>"), "a tag looked up in the formatting list")
        XCTAssertFalse(check("<ul><li><span>a</span></li></ul>", "<ul><li><span><li>b</li></span></li></ul>"), "a list item outside a list")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><span><svg><b>a</b></svg></span></div>"), "foreign content")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><span><x-a data-livets-id=\"c\">b</x-a></span></div>"), "a nested component")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><span>a</spam></div>"), "the end tag")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><spam>a</span></div>"), "the tag name")
        XCTAssertFalse(check("<div><textarea>a</textarea></div>", "<div><textarea>b</textarea></div>"), "raw text")
        XCTAssertFalse(check("<div><pre>a</pre></div>", "<div><pre>\nb</pre></div>"), "a leading newline")
        XCTAssertFalse(check("<div><p>a</div>", "<div><p>b</div>"), "closed by another tag")
    }

    func testMarkupCommentsAndImpliedBodiesAreSpliced() {
        XCTAssertTrue(check("<div><span>a</span></div>", "<div><span><b>a</b></span></div>"), "markup in the content")
        XCTAssertTrue(check("<div><span><b>a</b></span></div>", "<div><span>a</span></div>"), "markup in the old content")
        XCTAssertTrue(check("<div><span>a</span></div>", "<div><span>a<!-- x --></span></div>"), "a comment")
        XCTAssertTrue(check("<table><tr><td>a</td></tr></table>", "<table><tr><td>b</td></tr></table>"), "inside an implied tbody")
        XCTAssertTrue(check("<table><tr><td>a</td></tr></table>", "<table><tr class=x><td>a</td><td>b</td></tr></table>"), "a row's cells")
        XCTAssertTrue(check("<ul><li>a</li></ul><p>z</p>", "<ul class=\"l\"><li>a</li><li>b <em>c</em><br></li></ul><p>z</p>"), "a list's items")
        XCTAssertTrue(check("<div><p>x <span>a</span> y</p></div>", "<div><p>x <span>a <img src=\"i.png\" alt=\"&amp;\"> <x-tag>b</x-tag></span> y</p></div>"))
    }

    /// Several splices, each in an element of its own: applied in one
    /// update, the tree and the patch are the full path's.
    func testSeveralElementsAreSplicedAtOnce() {
        let old = Array("<table><tbody><tr><td>1</td><td class=a>x</td></tr><tr><td>2</td><td class=a>y</td></tr></tbody></table><p>z</p>".utf8)
        let new = Array("<table><tbody><tr><td>1</td><td class=bb>xx</td></tr><tr><td>2</td><td class=a>y<b>!</b></td></tr></tbody></table><p>zz</p>".utf8)
        let before = HTMLDocument(old)
        let tree = before.mutableCopy()
        // class a→bb and x→xx in one cell; y gains markup in another; the <p> changes too.
        func at(_ text: String, after: Int = 0) -> Int {
            let bytes = Array(text.utf8)
            for k in after..<(old.count - bytes.count + 1) where Array(old[k..<(k + bytes.count)]) == bytes { return k }
            return -1
        }
        let first = at("a>x")
        let splices = [SourceSplice(offset: first, removed: 1, inserted: 2), SourceSplice(offset: first + 2, removed: 1, inserted: 2),
                       SourceSplice(offset: at("y</td>"), removed: 1, inserted: 9), SourceSplice(offset: at("z</p>"), removed: 1, inserted: 2)]
        let patch = tree.splice(splices, into: new)
        XCTAssertNotNil(patch)
        let full = HTMLDocument(new)
        XCTAssertTrue(tree.isSameTree(as: full))
        XCTAssertEqual(patch.map { String(decoding: $0, as: UTF8.self) }, String(decoding: HTMLDiffer.diff(old: before, new: full), as: UTF8.self))
        // A splice no element encloses (in a tag name) leaves the whole tree as it was, the others too.
        let kept = full.mutableCopy()
        let inElements = Array("<p>z</p>".utf8)
        XCTAssertNil(kept.splice([SourceSplice(offset: 2, removed: 1, inserted: 1), SourceSplice(offset: new.count - 1, removed: 0, inserted: 8)],
                                 into: Array(new[0..<2]) + [UInt8(ascii: "b")] + Array(new[3...]) + inElements))
        XCTAssertTrue(kept.isSameTree(as: full))
        // Overlapping or out-of-order splices are refused, leaving the tree alone.
        XCTAssertNil(full.mutableCopy().splice([SourceSplice(offset: 40, removed: 2, inserted: 0), SourceSplice(offset: 39, removed: 0, inserted: 0)], into: new))
        XCTAssertNil(full.mutableCopy().splice([SourceSplice(offset: 0, removed: new.count + 1, inserted: 0)], into: []))
    }

    /// A spliced tree knows whether its source names a stream container
    /// from the bytes around the splices alone, as the full look would tell.
    func testASplicedTreeKnowsWhetherItNamesAStream() {
        let old = Array("<div><span title=\"ts-str\">a</span><ul class=x><li>b</li></ul></div>".utf8)
        for (offset, removed, text) in [(25, 0, " ts-stream"), (24, 0, "eam"), (26, 1, "ts-stream"), (26, 1, "b")] {
            let tree = HTMLDocument(old).mutableCopy()
            XCTAssertFalse(tree.mentionsStream)
            let new = Array(old[0..<offset]) + Array(text.utf8) + Array(old[(offset + removed)...])
            guard tree.splice([SourceSplice(offset: offset, removed: removed, inserted: text.utf8.count)], into: new) != nil else {
                XCTFail("\(text) at \(offset) was not spliced")
                continue
            }
            XCTAssertTrue(tree.isSameTree(as: HTMLDocument(new)))
            XCTAssertEqual(tree.mentionsStream, StreamSplit.mentionsStream(new), String(decoding: new, as: UTF8.self))
        }
    }

    /// A change to a start tag's attributes re-reads that tag alone, on
    /// any element (a table, its body, a long list), and keeps its content.
    func testAttributeChangesReparseOnlyTheStartTag() {
        let rows = (0..<80).map { "<tr><td>\($0)</td></tr>" }.joined()
        let items = (0..<80).map { "<li>\($0)</li>" }.joined()
        XCTAssertTrue(check("<table class=a><tbody>\(rows)</tbody></table>", "<table class=bb><tbody>\(rows)</tbody></table>"), "a table")
        XCTAssertTrue(check("<table><tbody>\(rows)</tbody></table><p>z</p>", "<table><tbody hidden id=\"b\">\(rows)</tbody></table><p>z</p>"), "a body")
        XCTAssertTrue(check("<div><ul data-x=\"1\">\(items)</ul><p>z</p></div>", "<div><ul>\(items)</ul><p>z</p></div>"), "a long list")
        XCTAssertTrue(check("<select name=a><option>x</option></select>", "<select name=b><option>x</option></select>"), "a select")
        XCTAssertTrue(check("<div><x-a ts-key=\"1\">a</x-a></div>", "<div><x-a ts-key=\"2\">a</x-a></div>"), "a key")
        XCTAssertFalse(check("<div><x-a>a</x-a></div>", "<div><x-a data-livets-id=\"c\">a</x-a></div>"), "becoming a nested component")
        XCTAssertFalse(check("<div><textarea rows=1>a</textarea></div>", "<div><textarea rows=2>a</textarea></div>"), "raw text")
        // Attributes and content of the same element together re-parse the element.
        XCTAssertTrue(check("<div><span class=a>1</span></div>", "<div><span class=b>2</span></div>"))
        // Many changes in a row to a body's attributes and its rows' cells, each checked against the full path.
        var classes = "a"
        var cells = Array(repeating: "0", count: 80)
        func page() -> [UInt8] {
            Array(("<table><tbody class=\"\(classes)\">" + cells.map { "<tr><td>\($0)</td></tr>" }.joined() + "</tbody></table>").utf8)
        }
        var html = page()
        let tree = HTMLDocument(html).mutableCopy()
        for i in 0..<50 {
            let old = html
            if i % 2 == 0 { classes += "x" } else { cells[(i * 7) % 80] = String(i) }
            html = page()
            var head = 0
            while old[head] == html[head] { head += 1 }
            var tail = 0
            while tail < old.count - head && tail < html.count - head && old[old.count - 1 - tail] == html[html.count - 1 - tail] { tail += 1 }
            let before = tree.mutableCopy()
            let patch = tree.splice([SourceSplice(offset: head, removed: old.count - head - tail, inserted: html.count - head - tail)], into: html)
            XCTAssertNotNil(patch, "change \(i)")
            let full = HTMLDocument(html)
            XCTAssertTrue(tree.isSameTree(as: full), "change \(i)")
            XCTAssertEqual(patch.map { String(decoding: $0, as: UTF8.self) }, String(decoding: HTMLDiffer.diff(old: before, new: full), as: UTF8.self))
        }
    }

    /// A long list (whose children splicing keeps a list of) stays exact
    /// while items change in place and while they gain or lose nodes.
    func testALongListStaysExactAsItsItemsChange() {
        var items = (0..<100).map { "item \($0)" }
        func page() -> [UInt8] { Array(("<div><ul>" + items.map { "<li>\($0)</li>" }.joined() + "</ul><p>end</p></div>").utf8) }
        var html = page()
        let tree = HTMLDocument(html).mutableCopy()
        for i in 0..<60 {
            let k = (i * 37) % 100
            let before = items[k]
            items[k] = i % 3 == 0 ? "<b>\(i)</b> bold" : "plain \(i)"
            let next = page()
            let offset = 9 + items[0..<k].reduce(0) { $0 + $1.utf8.count + 9 } + 4
            let old = tree.mutableCopy()
            let patch = tree.splice([SourceSplice(offset: offset, removed: before.utf8.count, inserted: items[k].utf8.count)], into: next)
            XCTAssertNotNil(patch, "item \(k)")
            let full = HTMLDocument(next)
            XCTAssertTrue(tree.isSameTree(as: full), "item \(k)")
            XCTAssertEqual(patch.map { String(decoding: $0, as: UTF8.self) }, String(decoding: HTMLDiffer.diff(old: old, new: full), as: UTF8.self))
            html = next
        }
        XCTAssertEqual(tree.source, html)
    }

    /// A tree spliced many times over keeps matching the full parse, and
    /// the bytes left behind by earlier splices send it to a full parse in time.
    func testRepeatedSplicesStayExact() {
        var cells = Array(repeating: ("even", "0"), count: 40)
        var html = Array(table(cells).utf8)
        let tree = HTMLDocument(html).mutableCopy()
        var spliced = 0
        for i in 0..<400 {
            cells[(i * 7) % 40] = (i % 2 == 0 ? "odd" : "even", String(repeating: "9", count: 1 + i % 5))
            let next = Array(table(cells).utf8)
            let s = splice(html, next)
            let before = tree.mutableCopy()
            if let patch = tree.splice([SourceSplice(offset: s.offset, removed: s.removed, inserted: s.inserted)], into: next) {
                spliced += 1
                let full = HTMLDocument(next)
                XCTAssertTrue(tree.isSameTree(as: full))
                XCTAssertEqual(patch, HTMLDiffer.diff(old: before, new: full))
            } else {
                XCTAssertTrue(tree.isSameTree(as: before), "a refused splice leaves the tree as it was")
                break
            }
            html = next
        }
        XCTAssertGreaterThan(spliced, 20)
        XCTAssertLessThan(spliced, 400, "left-over bytes end in a full parse")
    }

    /// Random pages, random changes to one element: whenever splicing
    /// answers, its tree is the full parse's.
    func testRandomChangesSplicedEqualTheFullParse() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let texts = ["", "a", "b & c", "&amp;", "&lt;x&gt;", "é", "😀", "1\r\n2", "  ", "x y z", "&notin;", "&nota"]
        let attrs = ["", " class=\"a\"", " class=b", " title='q\"'", " id=\"i\" data-x=\"&amp;\"", " hidden"]
        let tags = ["span", "div", "td", "li", "p", "b", "em", "a", "button", "x-item", "textarea", "pre"]
        var spliced = 0
        var multiple = 0
        for _ in 0..<300 {
            var parts: [(tag: String, attr: String, text: String)] = []
            for _ in 0..<(2 + next(6)) { parts.append((tags[next(tags.count)], attrs[next(attrs.count)], texts[next(texts.count)])) }
            func page(_ parts: [(tag: String, attr: String, text: String)]) -> String {
                "<section><ul>" + parts.map { p in
                    p.tag == "td" ? "<li><table><tbody><tr><td\(p.attr)>\(p.text)</td></tr></tbody></table></li>"
                                  : p.tag == "li" ? "<li\(p.attr)>\(p.text)</li>" : "<li><\(p.tag)\(p.attr)>\(p.text)</\(p.tag)></li>"
                }.joined() + "</ul></section>"
            }
            let old = page(parts)
            let k = next(parts.count)
            var changed = parts
            func change(_ k: Int) {
                switch next(4) {
                case 0: changed[k].attr = attrs[next(attrs.count)]
                case 1: changed[k].text = texts[next(texts.count)]
                case 2: changed[k].text += ["<b>x</b>", "</span>", "<", "&", "\u{0}", "<i>a<br>b</i>", "<div>d</div>", "<!--c-->"][next(8)]
                default:
                    changed[k].attr = attrs[next(attrs.count)]
                    changed[k].text = texts[next(texts.count)]
                }
            }
            change(k)
            if check(old, page(changed)) { spliced += 1 }
            // Several parts at once, one splice each, on a tree changed in place round after round.
            let tree = HTMLDocument(Array(old.utf8)).mutableCopy()
            var current = parts
            for _ in 0..<3 {
                changed = current
                for k in 0..<changed.count where next(3) == 0 { change(k) }
                var splices: [SourceSplice] = []
                var at = 0
                for k in 0..<current.count {
                    let a = Array(page([current[k]]).utf8).dropFirst(13).dropLast(15)
                    let b = Array(page([changed[k]]).utf8).dropFirst(13).dropLast(15)
                    if a != b {
                        let s = splice(Array(a), Array(b))
                        splices.append(SourceSplice(offset: at + s.offset, removed: s.removed, inserted: s.inserted))
                    }
                    at += a.count
                }
                let before = tree.mutableCopy()
                let new = Array(page(changed).utf8)
                let shifted = splices.map { SourceSplice(offset: $0.offset + 13, removed: $0.removed, inserted: $0.inserted) }
                if splices.isEmpty { continue }
                if let patch = tree.splice(shifted, into: new) {
                    multiple += splices.count > 1 ? 1 : 0
                    let full = HTMLDocument(new)
                    XCTAssertTrue(tree.isSameTree(as: full), "\(page(current)) → \(page(changed))")
                    XCTAssertEqual(String(decoding: patch, as: UTF8.self), String(decoding: HTMLDiffer.diff(old: before, new: full), as: UTF8.self))
                    current = changed
                } else {
                    XCTAssertTrue(tree.isSameTree(as: before), "a refused splice leaves the tree as it was")
                    break
                }
            }
        }
        XCTAssertGreaterThan(spliced, 100, "the spliced path is taken often enough to be tested")
        XCTAssertGreaterThan(multiple, 30, "several elements spliced at once often enough to be tested")
    }
}
