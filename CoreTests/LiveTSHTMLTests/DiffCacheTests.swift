import XCTest
@testable import LiveTSHTML

final class DiffCacheTests: XCTestCase {
    func testIdenticalRendersShareTreesAndPatches() {
        let cache = HTMLDiffCache()
        let before = Array("<p>1</p>".utf8)
        let after = Array("<p>2</p>".utf8)
        var patches: [[UInt8]] = []
        for _ in 0..<1000 {
            // Each view hands in its own copy of the same markup.
            let old = cache.document(for: Array(before))
            let new = cache.document(for: Array(after))
            patches.append(cache.patch(from: old, to: new))
        }
        XCTAssertEqual(Set(patches.map { String(decoding: $0, as: UTF8.self) }), [##"[[1,[0,0],"#text","2"]]"##])
        XCTAssertEqual(cache.documentHits, 1998)
        XCTAssertEqual(cache.patchHits, 999)
    }

    func testDifferentMarkupIsNeverConfused() {
        let cache = HTMLDiffCache(documents: 2, patches: 2)
        let a = cache.document(for: Array("<p>a</p>".utf8))
        let b = cache.document(for: Array("<p>b</p>".utf8))
        XCTAssertFalse(a === b)
        XCTAssertEqual(String(decoding: cache.patch(from: a, to: b), as: UTF8.self), ##"[[1,[0,0],"#text","b"]]"##)
        XCTAssertEqual(String(decoding: cache.patch(from: b, to: a), as: UTF8.self), ##"[[1,[0,0],"#text","a"]]"##)
        // Evicted entries are parsed again, never answered from stale ones.
        for k in 0..<10 { _ = cache.document(for: Array("<i>\(k)</i>".utf8)) }
        let again = cache.document(for: Array("<p>a</p>".utf8))
        XCTAssertEqual(again.source, Array("<p>a</p>".utf8))
        XCTAssertEqual(String(decoding: cache.patch(from: again, to: b), as: UTF8.self), ##"[[1,[0,0],"#text","b"]]"##)
    }
}

final class DiffCacheBoundsTests: XCTestCase {
    func testLargeMarkupIsNotHeldAndTreesFromElsewhereAreDiffedDirectly() {
        let cache = HTMLDiffCache(documents: 8, patches: 8, bytes: 1000)
        let big = Array(("<p>" + String(repeating: "x", count: 400) + "</p>").utf8)
        let a = cache.document(for: big)
        let b = cache.document(for: big)
        XCTAssertFalse(a === b, "markup over a quarter of the budget is parsed each time")
        let foreign = HTMLDocument(Array("<p>y</p>".utf8))
        let small = cache.document(for: Array("<p>x</p>".utf8))
        XCTAssertEqual(String(decoding: cache.patch(from: small, to: foreign), as: UTF8.self), ##"[[1,[0,0],"#text","y"]]"##)
        XCTAssertEqual(cache.patchHits, 0)
        // Another cache's trees are never looked up here.
        let other = HTMLDiffCache()
        let x = other.document(for: Array("<p>x</p>".utf8))
        let y = other.document(for: Array("<p>z</p>".utf8))
        XCTAssertEqual(String(decoding: cache.patch(from: x, to: y), as: UTF8.self), ##"[[1,[0,0],"#text","z"]]"##)
    }
}
