/// A strict reader for the JSON the browser sends: RFC 8259 values, with the
/// top-level array split into elements. Strings are decoded; any other value
/// is kept as its exact source text, to be handed to the host unparsed.
struct JSONReader {
    enum Value: Equatable {
        case string([UInt8])
        case number([UInt8])
        case other([UInt8])

        var raw: [UInt8]? {
            switch self {
            case .number(let r), .other(let r): return r
            case .string: return nil
            }
        }
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private static let maxDepth = 64

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The elements of a top-level array; nil if the text is not exactly one JSON array.
    static func topLevelArray(_ bytes: [UInt8]) -> [Value]? {
        var reader = JSONReader(bytes)
        reader.skipSpace()
        guard reader.peek() == UInt8(ascii: "[") else { return nil }
        reader.position += 1
        var elements: [Value] = []
        reader.skipSpace()
        if reader.peek() == UInt8(ascii: "]") {
            reader.position += 1
        } else {
            while true {
                reader.skipSpace()
                let start = reader.position
                guard let first = reader.peek() else { return nil }
                if first == UInt8(ascii: "\"") {
                    guard let decoded = reader.readString() else { return nil }
                    elements.append(.string(decoded))
                } else {
                    guard reader.skipValue() else { return nil }
                    let raw = Array(bytes[start..<reader.position])
                    elements.append(first == UInt8(ascii: "-") || (48...57).contains(first) ? .number(raw) : .other(raw))
                }
                reader.skipSpace()
                guard let next = reader.peek() else { return nil }
                reader.position += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else { return nil }
            }
        }
        reader.skipSpace()
        return reader.position == bytes.count ? elements : nil
    }

    /// The value of member `key` of a top-level object; nil if the text is
    /// not exactly one JSON object or has no such member.
    static func member(_ key: [UInt8], ofObject bytes: [UInt8]) -> Value? {
        var reader = JSONReader(bytes)
        reader.skipSpace()
        guard reader.peek() == UInt8(ascii: "{") else { return nil }
        reader.position += 1
        reader.skipSpace()
        if reader.peek() == UInt8(ascii: "}") { return nil }
        var found: Value?
        while true {
            reader.skipSpace()
            guard reader.peek() == UInt8(ascii: "\""), let name = reader.readString() else { return nil }
            reader.skipSpace()
            guard reader.peek() == UInt8(ascii: ":") else { return nil }
            reader.position += 1
            reader.skipSpace()
            let start = reader.position
            guard let first = reader.peek() else { return nil }
            if first == UInt8(ascii: "\"") {
                guard let decoded = reader.readString() else { return nil }
                if name == key && found == nil { found = .string(decoded) }
            } else {
                guard reader.skipValue() else { return nil }
                let raw = Array(bytes[start..<reader.position])
                if name == key && found == nil {
                    found = first == UInt8(ascii: "-") || (48...57).contains(first) ? .number(raw) : .other(raw)
                }
            }
            reader.skipSpace()
            guard let next = reader.peek() else { return nil }
            reader.position += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { return nil }
        }
        reader.skipSpace()
        return reader.position == bytes.count ? found : nil
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let c = peek(), c == 32 || c == 9 || c == 10 || c == 13 { position += 1 }
    }

    private mutating func skipValue() -> Bool {
        skipSpace()
        guard let c = peek() else { return false }
        switch c {
        case UInt8(ascii: "\""): return readString() != nil
        case UInt8(ascii: "{"): return skipContainer(close: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): return skipContainer(close: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return skipNumber()
        }
    }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard position + w.count <= bytes.count, Array(bytes[position..<(position + w.count)]) == w else { return false }
        position += w.count
        return true
    }

    private mutating func skipContainer(close: UInt8, keyed: Bool) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JSONReader.maxDepth else { return false }
        position += 1
        skipSpace()
        if peek() == close { position += 1; return true }
        while true {
            skipSpace()
            if keyed {
                guard peek() == UInt8(ascii: "\""), readString() != nil else { return false }
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { return false }
                position += 1
            }
            guard skipValue() else { return false }
            skipSpace()
            guard let next = peek() else { return false }
            position += 1
            if next == close { return true }
            guard next == UInt8(ascii: ",") else { return false }
        }
    }

    private mutating func skipNumber() -> Bool {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), (48...57).contains(first) else { return false }
        if first == 48 { position += 1 } else { while let c = peek(), (48...57).contains(c) { position += 1 } }
        if peek() == UInt8(ascii: ".") {
            position += 1
            let digits = position
            while let c = peek(), (48...57).contains(c) { position += 1 }
            guard position > digits else { return false }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            position += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { position += 1 }
            let digits = position
            while let c = peek(), (48...57).contains(c) { position += 1 }
            guard position > digits else { return false }
        }
        return position > start
    }

    /// Reads a string literal at the cursor and returns its UTF-8 content.
    private mutating func readString() -> [UInt8]? {
        position += 1
        var out: [UInt8] = []
        while let c = peek() {
            position += 1
            switch c {
            case UInt8(ascii: "\""): return out
            case UInt8(ascii: "\\"):
                guard let e = peek() else { return nil }
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    guard var scalar = readHex4() else { return nil }
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard literal("\\u"), let low = readHex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        return nil
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            case 0..<32: return nil
            default: out.append(c)
            }
        }
        return nil
    }

    private mutating func readHex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            position += 1
            switch c {
            case 48...57: v = v << 4 | UInt32(c - 48)
            case 97...102: v = v << 4 | UInt32(c - 87)
            case 65...70: v = v << 4 | UInt32(c - 55)
            default: return nil
            }
        }
        return v
    }
}
