/// Entry points for parsing markup.
public enum HTMLParser {
    /// Parses `bytes` as the children of an element (a component root, or the
    /// `<template>` a browser parses patch markup in) and returns them, the
    /// way `childNodes` would list them.
    public static func parseFragment(_ bytes: [UInt8]) -> [Node] {
        return Node.children(of: HTMLDocument(bytes))
    }
}

extension HTMLDocument {
    /// Inputs past this size are not modelled: their fragment is re-sent
    /// whole, and 32-bit offsets keep every node record small.
    static let maxSource = 1 << 30

    convenience init(parsing source: [UInt8]) {
        guard source.count <= HTMLDocument.maxSource else {
            self.init(source: source, side: [], nodes: [Parser.rootRecord], attributes: [], isExact: false)
            return
        }
        var parser = source.withUnsafeBufferPointer { input -> Parser in
            var parser = Parser(input)
            parser.run()
            parser.finish()
            return parser
        }
        parser.input = UnsafeBufferPointer(start: nil, count: 0)
        self.init(source: source, side: parser.side, nodes: parser.nodes, attributes: parser.attributes,
                  isExact: parser.exact, ranges: parser.ranges, own: parser.own)
    }
}
