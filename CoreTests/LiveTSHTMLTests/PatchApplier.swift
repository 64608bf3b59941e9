#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LiveTSHTML

/// The subset of JSON a patch uses.
indirect enum JSONValue: Equatable {
    case number(Int)
    case string([UInt8])
    case array([JSONValue])
}

struct PatchError: Error, CustomStringConvertible {
    let description: String
}

/// Reads patch JSON strictly; anything outside arrays, integers and strings
/// is an error, so malformed output fails the tests that apply it.
struct JSONReader {
    private let bytes: [UInt8]
    private var i = 0

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        let value = try reader.value()
        guard reader.i == bytes.count else { throw PatchError(description: "trailing bytes at \(reader.i)") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func value() throws -> JSONValue {
        guard i < bytes.count else { throw PatchError(description: "unexpected end") }
        switch bytes[i] {
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                items.append(try value())
                guard i < bytes.count else { throw PatchError(description: "unterminated array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw PatchError(description: "bad array separator at \(i)")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var n = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                n = n * 10 + Int(bytes[i] - 0x30)
                i += 1
            }
            return .number(n)
        default:
            throw PatchError(description: "unexpected byte \(bytes[i]) at \(i)")
        }
    }

    private mutating func string() throws -> [UInt8] {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return out }
            if b < 0x20 { throw PatchError(description: "raw control byte in string") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                continue
            }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code) else {
                    throw PatchError(description: "bad \\u escape")
                }
                i += 4
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw PatchError(description: "bad escape")
            }
        }
        throw PatchError(description: "unterminated string")
    }
}

/// Applies patches to a parsed tree the way the browser connector applies
/// them to the DOM: names checked, markup parsed as a fragment, text and
/// attribute values stored as the data they are.
struct PatchApplier {
    let root: Node

    init(html: [UInt8]) {
        root = Node(element: [], tag: .other, namespace: .html, attributes: [])
        root.children = HTMLParser.parseFragment(html)
    }

    func apply(_ patch: [UInt8]) throws {
        guard case .array(let ops) = try JSONReader.parse(patch) else {
            throw PatchError(description: "patch is not an array")
        }
        for op in ops { try apply(op: op) }
    }

    private func apply(op: JSONValue) throws {
        guard case .array(let items) = op, items.count >= 3,
              case .number(let code) = items[0], case .array(let pathItems) = items[1],
              case .string(let name) = items[2] else {
            throw PatchError(description: "malformed op \(op)")
        }
        var path: [Int] = []
        for item in pathItems {
            guard case .number(let index) = item else { throw PatchError(description: "bad path") }
            path.append(index)
        }
        func string(_ k: Int) throws -> [UInt8] {
            guard items.count > k, case .string(let value) = items[k] else {
                throw PatchError(description: "op \(code) lacks argument \(k)")
            }
            return value
        }
        let expectedCount = [4, 4, 5, 4, 4, 3, 4, 4, 4]
        guard code >= 0 && code < expectedCount.count, items.count == expectedCount[code] else {
            throw PatchError(description: "op \(code) has \(items.count) items")
        }
        let (parent, index, target) = try resolve(path)
        if !path.isEmpty && !target.expectedName.elementsEqual(name) {
            throw PatchError(description: "op \(code) at \(path) expected \(String(decoding: name, as: UTF8.self)), found \(String(decoding: target.expectedName, as: UTF8.self))")
        }
        if path.isEmpty && !name.isEmpty { throw PatchError(description: "root named \(name)") }
        switch code {
        case 0:
            guard let parent = parent else { throw PatchError(description: "replace of root") }
            parent.children.replaceSubrange(index...index, with: HTMLParser.parseFragment(try string(3)))
        case 1:
            guard target.kind != .element else { throw PatchError(description: "text op on element") }
            target.data = ArraySlice(try string(3))
        case 2:
            guard target.kind == .element, parent != nil else { throw PatchError(description: "set attribute on non-element") }
            let attributeName = ArraySlice(try string(3).map(ASCII.lower))
            let value = ArraySlice(try string(4))
            if let k = target.attributes.firstIndex(where: { $0.name == attributeName }) {
                target.attributes[k].value = value
            } else {
                target.attributes.append(Attribute(name: attributeName, value: value))
            }
        case 3:
            guard target.kind == .element, parent != nil else { throw PatchError(description: "remove attribute on non-element") }
            let attributeName = ArraySlice(try string(3).map(ASCII.lower))
            guard let k = target.attributes.firstIndex(where: { $0.name == attributeName }) else {
                throw PatchError(description: "removing a missing attribute")
            }
            target.attributes.remove(at: k)
        case 4:
            guard target.kind == .element else { throw PatchError(description: "append to non-element") }
            target.children.append(contentsOf: HTMLParser.parseFragment(try string(3)))
        case 5:
            guard let parent = parent else { throw PatchError(description: "remove of root") }
            parent.children.remove(at: index)
        case 6:
            guard let parent = parent else { throw PatchError(description: "insert before root") }
            parent.children.insert(contentsOf: HTMLParser.parseFragment(try string(3)), at: index)
        case 7:
            guard let parent = parent else { throw PatchError(description: "move of root") }
            guard case .number(let before) = items[3], before >= 0, before <= parent.children.count else {
                throw PatchError(description: "bad move target")
            }
            // Like insertBefore: the reference node is taken before the move.
            let reference: Node? = before < parent.children.count ? parent.children[before] : nil
            let moved = parent.children.remove(at: index)
            if let reference, reference !== moved {
                parent.children.insert(moved, at: parent.children.firstIndex(where: { $0 === reference })!)
            } else if reference == nil {
                parent.children.append(moved)
            } else {
                parent.children.insert(moved, at: index)
            }
        case 8:
            guard target.kind == .element else { throw PatchError(description: "set children of non-element") }
            target.children = HTMLParser.parseFragment(try string(3))
        default:
            throw PatchError(description: "unknown op \(code)")
        }
    }

