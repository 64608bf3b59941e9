/// Writes nodes back as markup that parses, in a browser's `<template>` and
/// in `HTMLParser`, to the same nodes: the patch's `replace` and `insert`
/// payloads. Trees hold DOM values, so text and attribute values are escaped
/// here.
enum Serializer {
    /// `emptying`: elements written without their children (stream
    /// containers, whose children the core does not keep).
    static func write(_ document: HTMLDocument, _ index: Int, to out: inout [UInt8], emptying: Set<Int> = []) {
        let node = document.nodes[index]
        switch node.kind {
        case .text:
            escape(document.bytes(node.text), attribute: false, to: &out)
        case .comment:
            writeComment(document.bytes(node.text), to: &out)
        case .element:
            out.append(ASCII.lt)
            out.append(contentsOf: document.bytes(node.text))
            var k = Int(node.firstAttribute)
            let end = k + Int(node.attributeCount)
            while k < end {
                let attribute = document.attributes[k]
                out.append(0x20)
                out.append(contentsOf: document.bytes(attribute.name))
                out.append(ASCII.equals)
                out.append(ASCII.doubleQuote)
                escape(document.bytes(attribute.value), attribute: true, to: &out)
                out.append(ASCII.doubleQuote)
                k += 1
            }
            out.append(ASCII.gt)
            if node.namespace == .html && node.tag.isVoid { return }
            if !emptying.contains(index) { writeChildren(document, index, to: &out, emptying: emptying) }
            out.append(ASCII.lt)
            out.append(ASCII.slash)
            out.append(contentsOf: document.bytes(node.text))
            out.append(ASCII.gt)
        }
    }

    static func writeChildren(_ document: HTMLDocument, _ index: Int, to out: inout [UInt8], emptying: Set<Int> = []) {
        let node = document.nodes[index]
        var child = index + 1
        let end = Int(node.end)
        guard child < end else { return }
        if node.namespace == .html && (node.tag == .pre || node.tag == .listing || node.tag == .textarea),
           document.nodes[child].kind == .text, document.nodes[child].text.count > 0,
           document.pointer(document.nodes[child].text)[0] == ASCII.lf {
            // The parser drops one leading newline here; give it one to drop.
            out.append(ASCII.lf)
        }
        if node.namespace == .html && node.tag.isRawText {
            let escapable = node.tag == .textarea || node.tag == .title
            while child < end {
                let text = document.nodes[child].text
                if escapable {
                    escape(document.bytes(text), attribute: false, to: &out)
                } else {
                    out.append(contentsOf: document.bytes(text))
                }
                child = Int(document.nodes[child].end)
            }
            return
        }
        while child < end {
            write(document, child, to: &out, emptying: emptying)
            child = Int(document.nodes[child].end)
        }
    }

    static func escape<C: Collection>(_ data: C, attribute: Bool, to out: inout [UInt8]) where C.Element == UInt8 {
        for byte in data {
            switch byte {
            case ASCII.ampersand: out.append(contentsOf: ampEntity)
            case ASCII.lt where !attribute: out.append(contentsOf: ltEntity)
            case ASCII.doubleQuote where attribute: out.append(contentsOf: quotEntity)
            // A raw CR would be read back as LF.
            case ASCII.cr: out.append(contentsOf: crReference)
            default: out.append(byte)
            }
        }
    }

    static func writeComment<C: Collection>(_ data: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(contentsOf: commentOpen)
        out.append(contentsOf: data)
        out.append(contentsOf: commentClose)
    }

    /// Whether `<!--data-->` reads back as this comment: not when the data
    /// starts with `>` or `->` or holds an end sequence, which only bogus
    /// comments (`<?...>`, `<!...>`) can produce.
    static func canWriteComment(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n >= 1 && p[0] == ASCII.gt { return false }
        if n >= 2 && p[0] == ASCII.dash && p[1] == ASCII.gt { return false }
        var i = 0
        while i + 2 < n {
            if p[i] == ASCII.dash && p[i + 1] == ASCII.dash {
                if p[i + 2] == ASCII.gt { return false }
                if p[i + 2] == ASCII.bang && i + 3 < n && p[i + 3] == ASCII.gt { return false }
            }
            i += 1
        }
        return true
    }
}

/// Writes `Node` trees back as markup, the way `Serializer` writes documents.
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
            Serializer.escape(node.data, attribute: false, to: &out)
        case .comment:
            Serializer.writeComment(node.data, to: &out)
        case .element:
            out.append(ASCII.lt)
            out.append(contentsOf: node.name)
            for attribute in node.attributes {
                out.append(0x20)
                out.append(contentsOf: attribute.name)
                out.append(ASCII.equals)
                out.append(ASCII.doubleQuote)
                Serializer.escape(attribute.value, attribute: true, to: &out)
                out.append(ASCII.doubleQuote)
            }
            out.append(ASCII.gt)
            if node.namespace == .html && node.tag.isVoid { return }
            if node.namespace == .html, node.tag == .pre || node.tag == .listing || node.tag == .textarea,
               node.children.first?.kind == .text, node.children.first?.data.first == ASCII.lf {
                out.append(ASCII.lf)
            }
            if node.isRawText {
                let escapable = node.tag == .textarea || node.tag == .title
                for child in node.children where child.kind == .text {
                    if escapable {
                        Serializer.escape(child.data, attribute: false, to: &out)
                    } else {
                        out.append(contentsOf: child.data)
                    }
                }
            } else {
                for child in node.children { write(child, to: &out) }
            }
            out.append(ASCII.lt)
            out.append(ASCII.slash)
            out.append(contentsOf: node.name)
            out.append(ASCII.gt)
        }
    }
}

private let commentOpen: [UInt8] = Array("<!--".utf8)
private let commentClose: [UInt8] = Array("-->".utf8)
private let quotEntity: [UInt8] = Array("&quot;".utf8)
private let ltEntity: [UInt8] = Array("&lt;".utf8)
private let ampEntity: [UInt8] = Array("&amp;".utf8)
private let crReference: [UInt8] = Array("&#13;".utf8)
