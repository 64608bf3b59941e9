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
    }

    func testAttributeChanges() {
        XCTAssertEqual(diff(##"<div class="a" id="x">t</div>"##, ##"<div class="b" title="t">t</div>"##),
                       ##"[[3,[0],"div","id"],[2,[0],"div","class","b"],[2,[0],"div","title","t"]]"##)
        XCTAssertEqual(diff("<input>", "<input disabled>"), ##"[[2,[0],"input","disabled",""]]"##)
        // setAttribute takes the decoded value.
        XCTAssertEqual(diff(##"<a href="/">x</a>"##, ##"<a href="?a=1&amp;b=&lt;2&gt;&#39;&#x41;">x</a>"##),
                       ##"[[2,[0],"a","href","?a=1\u0026b=\u003c2\u003e'A"]]"##)
    }

    func testAppendIsOneOperationWithAllNewChildren() {
        XCTAssertEqual(diff("<ul><li>a</li></ul>", "<ul><li>a</li><li>b</li> <li>c</ul>"),
                       ##"[[4,[0],"ul","\u003cli\u003eb\u003c/li\u003e \u003cli\u003ec\u003c/li\u003e"]]"##)
        XCTAssertEqual(diff("", "<p>x</p>"), ##"[[4,[],"","\u003cp\u003ex\u003c/p\u003e"]]"##)
    }

    func testRemovalsGoLastFirstAfterKeptChildren() {
        XCTAssertEqual(diff("<p>a</p><p>b</p><p>c</p><p>d</p>", "<p>a</p>"),
                       ##"[[5,[3],"p"],[5,[2],"p"],[5,[1],"p"]]"##)
        XCTAssertEqual(diff("<ul><li>1</li><li>2</li><!--c--></ul><p>x</p>", "<ul><li>one</li></ul><p>y</p>"),
                       ##"[[1,[0,0,0],"#text","one"],[5,[0,2],"#comment"],[5,[0,1],"li"],[1,[1,0],"#text","y"]]"##)
    }

    func testReplaceWhenNodeChangesKindOrTag() {
        XCTAssertEqual(diff("<div><b>x</b></div>", "<div><i>x</i></div>"),
                       ##"[[0,[0,0],"b","\u003ci\u003ex\u003c/i\u003e"]]"##)
        XCTAssertEqual(diff("<p><b>x</b></p>", "<p>x</p>"), ##"[[0,[0,0],"b","x"]]"##)
        XCTAssertEqual(diff("<p>x</p>", "<p><!--x--></p>"), ##"[[0,[0,0],"#text","\u003c!--x--\u003e"]]"##)
    }

    func testTextWithReferencesIsSentAsMarkup() {
        XCTAssertEqual(diff("<p>a</p>", "<p>a &amp; b</p>"), ##"[[0,[0,0],"#text","a \u0026amp; b"]]"##)
        XCTAssertEqual(diff("<p>a</p>", "<p>1 < 2</p>"), ##"[[0,[0,0],"#text","1 \u003c 2"]]"##)
        XCTAssertEqual(diff("<p>a</p>", "<p>\"q\" > 'r'</p>"), ##"[[1,[0,0],"#text","\"q\" \u003e 'r'"]]"##)
    }

    func testCommentChange() {
        XCTAssertEqual(diff("<!--a--><p></p>", "<!--b--><p></p>"), ##"[[1,[0],"#comment","b"]]"##)
    }

    func testRawTextElementsAreReplacedNotEntered() {
        XCTAssertEqual(diff("<script>a()</script>", "<script>b()</script>"),
                       ##"[[0,[0],"script","\u003cscript\u003eb()\u003c/script\u003e"]]"##)
        XCTAssertEqual(diff("<textarea rows=1>t</textarea>", "<textarea rows=2>t</textarea>"),
                       ##"[[2,[0],"textarea","rows","2"]]"##)
        XCTAssertEqual(diff("<template><p>a</p></template>", "<template><p>b</p></template>"),
                       ##"[[0,[0],"template","\u003ctemplate\u003e\u003cp\u003eb\u003c/p\u003e\u003c/template\u003e"]]"##)
    }

    func testForeignContent() {
        XCTAssertEqual(diff(##"<svg viewBox="0 0 1 1"><text>a</text></svg>"##, ##"<svg viewBox="0 0 2 2"><text>b</text></svg>"##),
                       ##"[[2,[0],"svg","viewBox","0 0 2 2"],[1,[0,0,0],"#text","b"]]"##)
        // Markup parsed in an HTML template would lose the SVG namespace, so
        // structural changes replace the whole <svg>.
        XCTAssertEqual(diff(##"<p>x</p><svg><circle r="1"/></svg>"##, ##"<p>y</p><svg><circle r="1"/><rect/></svg>"##),
                       ##"[[1,[0,0],"#text","y"],[0,[1],"svg","\u003csvg\u003e\u003ccircle r=\"1\"\u003e\u003c/circle\u003e\u003crect\u003e\u003c/rect\u003e\u003c/svg\u003e"]]"##)
        XCTAssertEqual(diff("<svg><g><circle/></g></svg>", "<svg><g></g></svg>"), ##"[[5,[0,0,0],"circle"]]"##)
        // A new xlink:href needs the parser to put it in its namespace.
        XCTAssertEqual(diff(##"<svg><use href="#a"/></svg>"##, ##"<svg><use href="#a" xlink:href="#a"/></svg>"##),
                       ##"[[0,[0],"svg","\u003csvg\u003e\u003cuse href=\"#a\" xlink:href=\"#a\"\u003e\u003c/use\u003e\u003c/svg\u003e"]]"##)
    }

    func testAttributeNamesSetAttributeRejectsReplaceTheElement() {
        XCTAssertEqual(diff(##"<button @click="a">x</button>"##, ##"<button @click="b">x</button>"##),
                       ##"[[0,[0],"button","\u003cbutton @click=\"b\"\u003ex\u003c/button\u003e"]]"##)
        XCTAssertEqual(diff(##"<button @click="a" id=1>x</button>"##, ##"<button id=1>x</button>"##),
                       ##"[[3,[0],"button","@click"]]"##)
    }

    func testTableRowsGoInTheImpliedBody() {
        XCTAssertEqual(diff("<table><tr><td>1</td></tr></table>", "<table><tr><td>1</td></tr><tr><td>2</td></tr></table>"),
                       ##"[[4,[0,0],"tbody","\u003ctr\u003e\u003ctd\u003e2\u003c/td\u003e\u003c/tr\u003e"]]"##)
    }
}
