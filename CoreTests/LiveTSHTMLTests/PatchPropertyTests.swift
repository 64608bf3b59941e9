import XCTest
@testable import LiveTSHTML

/// Applying `diff(old, new)` to the tree of `old` must give the tree of `new`
/// (compared as a browser would hold them: references decoded), for random
/// documents and random edits.
final class PatchPropertyTests: XCTestCase {
    /// LIVETS_HTML_SEED and LIVETS_HTML_ROUNDS widen the search locally; the
    /// defaults keep the suite deterministic.
    func testRandomEditsRoundTrip() {
        let seed = environment("LIVETS_HTML_SEED").flatMap { UInt64($0) } ?? 0x11FE75
        let rounds = environment("LIVETS_HTML_ROUNDS").flatMap { Int($0) } ?? 2500
        var random = SeededRandom(seed: seed)
        var nonEmpty = 0
        var failures = 0
        for round in 0..<rounds {
            if failures >= 10 { break }
            let (old, new): ([UInt8], [UInt8])
            if round % 5 == 4 {
                (old, new) = byteLevelEdit(&random)
            } else {
                let document = Generator.children(&random, depth: 0, context: .flow)
                var edited = document.map { $0.copy() }
                for _ in 0..<(1 + random.int(3)) { Generator.edit(&edited, &random) }
                old = Array(Generator.markup(document, &random).utf8)
                new = Array(Generator.markup(edited, &random).utf8)
            }
            let (patch, failure) = checkPatch(old: old, new: new)
            if patch != Array("[]".utf8) { nonEmpty += 1 }
            if let failure = failure {
                XCTFail("round \(round): \(failure)")
                failures += 1
            }
        }
        // Guard against a generator that stopped producing changes.
        XCTAssertGreaterThan(nonEmpty, rounds * 4 / 5)
    }

    /// Keyed rows between whitespace, permuted, with rows added, removed and
    /// changed: the patch must land on the new tree, and a pure permutation
    /// must move nodes rather than re-send markup.
    func testKeyedListsRoundTrip() {
        var random = SeededRandom(seed: environment("LIVETS_HTML_SEED").flatMap { UInt64($0) } ?? 0x4B3D)
        let rounds = environment("LIVETS_HTML_ROUNDS").flatMap { Int($0) } ?? 1500
        var failures = 0
        var moves = 0
        for round in 0..<rounds where failures < 10 {
            let count = 1 + random.int(random.chance(20) ? 200 : 12)
            var ids = Array(0..<count)
            let table = random.chance(50)
            func markup(_ ids: [Int], changed: Set<Int> = []) -> [UInt8] {
                var out = table ? "<table><tbody>" : "<ul>"
                for id in ids {
                    let label = changed.contains(id) ? "changed \(id)" : "row \(id)"
                    out += table ? "\n  <tr id=\"r\(id)\"><td>\(id)</td><td>\(label)</td></tr>"
                                 : "\n  <li ts-key=\"\(id)\">\(label)</li>"
                }
                return Array((out + (table ? "\n</tbody></table>" : "\n</ul>")).utf8)
            }
            let old = markup(ids)
            let permutationOnly = random.chance(40)
            var changed: Set<Int> = []
            for _ in 0..<(1 + random.int(4)) {
                switch permutationOnly ? 0 : random.int(4) {
                case 0:
                    let from = random.int(ids.count)
                    let id = ids.remove(at: from)
                    ids.insert(id, at: random.int(ids.count + 1))
                case 1:
                    ids.insert(1000 + random.int(1000), at: random.int(ids.count + 1))
                    ids = Array(uniqued(ids))
                case 2:
                    if ids.count > 1 { ids.remove(at: random.int(ids.count)) }
                default:
                    changed.insert(random.pick(ids))
                }
            }
            let new = markup(ids, changed: changed)
            let (patch, failure) = checkPatch(old: old, new: new)
            if let failure {
                XCTFail("round \(round): \(failure)")
                failures += 1
            }
            let text = String(decoding: patch, as: UTF8.self)
            if permutationOnly {
                XCTAssertFalse(text.contains("<"), "round \(round): a permutation re-sent markup: \(text)")
                if text.contains("[7,") { moves += 1 }
            }
        }
        XCTAssertGreaterThan(moves, rounds / 5)
    }

