@testable import LiveTSHTML

/// A compact, unambiguous rendering of a node list for assertions:
/// elements as `name[attr="value"](children)`, text as `"..."`, comments as
/// `<!--...-->`, children separated by spaces, foreign elements prefixed
/// `svg:` / `math:`.
///
/// With `decoded`, text and attribute values show the characters a browser
/// would hold (references decoded) and attributes sorted by name, so two
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
        out += "\"" + visible(node.data, decode: decoded) + "\""
    case .comment:
        out += "<!--" + visible(node.data, decode: false) + "-->"
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
                let value: [UInt8] = decoded
                    ? CharacterReferences.decode(attribute.value, inAttribute: true)
                    : Array(attribute.value)
                out += String(decoding: attribute.name, as: UTF8.self) + "=\"" + visible(value[...], decode: false) + "\""
            }
            out += "]"
        }
        out += "("
        // Raw-text content is never decoded by a browser.
        let raw = node.namespace == .html && node.tag.isRawText
        out += describe(node.children, decoded: decoded && !raw)
        out += ")"
    }
}

private func visible(_ bytes: ArraySlice<UInt8>, decode: Bool) -> String {
    let data = decode ? CharacterReferences.decode(bytes, inAttribute: false) : Array(bytes)
    var out = ""
    for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
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
