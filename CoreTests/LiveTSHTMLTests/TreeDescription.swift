@testable import LiveTSHTML

/// A compact, unambiguous rendering of a node list for assertions:
/// elements as `name[attr="value"](children)`, text as `"..."`, comments as
/// `<!--...-->`, children separated by spaces, foreign elements prefixed
/// `svg:` / `math:`.
///
/// Trees hold text and attribute values as the DOM does (references
/// decoded). With `decoded`, attributes are also sorted by name, so two
/// trees a browser cannot tell apart describe the same.
func describe(_ nodes: [Node], decoded: Bool = false) -> String {
    var out = ""
    for (i, node) in nodes.enumerated() {
        if i > 0 { out += " " }
        describe(node, decoded: decoded, into: &out)
    }
    return out
}

func describe(_ node: Node, decoded: Bool, into out: inout String) {
    switch node.kind {
    case .text:
        out += "\"" + visible(node.data) + "\""
    case .comment:
        out += "<!--" + visible(node.data) + "-->"
    case .element:
        switch node.namespace {
        case .html: break
        case .svg: out += "svg:"
        case .mathml: out += "math:"
        }
        out += String(decoding: node.name, as: UTF8.self)
        if !node.attributes.isEmpty {
            out += "["
            let attributes = decoded
                ? node.attributes.sorted { $0.name.lexicographicallyPrecedes($1.name) }
                : node.attributes
            for (i, attribute) in attributes.enumerated() {
                if i > 0 { out += " " }
                out += String(decoding: attribute.name, as: UTF8.self) + "=\"" + visible(attribute.value) + "\""
            }
            out += "]"
        }
        out += "("
        out += describe(node.children, decoded: decoded)
        out += ")"
    }
}

private func visible(_ bytes: ArraySlice<UInt8>) -> String {
    var out = ""
    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default:
            if scalar.value < 0x20 {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

func parse(_ html: String) -> [Node] {
    return HTMLParser.parseFragment(Array(html.utf8))
}

func tree(_ html: String) -> String {
    return describe(parse(html))
}