    /// Unrelated inputs, mostly malformed: the patch may be a wholesale
    /// rewrite but must still apply cleanly and land on the new tree.
    func testGarbagePairsRoundTrip() {
        var random = SeededRandom(seed: environment("LIVETS_HTML_SEED").flatMap { UInt64($0) } ?? 99)
        let rounds = environment("LIVETS_HTML_ROUNDS").flatMap { Int($0) } ?? 1500
        var previous: [UInt8] = []
        var failures = 0
        for round in 0..<rounds where failures < 10 {
            let next = garbage(&random)
            if let failure = checkPatch(old: previous, new: next).failure {
                XCTFail("round \(round): \(failure)")
                failures += 1
            }
            previous = next
        }
    }

    private func byteLevelEdit(_ random: inout SeededRandom) -> ([UInt8], [UInt8]) {
        let base = Array(Generator.markup(Generator.children(&random, depth: 0, context: .flow), &random).utf8)
        var edited = base
        let junk: [String] = ["<", "</div>", "<p>", "<li>", "&amp", "\"", ">", "<!--", "-->", "<td>", "<svg>", "</",
                              "<b><i>", "</p>", "x", " ", "<table>", "<tr>", "=", "'", "<script>", "<br/>"]
        for _ in 0..<(1 + random.int(3)) {
            let at = random.int(edited.count + 1)
            switch random.int(3) {
            case 0:
                edited.insert(contentsOf: Array(random.pick(junk).utf8), at: at)
            case 1:
                let end = min(edited.count, at + random.int(8))
                edited.removeSubrange(at..<end)
            default:
                let end = min(edited.count, at + random.int(4))
                edited.replaceSubrange(at..<end, with: Array(random.pick(junk).utf8))
            }
        }
        return random.chance(50) ? (base, edited) : (edited, base)
    }
}

/// A document model that is easy to edit; markup is written from it with
/// random but equivalent spellings (case, quoting, optional end tags).
final class GenNode {
    enum Kind { case element, text, comment }
    var kind: Kind
    var name: String
    var attributes: [(String, String)]
    var children: [GenNode]
    var text: String

    init(element name: String, attributes: [(String, String)] = [], children: [GenNode] = []) {
        kind = .element
        self.name = name
        self.attributes = attributes
        self.children = children
        text = ""
    }

    init(kind: Kind, text: String) {
        self.kind = kind
        name = ""
        attributes = []
        children = []
        self.text = text
    }

    func copy() -> GenNode {
        let node = GenNode(element: name, attributes: attributes, children: children.map { $0.copy() })
        node.kind = kind
        node.text = text
        return node
    }
}

enum Generator {
    enum Context { case flow, list, keyed, table, row, select, svg, definitions }

    static let texts = ["hello", "a &amp; b", "x < y", "&lt;tag&gt;", "1 &copy 2", " ", "\n  ", "quote \" '",
                        "é ü 日本", "&#169;", "&nbsp;x", "tab\t", "42", "&notin; &notit", "a\r\nb", "3", "4"]
    static let values = ["", "a", "a b", "&amp;", "\"q\"", "it's", "&quot;", "1&2", "&copy=3", "&#x41;", "x>y", "4"]
    static let attributeNames = ["id", "class", "href", "data-x", "title", "value", "disabled", "style", "@click",
                                 "x-on:click"]
    static let rawContents = ["", "a < b && c", "x", "</p>", "\nline", "<!-- -->"]

