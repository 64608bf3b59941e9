/// Writes nodes back as markup that parses (in a browser and in
/// `HTMLParser`) to the same nodes. Text and attribute values stay raw, so
/// entity references reach the browser untouched.
public enum HTMLSerializer {
    public static func serialize(_ node: Node) -> [UInt8] {
        var out: [UInt8] = []
        write(node, to: &out)
        return out
    }

    public static func serialize(_ nodes: [Node]) -> [UInt8] {
        var out: [UInt8] = []
        for node in nodes { write(node, to: &out) }
        return out
    }

    static func write(_ node: Node, to out: inout [UInt8]) {
        switch node.kind {
        case .text:
            writeText(node.data, to: &out)
        case .comment:
            out.append(contentsOf: commentOpen)
            out.append(contentsOf: node.data)
            out.append(contentsOf: commentClose)
        case .element:
            writeElement(node, to: &out)
        }
    }

    static func writeChildren(of node: Node, to out: inout [UInt8]) {
        if node.namespace == .html, let first = node.children.first, first.kind == .text,
           node.tag == .pre || node.tag == .listing || node.tag == .textarea,
           let byte = first.data.first, byte == ASCII.lf || byte == ASCII.cr {
            // The parser drops one leading newline here; give it one to drop.
            out.append(ASCII.lf)
        }
        if node.namespace == .html && node.tag.isRawText {
            // Raw-text content is never decoded, so it must not be escaped.
            for child in node.children where child.kind == .text {
                out.append(contentsOf: child.data)
            }
            return
        }
        for child in node.children { write(child, to: &out) }
    }

    private static func writeElement(_ node: Node, to out: inout [UInt8]) {
        out.append(ASCII.lt)
        out.append(contentsOf: node.name)
        for attribute in node.attributes {
            out.append(0x20)
            out.append(contentsOf: attribute.name)
            out.append(ASCII.equals)
            out.append(ASCII.doubleQuote)
            // A raw `"` (from a single-quoted or unquoted value) becomes
            // `&quot;`, which decodes to the same character.
            for byte in attribute.value {
                if byte == ASCII.doubleQuote {
                    out.append(contentsOf: quotEntity)
                } else {
                    out.append(byte)
                }
            }
            out.append(ASCII.doubleQuote)
        }
        out.append(ASCII.gt)
        if node.namespace == .html && node.tag.isVoid { return }
        writeChildren(of: node, to: &out)
        out.append(ASCII.lt)
        out.append(ASCII.slash)
        out.append(contentsOf: node.name)
        out.append(ASCII.gt)
    }

    private static func writeText(_ raw: ArraySlice<UInt8>, to out: inout [UInt8]) {
        // A text run can only end in `</` at the end of its input; written
        // before more markup that pair would start a tag, so escape the `<`.
        let count = raw.count
        if count >= 2 && raw[raw.endIndex - 2] == ASCII.lt && raw[raw.endIndex - 1] == ASCII.slash {
            out.append(contentsOf: raw.dropLast(2))
            out.append(contentsOf: ltEntity)
            out.append(ASCII.slash)
        } else {
            out.append(contentsOf: raw)
        }
    }
}

private let commentOpen: [UInt8] = Array("<!--".utf8)
private let commentClose: [UInt8] = Array("-->".utf8)
private let quotEntity: [UInt8] = Array("&quot;".utf8)
private let ltEntity: [UInt8] = Array("&lt;".utf8)
