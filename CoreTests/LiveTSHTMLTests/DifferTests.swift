import XCTest
@testable import LiveTSHTML

final class DifferTests: XCTestCase {
    private func diff(_ old: String, _ new: String) -> String {
        return String(decoding: HTMLDiffer.diff(old: Array(old.utf8), new: Array(new.utf8)), as: UTF8.self)
    }

    func testCounterUpdateIsOneTextOperation() {
        XCTAssertEqual(diff(##"<h1>Count</h1><span id="count">3</span>"##, ##"<h1>Count</h1><span id="count">4</span>"##),
                       ##"[[1,[1,0],"#text","4"]]"##)
    }

    func testUnchangedInputGivesEmptyPatch() {
        XCTAssertEqual(diff("<p>x</p>", "<p>x</p>"), "[]")
        XCTAssertEqual(diff("", ""), "[]")
        // Different bytes, same nodes.
        XCTAssertEqual(diff("<P A='1' b>x</p >", ##"<p a="1" b="">x</P>"##), "[]")
        XCTAssertEqual(diff(##"<a href="?a&amp;b">x</a>"##, ##"<a href="?a&#38;b">x</a>"##), "[]")
        XCTAssertEqual(diff("a&amp;b\r\n", "a&#38;b\n"), "[]")
    }

    func testAttributeChanges() {
        XCTAssertEqual(diff(##"<div class="a" id="x">t</div>"##, ##"<div class="b" title="t">t</div>"##),
                       ##"[[3,[0],"div","id"],[2,[0],"div","class","b"],[2,[0],"div","title","t"]]"##)
        XCTAssertEqual(diff("<input>", "<input disabled>"), ##"[[2,[0],"input","disabled",""]]"##)
        // setAttribute takes the decoded value.
        XCTAssertEqual(diff(##"<a href="/">x</a>"##, ##"<a href="?a=1&amp;b=&lt;2&gt;&#39;&#x41;">x</a>"##),
                       ##"[[2,[0],"a","href","?a=1&b=<2>'A"]]"##)
    }

    func testAppendIsOneOperationWithAllNewChildren() {
        XCTAssertEqual(diff("<ul><li>a</li></ul>", "<ul><li>a</li><li>b</li> <li>c</ul>"),
                       ##"[[4,[0],"ul","<li>b\u003c/li> <li>c\u003c/li>"]]"##)
        XCTAssertEqual(diff("", "<p>x</p>"), ##"[[4,[],"","<p>x\u003c/p>"]]"##)
    }

    func testInsertInTheMiddleIsOneOperation() {
        XCTAssertEqual(diff("<ul><li>a</li><li>c</li></ul>", "<ul><li>a</li><li>b</li><li>b2</li><li>c</li></ul>"),
                       ##"[[6,[0,1],"li","<li>b\u003c/li><li>b2\u003c/li>"]]"##)
    }

    func testRemovalsGoLastFirst() {
        XCTAssertEqual(diff("<p>a</p><p>b</p><p>c</p><p>d</p>", "<p>a</p>"),
                       ##"[[5,[3],"p"],[5,[2],"p"],[5,[1],"p"]]"##)
        XCTAssertEqual(diff("<ul><li>1</li><li>2</li><!--c--></ul><p>x</p>", "<ul><li>one</li></ul><p>y</p>"),
                       ##"[[5,[0,2],"#comment"],[5,[0,1],"li"],[1,[0,0,0],"#text","one"],[1,[1,0],"#text","y"]]"##)
    }

    func testReplaceWhenNodeChangesKindOrTag() {
        XCTAssertEqual(diff("<div><b>x</b></div>", "<div><i>x</i></div>"),
                       ##"[[0,[0,0],"b","<i>x\u003c/i>"]]"##)
        XCTAssertEqual(diff("<p><b>x</b></p>", "<p>x</p>"), ##"[[0,[0,0],"b","x"]]"##)
        XCTAssertEqual(diff("<p>x</p>", "<p><!--x--></p>"), ##"[[0,[0,0],"#text","\u003c!--x-->"]]"##)
    }

    func testTextIsSentAsTheDataTheBrowserHolds() {
        XCTAssertEqual(diff("<p>a</p>", "<p>a &amp; b</p>"), ##"[[1,[0,0],"#text","a & b"]]"##)
        XCTAssertEqual(diff("<p>a</p>", "<p>1 &lt; 2 &copy &notin;\r\n</p>"), ##"[[1,[0,0],"#text","1 < 2 © ∉\n"]]"##)
        XCTAssertEqual(diff("<p>a</p>", "<p>\"q\" > 'r' &lt;/script></p>"), ##"[[1,[0,0],"#text","\"q\" > 'r' \u003c/script>"]]"##)
        // Replacement markup is escaped from the data, so it reads back the same.
        XCTAssertEqual(diff("<p>a</p>", "<p><b>&lt;&amp;&#13;</b></p>"), ##"[[0,[0,0],"#text","<b>&lt;&amp;&#13;\u003c/b>"]]"##)
    }

    func testTextAtTheStartOfAPreKeepsItsLeadingNewline() {
        // Patch markup is parsed in a template, where no newline is dropped.
        XCTAssertEqual(diff("<pre><b>a</b></pre>", "<pre>\n\nx</pre>"), ##"[[0,[0,0],"b","\nx"]]"##)
    }

    func testCommentChange() {
        XCTAssertEqual(diff("<!--a--><p></p>", "<!--b--><p></p>"), ##"[[1,[0],"#comment","b"]]"##)
    }

    func testRawTextElementsAreReplacedNotEntered() {
        XCTAssertEqual(diff("<script>a()</script>", "<script>b()</script>"),
                       ##"[[0,[0],"script","<script>b()\u003c/script>"]]"##)
        XCTAssertEqual(diff("<textarea rows=1>t</textarea>", "<textarea rows=2>t</textarea>"),
                       ##"[[2,[0],"textarea","rows","2"]]"##)
        XCTAssertEqual(diff("<template><p>a</p></template>", "<template><p>b</p></template>"),
                       ##"[[0,[0],"template","<template><p>b\u003c/p>\u003c/template>"]]"##)
    }

    func testForeignContent() {
        XCTAssertEqual(diff(##"<svg viewBox="0 0 1 1"><text>a</text></svg>"##, ##"<svg viewBox="0 0 2 2"><text>b</text></svg>"##),
                       ##"[[2,[0],"svg","viewBox","0 0 2 2"],[1,[0,0,0],"#text","b"]]"##)
        // Markup parsed in an HTML template would lose the SVG namespace, so
        // structural changes replace the whole <svg>.
        XCTAssertEqual(diff(##"<p>x</p><svg><circle r="1"/></svg>"##, ##"<p>y</p><svg><circle r="1"/><rect/></svg>"##),
                       ##"[[1,[0,0],"#text","y"],[0,[1],"svg","<svg><circle r=\"1\">\u003c/circle><rect>\u003c/rect>\u003c/svg>"]]"##)
        XCTAssertEqual(diff("<svg><g><circle/></g></svg>", "<svg><g></g></svg>"), ##"[[5,[0,0,0],"circle"]]"##)
        // A new xlink:href needs the parser to put it in its namespace.
        XCTAssertEqual(diff(##"<svg><use href="#a"/></svg>"##, ##"<svg><use href="#a" xlink:href="#a"/></svg>"##),
                       ##"[[0,[0],"svg","<svg><use href=\"#a\" xlink:href=\"#a\">\u003c/use>\u003c/svg>"]]"##)
    }

    func testAttributeNamesSetAttributeRejectsReplaceTheElement() {
        XCTAssertEqual(diff(##"<button @click="a">x</button>"##, ##"<button @click="b">x</button>"##),
                       ##"[[0,[0],"button","<button @click=\"b\">x\u003c/button>"]]"##)
        XCTAssertEqual(diff(##"<button @click="a" id=1>x</button>"##, ##"<button id=1>x</button>"##),
                       ##"[[3,[0],"button","@click"]]"##)
    }

    func testTableRowsGoInTheImpliedBody() {
        XCTAssertEqual(diff("<table><tr><td>1</td></tr></table>", "<table><tr><td>1</td></tr><tr><td>2</td></tr></table>"),
                       ##"[[4,[0,0],"tbody","<tr><td>2\u003c/td>\u003c/tr>"]]"##)
    }

    // MARK: - Keyed children

    private func rows(_ ids: [Int], changed: Int? = nil) -> String {
        var out = "<table><tbody>"
        for id in ids {
            out += "\n  <tr id=\"r\(id)\"><td>\(id)</td><td>\(id == changed ? "new" : "row \(id)")</td></tr>"
        }
        return out + "\n</tbody></table>"
    }

    func testKeyedMoveIsOneOperationPerMovedNode() {
        // Row 1 goes to the end, and so does one of the equal whitespace
        // nodes around it; nothing is re-sent.
        XCTAssertEqual(diff(rows([1, 2, 3, 4]), rows([2, 3, 4, 1])),
                       ##"[[7,[0,0,1],"tr",8],[7,[0,0,1],"#text",7]]"##)
        XCTAssertEqual(diff(rows([1, 2, 3, 4]), rows([4, 1, 2, 3])),
                       ##"[[7,[0,0,6],"#text",1],[7,[0,0,7],"tr",1]]"##)
        XCTAssertEqual(diff(rows(Array(1...300)), rows(Array(1...9) + Array(11...200) + [10] + Array(201...300))),
                       ##"[[7,[0,0,19],"tr",400],[7,[0,0,19],"#text",399]]"##)
    }

    func testKeyedSwapKeepsBothRowsAndTheirState() {
        let patch = diff(rows([1, 2, 3]), rows([3, 2, 1]))
        XCTAssertFalse(patch.contains("<tr"), patch)
        XCTAssertTrue(patch.hasPrefix("[[7,"), patch)
    }

    func testKeyedRemoveAndInsert() {
        XCTAssertEqual(diff(rows([1, 2, 3]), rows([1, 3])), ##"[[5,[0,0,4],"#text"],[5,[0,0,3],"tr"]]"##)
        XCTAssertEqual(diff(rows([1, 3]), rows([1, 2, 3])),
                       ##"[[6,[0,0,3],"tr","<tr id=\"r2\"><td>2\u003c/td><td>row 2\u003c/td>\u003c/tr>\n  "]]"##)
    }

    func testKeyedRowChangedInPlace() {
        XCTAssertEqual(diff(rows(Array(1...300)), rows(Array(1...300), changed: 150)),
                       ##"[[1,[0,0,299,1,0],"#text","new"]]"##)
    }

    func testKeysPairNodesOnlyWhenPresentOnBothSides() {
        // No old key is left in the changed stretch: the element is reused.
        XCTAssertEqual(diff(##"<ul><li id="a">x</li><li id="b">y</li></ul>"##, ##"<ul><li id="a">x</li><li id="c">y</li></ul>"##),
                       ##"[[2,[0,1],"li","id","c"]]"##)
        // Otherwise a new key is a new element, even where an old one was.
        XCTAssertEqual(diff(##"<ul><li id="b">y</li><li id="c">z</li><li id="d">w</li></ul>"##,
                            ##"<ul><li id="e">y</li><li id="d">w</li><li id="c">z</li></ul>"##),
                       ##"[[5,[0,0],"li"],[7,[0,1],"li",0],[6,[0,0],"li","<li id=\"e\">y\u003c/li>"]]"##)
    }

    func testUnkeyedElementsMoveByContent() {
        let old = "<ul><li>alpha</li><li>beta</li><li>gamma</li><li>delta</li></ul>"
        let new = "<ul><li>delta</li><li>alpha</li><li>beta</li><li>gamma</li></ul>"
        XCTAssertEqual(diff(old, new), ##"[[7,[0,3],"li",0]]"##)
    }

    func testNestedComponentsAreLeftToTheirOwnDiffs() {
        let old = ##"<p>1</p><div data-livets-id="child" class="x"><b>child content</b></div>"##
        let new = ##"<p>2</p><div data-livets-id="child" class="y"></div>"##
        XCTAssertEqual(diff(old, new), ##"[[1,[0,0],"#text","2"]]"##)
        // Another component in its place is a new element.
        XCTAssertEqual(diff(old, ##"<p>1</p><div data-livets-id="other"></div>"##),
                       ##"[[0,[1],"div","<div data-livets-id=\"other\">\u003c/div>"]]"##)
    }

    func testUnmodelledMarkupResendsTheFragment() {
        XCTAssertEqual(diff("<p><b>x</p>y", "<p><b>x</p>z"), ##"[[8,[],"","<p><b>x\u003c/p>z"]]"##)
        XCTAssertEqual(diff("<p><b>x</p>y", "<p><b>x</p>y"), "[]")
        XCTAssertEqual(diff("<p>ok</p>", "<table>x</table>"), ##"[[8,[],"","<table>x\u003c/table>"]]"##)
    }

    func testLargeRewritesFallBackToTheMarkup() {
        let old = (0..<200).map { "<p class=a>\($0)</p>" }.joined()
        let new = (0..<200).map { "<div>\($0 * 7)</div>" }.joined()
        let patch = diff(old, new)
        XCTAssertTrue(patch.hasPrefix(##"[[8,[],"","<div>0"##), String(patch.prefix(40)))
        XCTAssertLessThan(patch.count, new.utf8.count * 3 / 2)
    }

    func testPatchesCanBePlacedInAScriptElement() {
        let patch = diff("<p>a</p>", "<p>a</p><script>x()</script><!--c-->")
        XCTAssertFalse(patch.contains("</"), patch)
        XCTAssertFalse(patch.contains("<!"), patch)
    }

    func testDocumentsAreReusable() {
        let a = HTMLDocument(Array("<p>1</p>".utf8))
        let b = HTMLDocument(Array("<p>2</p>".utf8))
        XCTAssertEqual(String(decoding: HTMLDiffer.diff(old: a, new: b), as: UTF8.self), ##"[[1,[0,0],"#text","2"]]"##)
        XCTAssertEqual(String(decoding: HTMLDiffer.diff(old: a, new: a), as: UTF8.self), "[]")
        XCTAssertEqual(a.hash, HTMLDocument(Array("<p>1</p>".utf8)).hash)
        XCTAssertNotEqual(a.hash, b.hash)
        // Hashes may tell spellings apart; the diff never does.
        XCTAssertEqual(String(decoding: HTMLDiffer.diff(old: a, new: HTMLDocument(Array("<P >1</p>".utf8))), as: UTF8.self), "[]")
    }
}