    static func children(_ random: inout SeededRandom, depth: Int, context: Context) -> [GenNode] {
        let count = depth > 4 ? 0 : random.int(context == .keyed ? 12 : depth == 0 ? 6 : 4)
        var out: [GenNode] = []
        for _ in 0..<count {
            let node = self.node(&random, depth: depth, context: context)
            // Adjacent text would merge when parsed; keep the model honest.
            if node.kind == .text, out.last?.kind == .text { continue }
            out.append(node)
        }
        return out
    }

    static func node(_ random: inout SeededRandom, depth: Int, context: Context) -> GenNode {
        func element(_ name: String, _ inner: Context) -> GenNode {
            GenNode(element: name, attributes: attributes(&random),
                    children: children(&random, depth: depth + 1, context: inner))
        }
        switch context {
        case .list:
            return random.chance(85) ? element("li", .flow) : GenNode(kind: .text, text: " ")
        case .keyed:
            if random.chance(20) { return GenNode(kind: .text, text: random.pick([" ", "\n  "])) }
            let node = element(random.pick(["li", "div", "p"]), .flow)
            node.attributes.removeAll { $0.0 == "id" }
            node.attributes.insert((random.chance(70) ? "id" : "ts-key", "k\(random.int(40))"), at: 0)
            return node
        case .definitions:
            return element(random.pick(["dt", "dd"]), .flow)
        case .table:
            return random.chance(50) ? element("tr", .row) : element(random.pick(["tbody", "thead"]), .table)
        case .row:
            return element(random.pick(["td", "th"]), .flow)
        case .select:
            return GenNode(element: "option", attributes: attributes(&random),
                           children: [GenNode(kind: .text, text: random.pick(["a", "b", "c &amp; d"]))])
        case .svg:
            switch random.int(6) {
            case 0: return GenNode(kind: .text, text: random.pick(["t", "u &amp; v"]))
            case 1: return element("text", .svg)
            case 2: return element("g", .svg)
            case 3: return GenNode(element: "rect", attributes: [("viewbox", random.pick(["0 0 1 1", "0 0 2 2"]))])
            default: return GenNode(element: random.pick(["circle", "path", "title"]), attributes: attributes(&random))
            }
        case .flow:
            break
        }
        switch random.int(20) {
        case 0, 1, 2, 3, 4:
            return GenNode(kind: .text, text: random.pick(texts))
        case 5:
            return GenNode(kind: .comment, text: random.pick(["", " c ", "x-y", "a > b"]))
        case 6:
            return GenNode(element: random.pick(["br", "img", "input", "hr"]), attributes: attributes(&random))
        case 7:
            return GenNode(element: random.pick(["textarea", "script", "style", "title"]), attributes: attributes(&random),
                           children: [GenNode(kind: .text, text: random.pick(rawContents))])
        case 8:
            return random.chance(50) ? element(random.pick(["ul", "ol"]), .list) : element("div", .keyed)
        case 9:
            return element("table", .table)
        case 10:
            return element("select", .select)
        case 11:
            return element("svg", .svg)
        case 12:
            return element("dl", .definitions)
        case 13:
            return element(random.pick(["pre", "template", "button"]), .flow)
        default:
            return element(random.pick(["div", "span", "p", "b", "i", "a", "em", "section", "h2", "code", "label"]), .flow)
        }
    }

    static func attributes(_ random: inout SeededRandom) -> [(String, String)] {
        var out: [(String, String)] = []
        for _ in 0..<random.int(3) {
            let name = random.pick(attributeNames)
            if out.contains(where: { $0.0 == name }) { continue }
            out.append((name, random.pick(values)))
        }
        return out
    }

    /// Every node with the list that holds it, for picking an edit target.
    private static func slots(_ nodes: [GenNode], parent: GenNode?, into out: inout [(GenNode?, Int)]) {
        for (i, node) in nodes.enumerated() {
            out.append((parent, i))
            if node.kind == .element { slots(node.children, parent: node, into: &out) }
        }
    }

