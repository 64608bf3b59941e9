/// The namespace an element ends up in once a browser parses it; it decides
/// whether a subtree can be re-parsed on its own and how SVG attribute names
/// are spelled.
public enum Namespace: UInt8 {
    case html, svg, mathml
}

/// One attribute: a lowercased name and the value as the DOM holds it
/// (references decoded). A bare attribute has an empty value.
public struct Attribute {
    public var name: ArraySlice<UInt8>
    public var value: ArraySlice<UInt8>

    public init(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        self.name = name
        self.value = value
    }
}

/// A node of a parsed fragment as an object graph, mirroring one entry of a
/// browser's `childNodes`, for inspecting and testing trees. The differ works
/// on `HTMLDocument` directly; this is a copy of it.
public final class Node {
    public enum Kind: UInt8 {
        case element, text, comment
    }

    public let kind: Kind
    /// Lowercased tag name for elements; empty otherwise.
    public internal(set) var name: ArraySlice<UInt8>
    public internal(set) var namespace: Namespace
    public internal(set) var attributes: [Attribute]
    public internal(set) var children: [Node]
    /// The data of a text or comment node, as the DOM holds it.
    public internal(set) var data: ArraySlice<UInt8>

    let tag: Tag

    init(element name: ArraySlice<UInt8>, tag: Tag, namespace: Namespace, attributes: [Attribute]) {
        self.kind = .element
        self.name = name
        self.tag = tag
        self.namespace = namespace
        self.attributes = attributes
        self.children = []
        self.data = []
    }

    convenience init(text data: ArraySlice<UInt8>) {
        self.init(characterData: data, kind: .text)
    }

    convenience init(comment data: ArraySlice<UInt8>) {
        self.init(characterData: data, kind: .comment)
    }

    /// Text and comments: data and nothing else.
    private init(characterData data: ArraySlice<UInt8>, kind: Kind) {
        self.kind = kind
        self.name = []
        self.tag = .other
        self.namespace = .html
        self.attributes = []
        self.children = []
        self.data = data
    }

    /// The name a patch operation expects at this node, as in the protocol.
    public var expectedName: ArraySlice<UInt8> {
        switch kind {
        case .element: return name
        case .text: return ArraySlice("#text".utf8)
        case .comment: return ArraySlice("#comment".utf8)
        }
    }

    /// Raw-text and escapable raw-text elements, whose content is one text
    /// node written without markup.
    public var isRawText: Bool {
        return kind == .element && namespace == .html && tag.isRawText
    }

    /// The children of a document's root, as objects.
    static func children(of document: HTMLDocument) -> [Node] {
        return make(document, children: document.children(0))
    }

    private static func make(_ document: HTMLDocument, children: [Int]) -> [Node] {
        return children.map { index in
            let record = document.nodes[index]
            let bytes = ArraySlice(document.bytes(record.text))
            switch record.kind {
            case .text: return Node(text: bytes)
            case .comment: return Node(comment: bytes)
            case .element:
                var attributes: [Attribute] = []
                let first = Int(record.firstAttribute)
                for k in first..<(first + Int(record.attributeCount)) {
                    let a = document.attributes[k]
                    attributes.append(Attribute(name: ArraySlice(document.bytes(a.name)),
                                                value: ArraySlice(document.bytes(a.value))))
                }
                let node = Node(element: bytes, tag: record.tag, namespace: record.namespace, attributes: attributes)
                node.children = make(document, children: document.children(index))
                return node
            }
        }
    }
}
