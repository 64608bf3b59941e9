import XCTest
@testable import LiveTSHTML

final class StreamSplitTests: XCTestCase {
    private func split(_ html: String) -> (kept: String, ops: String)? {
        guard let s = StreamSplit.split(HTMLDocument(Array(html.utf8))) else { return nil }
        return (String(decoding: s.kept, as: UTF8.self), String(decoding: s.ops, as: UTF8.self))
    }

    func testTheQuickLookFindsTheAttributeInAnyCaseAndAnywhere() {
        let yes = ["ts-stream", "<ul ts-stream=\"f\">", "<p>a-b-c</p><ul TS-Stream=x>", "<ul data-x=\"-\" ts-stream>",
                   String(repeating: "-", count: 100) + "ts-stream", "x-y ts-stream"]
        let no = ["", "ts-strea", "ts stream", "-stream", "s-stream", "<ul ts_stream>", String(repeating: "ts-", count: 50), "ts-streax"]
        for text in yes { XCTAssertTrue(StreamSplit.mentionsStream(Array(text.utf8)), text) }
        for text in no { XCTAssertFalse(StreamSplit.mentionsStream(Array(text.utf8)), text) }
    }

    func testItemsBecomeInsertsAndTheKeptContainerIsEmpty() {
        let s = split(#"<p>n</p><ul id="f" ts-stream="f"><template ts-stream-ops at="0 -1" limit="0 -500"></template> <li id="a">A</li><li id="b">B</li></ul>"#)
        XCTAssertEqual(s?.kept, #"<p>n</p><ul id="f" ts-stream="f"></ul>"#)
        XCTAssertEqual(s?.ops, #"[9,[1],"ul","<li id=\"a\">A\u003c/li>",0,0],[9,[1],"ul","<li id=\"b\">B\u003c/li>",-1,-500]"#)
    }

    func testResetAndDeletesComeBeforeInserts() {
        let s = split(#"<div><ol ts-stream="x"><template ts-stream-ops reset delete="a  b"></template><li id="c">C</li></ol></div>"#)
        XCTAssertEqual(s?.kept, #"<div><ol ts-stream="x"></ol></div>"#)
        XCTAssertEqual(s?.ops, #"[8,[0,0],"ol",""],[10,[0,0],"ol","a"],[10,[0,0],"ol","b"],[9,[0,0],"ol","<li id=\"c\">C\u003c/li>",-1,0]"#)
    }

    func testAMarkerAloneStillEmptiesAndDeletes() {
        let s = split(#"<ul ts-stream="f"><template ts-stream-ops delete="z"></template></ul>"#)
        XCTAssertEqual(s?.kept, #"<ul ts-stream="f"></ul>"#)
        XCTAssertEqual(s?.ops, #"[10,[0],"ul","z"]"#)
    }

    func testRendersWithoutStreamItemsAreKeptAsTheyAre() {
        XCTAssertNil(split("<ul><li>1</li></ul>"))
        XCTAssertNil(split(#"<ul ts-stream="f"></ul>"#))
    }

    func testContainersInsideItemsAreTheItemsOwnContent() {
        let s = split(#"<ul ts-stream="f"><li id="a"><ol ts-stream="g"><li id="x">x</li></ol></li></ul>"#)
        XCTAssertEqual(s?.ops, #"[9,[0],"ul","<li id=\"a\"><ol ts-stream=\"g\"><li id=\"x\">x\u003c/li>\u003c/ol>\u003c/li>",-1,0]"#)
    }

    func testLaterDiffsLeaveTheItemsAlone() {
        // The kept markup of two updates differ only outside the container;
        // the patch between them never touches it, even when large.
        let rows = (0..<200).map { "<i>\($0)</i>" }.joined()
        let a = HTMLDocument(Array(#"<ul ts-stream="f"></ul><p>\#(rows)</p>"#.utf8))
        let b = HTMLDocument(Array(#"<ul ts-stream="f"></ul><p>\#(rows.replacingOccurrences(of: "<i>", with: "<b>").replacingOccurrences(of: "</i>", with: "</b>"))</p>"#.utf8))
        let patch = String(decoding: HTMLDiffer.diff(old: a, new: b), as: UTF8.self)
        XCTAssertFalse(patch.hasPrefix(#"[[8,[],"#), patch.prefix(60).description)
        // The same change with no container is re-sent whole.
        let plain = { (d: HTMLDocument) in HTMLDocument(Array(String(decoding: d.source, as: UTF8.self).replacingOccurrences(of: " ts-stream=\"f\"", with: "").utf8)) }
        XCTAssertTrue(String(decoding: HTMLDiffer.diff(old: plain(a), new: plain(b)), as: UTF8.self).hasPrefix(#"[[8,[],"#))
    }

    func testAppendJoinsAPatchAndStreamOperations() {
        XCTAssertEqual(String(decoding: StreamSplit.append(Array("[9]".utf8), to: Array("[]".utf8)), as: UTF8.self), "[[9]]")
        XCTAssertEqual(String(decoding: StreamSplit.append(Array("[9]".utf8), to: Array("[[1]]".utf8)), as: UTF8.self), "[[1],[9]]")
        XCTAssertEqual(String(decoding: StreamSplit.append([], to: Array("[[1]]".utf8)), as: UTF8.self), "[[1]]")
    }
}