    private func resolve(_ path: [Int]) throws -> (Node?, Int, Node) {
        var parent: Node? = nil
        var node = root
        var last = 0
        for index in path {
            guard node.kind == .element, index >= 0, index < node.children.count else {
                throw PatchError(description: "path \(path) does not exist")
            }
            parent = node
            node = node.children[index]
            last = index
        }
        return (parent, last, node)
    }
}

/// Deterministic generator (SplitMix64) so failures reproduce.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ bound: Int) -> Int {
        return Int(next() % UInt64(bound))
    }

    mutating func chance(_ percent: Int) -> Bool {
        return int(100) < percent
    }

    mutating func pick<T>(_ items: [T]) -> T {
        return items[int(items.count)]
    }
}

/// Diffs, applies and compares; returns the patch and a description of what
/// went wrong, if anything.
func checkPatch(old: [UInt8], new: [UInt8]) -> (patch: [UInt8], failure: String?) {
    let patch = HTMLDiffer.diff(old: old, new: new)
    let context = "\nold: \(String(decoding: old, as: UTF8.self).debugDescription)\nnew: \(String(decoding: new, as: UTF8.self).debugDescription)\npatch: \(String(decoding: patch, as: UTF8.self))"
    let applier = PatchApplier(html: old)
    do {
        try applier.apply(patch)
    } catch {
        return (patch, "\(error)\(context)")
    }
    let got = describe(applier.root.children, decoded: true)
    let want = describe(HTMLParser.parseFragment(new), decoded: true)
    if got != want {
        return (patch, "applied patch differs\ngot:  \(got)\nwant: \(want)\(context)")
    }
    return (patch, nil)
}

private let garbagePieces: [[UInt8]] = [
    "<", "</", ">", "/>", "<!--", "-->", "--!>", "<!", "<?", "=", "\"", "'", " ", "\n", "&", "&amp", ";", "#",
    "div", "p", "li", "td", "tr", "table", "svg", "math", "b", "script", "textarea", "pre", "title", "a", "x",
    "\u{0}", "\r", "é", "template", "foreignObject", "select", "option", "button", "h1", "plaintext", "mi", "g",
].map { Array($0.utf8) }

/// Markup-flavoured noise: mostly tag and reference fragments, some raw bytes.
func garbage(_ random: inout SeededRandom) -> [UInt8] {
    var input: [UInt8] = []
    for _ in 0..<random.int(60) {
        if random.chance(15) {
            input.append(UInt8(truncatingIfNeeded: random.next()))
        } else {
            input += random.pick(garbagePieces)
        }
    }
    return input
}

func environment(_ name: String) -> String? {
    return getenv(name).map { String(cString: $0) }
}
