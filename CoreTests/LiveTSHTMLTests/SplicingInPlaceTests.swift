import XCTest
@testable import LiveTSHTML

/// Splicing that writes over the source: the same tree and patch as
/// splicing into a new source, the bytes changed where they lie when the
/// tree holds them alone, and nothing changed when it gives nil.
final class SplicingInPlaceTests: XCTestCase {
    private func page(_ cells: [String]) -> [UInt8] {
        Array(("<table><tbody>" + cells.enumerated().map { "<tr ts-key=\"\($0.offset)\"><td class=\"c\">\($0.element)</td></tr>" }.joined()
            + "</tbody></table>").utf8)
    }

    /// The splice of cell `k` from `old` to `new` (as page() lays cells out).
    private func cellSplice(_ cells: [String], _ k: Int, _ text: String) -> (SourceSplice, [UInt8]) {
        let head = page(Array(cells[..<k])).count - "</tbody></table>".utf8.count
        let offset = head + "<tr ts-key=\"\(k)\"><td class=\"c\">".utf8.count
        let bytes = Array(text.utf8)
        return (SourceSplice(offset: offset, removed: cells[k].utf8.count, inserted: bytes.count), bytes)
    }

    func testWritesTheSameTreeAndPatchAsANewSource() {
        var cells = (0..<100).map { "cell \($0)" }
        let inPlace = HTMLDocument(page(cells)).mutableCopy()
        let copied = HTMLDocument(page(cells)).mutableCopy()
        for round in 0..<60 {
            let k = (round * 37) % cells.count
            let text = round % 3 == 0 ? "longer text é \(round)" : "\(round)"
            let (splice, bytes) = cellSplice(cells, k, text)
            cells[k] = text
            let expected = page(cells)
            let before = inPlace.mutableCopy()
            let patchInPlace = inPlace.splice([splice], writing: [bytes])
            let patchCopied = copied.splice([splice], into: expected)
            XCTAssertNotNil(patchInPlace)
            XCTAssertEqual(patchInPlace.map(decoded), patchCopied.map(decoded))
            XCTAssertEqual(decoded(inPlace.source), decoded(expected))
            XCTAssertTrue(inPlace.isSameTree(as: HTMLDocument(expected)))
            XCTAssertEqual(patchInPlace.map(decoded), decoded(HTMLDiffer.diff(old: before, new: HTMLDocument(expected))))
        }
    }

    func testASourceHeldByTheTreeAloneIsChangedWhereItLies() {
        let cells = (0..<200).map { "\($0)" }
        let tree = HTMLDocument(page(cells)).mutableCopy()
        let address = tree.source.withUnsafeBufferPointer { $0.baseAddress }
        let (splice, bytes) = cellSplice(cells, 150, "9")
        XCTAssertNotNil(tree.splice([splice], writing: [bytes]))
        XCTAssertEqual(tree.source.withUnsafeBufferPointer { $0.baseAddress }, address, "no copy of the page")
    }

    func testNilLeavesTheTreeAndItsSourceAsTheyWere() {
        let cells = ["a", "b", "c"]
        let original = page(cells)
        let tree = HTMLDocument(original).mutableCopy()
        // A change only a full parse can tell (a cell becomes a row's end), one past the end, one out of order.
        let (inCell, _) = cellSplice(cells, 1, "x")
        let bad: [([SourceSplice], [[UInt8]])] = [
            ([inCell], [Array("</td></tr><tr><td>".utf8)]),
            ([SourceSplice(offset: original.count, removed: 1, inserted: 0)], [[]]),
            ([SourceSplice(offset: 40, removed: 1, inserted: 1), SourceSplice(offset: 20, removed: 1, inserted: 1)], [[0x61], [0x62]]),
            ([inCell], [Array("ts-stream".utf8)]),
        ]
        for (splices, texts) in bad {
            let fixed = splices.enumerated().map { SourceSplice(offset: $0.element.offset, removed: $0.element.removed, inserted: texts[$0.offset].count) }
            XCTAssertNil(tree.splice(fixed, writing: texts))
            XCTAssertEqual(decoded(tree.source), decoded(original))
            XCTAssertTrue(tree.isSameTree(as: HTMLDocument(original)))
        }
        // And it still splices afterwards.
        let (good, bytes) = cellSplice(cells, 2, "z")
        XCTAssertNotNil(tree.splice([good], writing: [bytes]))
        XCTAssertEqual(decoded(tree.source), decoded(page(["a", "b", "z"])))
    }

    private func decoded(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
