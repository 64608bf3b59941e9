/// The namespace an element ends up in once a browser parses it; it decides
/// whether a subtree can be re-parsed on its own and how SVG attribute names
/// are spelled.
public enum Namespace: UInt8 {
    case html, svg, mathml
}

/// One attribute as it appeared in the source: a lowercased name and the raw
/// value bytes, entity references still encoded. A bare attribute has an
/// empty value, exactly like the DOM gives it.
public struct Attribute {
    public var name: ArraySlice<UInt8>
    public var value: ArraySlice<UInt8>

    public init(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        self.name = name
        self.value = value
    }
}

/// A node of a parsed fragment, mirroring one entry of a browser's
/// `childNodes`. Text keeps its raw source bytes (entity references are not
/// decoded) so it can be sent back as markup and decoded by the browser.
///
/// The byte fields are slices of the parsed input, so a tree shares the input's
/// storage instead of copying every name and text run.
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
    /// Raw text of a text node, or the data of a comment.
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

    init(text data: ArraySlice<UInt8>) {
        self.kind = .text
        self.name = []
        self.tag = .other
        self.namespace = .html
        self.attributes = []
        self.children = []
        self.data = data
    }

    init(comment data: ArraySlice<UInt8>) {
        self.kind = .comment
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
        case .text: return textName
        case .comment: return commentName
        }
    }

    func isHTML(_ tag: Tag) -> Bool {
        return kind == .element && namespace == .html && self.tag == tag
    }

    /// Elements whose children the differ treats as one opaque value: raw-text
    /// elements, and `template`, whose parsed content is not in `childNodes`.
    var isOpaque: Bool {
        return namespace == .html && (tag.isRawText || tag == .template)
    }

    /// Appends raw text, merging with a trailing text child the way the
    /// parser merges adjacent character tokens.
    func appendText(_ raw: ArraySlice<UInt8>) {
        if let last = children.last, last.kind == .text {
            // Rare (text split by a dropped tag or NUL), so a copy is fine.
            last.data = escapingTail(last.data)
            last.data.append(contentsOf: raw)
        } else {
            children.append(Node(text: raw))
        }
    }
}

/// The browser decoded the first run before it saw what followed it, so a
/// trailing `<` or unfinished `&name` must not combine with the next run into
/// markup or a different reference. Writing the tail as the browser decoded
/// it, re-escaped, keeps the raw text meaning the same characters.
private func escapingTail(_ raw: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    if raw.last == ASCII.lt {
        return raw.dropLast() + ArraySlice("&lt;".utf8)
    }
    var i = raw.endIndex
    while i > raw.startIndex && (ASCII.isAlphanumeric(raw[i - 1]) || raw[i - 1] == ASCII.hash) {
        i -= 1
    }
    guard i > raw.startIndex && raw[i - 1] == ASCII.ampersand else { return raw }
    var result = raw[..<(i - 1)]
    for byte in CharacterReferences.decode(raw[(i - 1)...], inAttribute: false) {
        switch byte {
        case ASCII.ampersand: result.append(contentsOf: "&amp;".utf8)
        case ASCII.lt: result.append(contentsOf: "&lt;".utf8)
        default: result.append(byte)
        }
    }
    return result
}

let textName: ArraySlice<UInt8> = ArraySlice("#text".utf8)
let commentName: ArraySlice<UInt8> = ArraySlice("#comment".utf8)
