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
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><span><b>a</b></span></div>"), "markup in the content")
        XCTAssertFalse(check("<div><span><b>a</b></span></div>", "<div><span>a</span></div>"), "markup in the old content")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><span>a</spam></div>"), "the end tag")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><spam>a</span></div>"), "the tag name")
        XCTAssertFalse(check("<div><textarea>a</textarea></div>", "<div><textarea>b</textarea></div>"), "raw text")
        XCTAssertFalse(check("<div><pre>a</pre></div>", "<div><pre>\nb</pre></div>"), "a leading newline")
        XCTAssertFalse(check("<div><span>a</span></div>", "<div><span>a<!-- x --></span></div>"), "a comment")
        XCTAssertFalse(check("<div><p>a</div>", "<div><p>b</div>"), "closed by another tag")
        XCTAssertFalse(check("<table><tr><td>a</td></tr></table>", "<table><tr><td>b</td></tr></table>"), "inside an implied tbody")
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
            switch next(4) {
            case 0: changed[k].attr = attrs[next(attrs.count)]
            case 1: changed[k].text = texts[next(texts.count)]
            case 2: changed[k].text += ["<b>x</b>", "</span>", "<", "&", "\u{0}"][next(5)]
            default:
                changed[k].attr = attrs[next(attrs.count)]
                changed[k].text = texts[next(texts.count)]
            }
            if check(old, page(changed)) { spliced += 1 }
        }
        XCTAssertGreaterThan(spliced, 100, "the spliced path is taken often enough to be tested")
    }
}
