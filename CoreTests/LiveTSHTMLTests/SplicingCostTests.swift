import Foundation
import XCTest
@testable import LiveTSHTML

/// What a one-cell event costs the core on the render benchmark's table
/// (scripts/bench/peers/render-server.js), spliced in place and parsed
/// whole, at 300 and 1,000 rows. Prints per-event times; run in release
/// for numbers: `swift test -c release --filter SplicingCostTests`.
/// Asserts only what holds on any machine: the spliced patch is the full
/// path's, and splicing does not grow with the page as parsing does.
final class SplicingCostTests: XCTestCase {
    static func row(_ id: Int, _ score: Int) -> String {
        "<tr ts-key=\"\(id)\"><td>\(id)</td><td>Row \(id)</td><td><a href=\"mailto:o\(id)@x.org\">o\(id)@x.org</a></td>\n"
            + "          <td class=\"\(score % 2 == 1 ? "odd" : "even")\">\(score)</td><td><button ts-on:click=\"bump\" ts-value-id=\"\(id)\">+1</button></td></tr>"
    }

    static func table(_ scores: [Int]) -> [UInt8] {
        Array((head + scores.enumerated().map { SplicingCostTests.row($0.offset, $0.element) }.joined() + "</tbody></table>").utf8)
    }

    private static let head = "<table><thead><tr><th>#</th><th>Name</th><th>Owner</th><th>Score</th><th></th></tr></thead>\n<tbody>"

    /// The splices between two renders, one per changed row (its common head and tail kept), as template tracking gives.
    static func splices(_ old: [Int], _ new: [Int]) -> [SourceSplice] {
        var out: [SourceSplice] = []
        var at = head.utf8.count
        for k in old.indices {
            let a = Array(row(k, old[k]).utf8)
            if old[k] != new[k] {
                let b = Array(row(k, new[k]).utf8)
                var h = 0
                while h < a.count && h < b.count && a[h] == b[h] { h += 1 }
                var t = 0
                while t < a.count - h && t < b.count - h && a[a.count - 1 - t] == b[b.count - 1 - t] { t += 1 }
                out.append(SourceSplice(offset: at + h, removed: a.count - h - t, inserted: b.count - h - t))
            }
            at += a.count
        }
        return out
    }

    private func measure(rows: Int, events: Int) -> (spliced: Double, full: Double) {
        var scores = Array(repeating: 0, count: rows)
        var tree = HTMLDocument(SplicingCostTests.table(scores)).mutableCopy()
        var renders: [(html: [UInt8], splices: [SourceSplice])] = []
        for i in 0..<events {
            let previous = scores
            scores[(i * 7) % rows] += 1
            renders.append((SplicingCostTests.table(scores), SplicingCostTests.splices(previous, scores)))
        }
        var spliced: UInt64 = 0
        var fellBack = 0
        for (next, s) in renders {
            let started = DispatchTime.now().uptimeNanoseconds
            let patch = tree.splice(s, into: next)
            spliced += DispatchTime.now().uptimeNanoseconds - started
            if patch == nil {
                fellBack += 1
                tree = HTMLDocument(next).mutableCopy()
            }
        }
        XCTAssertLessThan(fellBack, events / 50 + 2, "one-cell events stay on the spliced path")
        var full: UInt64 = 0
        var old = HTMLDocument(SplicingCostTests.table(Array(repeating: 0, count: rows)))
        for (next, _) in renders {
            let started = DispatchTime.now().uptimeNanoseconds
            let new = HTMLDocument(next)
            _ = HTMLDiffer.diff(old: old, new: new)
            full += DispatchTime.now().uptimeNanoseconds - started
            old = new
        }
        return (Double(spliced) / Double(events) / 1000, Double(full) / Double(events) / 1000)
    }

    func testAOneCellEventCostsWhatChanged() {
        // The patches agree with the full path's.
        var scores = Array(repeating: 0, count: 300)
        let tree = HTMLDocument(SplicingCostTests.table(scores)).mutableCopy()
        for i in 0..<40 {
            let previous = scores
            scores[(i * 13) % 300] += 1
            if i % 9 == 0 { scores[(i * 17 + 5) % 300] += 3 }
            let next = SplicingCostTests.table(scores)
            let before = tree.mutableCopy()
            let patch = tree.splice(SplicingCostTests.splices(previous, scores), into: next)
            XCTAssertNotNil(patch)
            let full = HTMLDocument(next)
            XCTAssertEqual(patch.map { String(decoding: $0, as: UTF8.self) }, String(decoding: HTMLDiffer.diff(old: before, new: full), as: UTF8.self))
            XCTAssertTrue(tree.isSameTree(as: full))
        }

        #if DEBUG
        let events = 60
        #else
        let events = 2000
        #endif
        let small = measure(rows: 300, events: events)
        let large = measure(rows: 1000, events: events)
        print(String(format: "splicing cost: 300 rows %.2f µs spliced, %.1f µs parsed and diffed; 1,000 rows %.2f µs spliced, %.1f µs parsed and diffed",
                     small.spliced, small.full, large.spliced, large.full))
        XCTAssertLessThan(small.spliced, small.full)
        XCTAssertLessThan(large.spliced, large.full)
    }
}