    static func edit(_ document: inout [GenNode], _ random: inout SeededRandom) {
        var all: [(GenNode?, Int)] = []
        slots(document, parent: nil, into: &all)
        guard !all.isEmpty else {
            document = children(&random, depth: 0, context: .flow)
            return
        }
        let (parent, index) = random.pick(all)
        var siblings = parent?.children ?? document
        let node = siblings[index]
        switch random.int(11) {
        case 0:
            if node.kind == .element, let i = node.children.firstIndex(where: { $0.kind == .text }) {
                node.children[i].text = random.pick(texts + rawContents)
            } else {
                node.text = random.pick(texts)
            }
        case 1:
            if node.kind == .element {
                node.attributes = attributes(&random)
            } else {
                node.text = random.pick(["", " c ", "changed", "a &amp; b"])
            }
        case 2:
            if node.kind == .element && !node.attributes.isEmpty {
                node.attributes[random.int(node.attributes.count)].1 = random.pick(values)
            }
        case 3:
            siblings.remove(at: index)
        case 4:
            siblings.insert(self.node(&random, depth: 2, context: .flow), at: random.int(siblings.count + 1))
        case 5:
            siblings[index] = self.node(&random, depth: 2, context: .flow)
        case 6:
            if node.kind == .element && ["div", "span", "p", "b", "i", "section"].contains(node.name) {
                node.name = random.pick(["div", "span", "p", "b", "i", "section"])
            }
        case 8, 9:
            // Moves: one node elsewhere, or the whole run shuffled.
            if random.chance(50) {
                let moved = siblings.remove(at: index)
                siblings.insert(moved, at: random.int(siblings.count + 1))
            } else {
                for k in stride(from: siblings.count - 1, to: 0, by: -1) { siblings.swapAt(k, random.int(k + 1)) }
            }
        default:
            siblings.append(self.node(&random, depth: 3, context: .flow))
        }
        if let parent = parent {
            parent.children = siblings
        } else {
            document = siblings
        }
    }

    static func markup(_ nodes: [GenNode], _ random: inout SeededRandom) -> String {
        var out = ""
        for (i, node) in nodes.enumerated() {
            write(node, last: i == nodes.count - 1, &random, into: &out)
        }
        return out
    }

    private static let voids: Set<String> = ["br", "img", "input", "hr"]
    private static let optionalEnd: Set<String> = ["li", "dt", "dd", "option", "tr", "td", "th", "p"]

    private static func write(_ node: GenNode, last: Bool, _ random: inout SeededRandom, into out: inout String) {
        switch node.kind {
        case .text:
            out += node.text
        case .comment:
            out += "<!--" + node.text + "-->"
        case .element:
            let name = random.chance(10) ? node.name.uppercased() : node.name
            out += "<" + name
            for (attribute, value) in node.attributes {
                out += " " + (random.chance(10) ? attribute.uppercased() : attribute)
                let bare = value.isEmpty && random.chance(50)
                let unquoted = !value.isEmpty && !value.contains(where: { " \"'=<>`".contains($0) }) && random.chance(30)
                if bare {
                    continue
                } else if unquoted {
                    out += "=" + value
                } else if value.contains("\"") {
                    out += "='" + value + "'"
                } else {
                    out += random.chance(20) ? "='" + value + "'" : "=\"" + value + "\""
                }
            }
            out += voids.contains(node.name) && random.chance(30) ? "/>" : ">"
            if voids.contains(node.name) { return }
            for (i, child) in node.children.enumerated() {
                write(child, last: i == node.children.count - 1, &random, into: &out)
            }
            // Optional end tags are only left out where the next thing closes
            // the element anyway (its parent's end tag) or where it does not
            // matter for the property.
            if optionalEnd.contains(node.name) && last && random.chance(30) { return }
            out += "</" + name + ">"
        }
    }
}

/// Drops repeated elements, keeping the first of each.
func uniqued(_ values: [Int]) -> [Int] {
    var seen = Set<Int>()
    return values.filter { seen.insert($0).inserted }
}
