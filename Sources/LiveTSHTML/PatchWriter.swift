/// Operation codes of docs/protocol.md, "Patch operations".
enum PatchOp: UInt8 {
    case replace = 0
    case text = 1
    case setAttribute = 2
    case removeAttribute = 3
    case append = 4
    case remove = 5
    case insertBefore = 6
    case move = 7
    case setChildren = 8
}

/// Writes the JSON array of patch operations. Each operation starts with its
/// code, the path and the expected node name.
struct PatchWriter {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "[")]
    private(set) var count = 0

    /// Position to roll back to when a subtree's operations are abandoned.
    struct Mark {
        fileprivate let length: Int
        fileprivate let count: Int
    }

    var mark: Mark { return Mark(length: bytes.count, count: count) }

    mutating func rollBack(to mark: Mark) {
        bytes.removeSubrange(mark.length...)
        count = mark.count
    }

    mutating func op<C: Collection>(_ code: PatchOp, path: [Int32], name: C) where C.Element == UInt8 {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        count += 1
        bytes.append(UInt8(ascii: "["))
        bytes.append(UInt8(ascii: "0") + code.rawValue)
        bytes.append(UInt8(ascii: ","))
        bytes.append(UInt8(ascii: "["))
        for (i, index) in path.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            appendDecimal(Int(index))
        }
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: ","))
        appendCompactJSONString(name, to: &bytes)
    }

    /// Adds one string argument to the operation being written.
    mutating func argument<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: ","))
        appendCompactJSONString(value, to: &bytes)
    }

    mutating func argument(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: ","))
        appendCompactJSONString(value, to: &bytes)
    }

    mutating func argument(integer value: Int) {
        bytes.append(UInt8(ascii: ","))
        appendDecimal(value)
    }

    /// Adds a string argument written by `body` straight into the patch
    /// (markup), escaping it in place instead of through a copy.
    mutating func markupArgument(_ body: (inout [UInt8]) -> Void) {
        bytes.append(UInt8(ascii: ","))
        let start = bytes.count
        body(&bytes)
        escapeInPlace(from: start)
    }

    mutating func endOp() {
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// Paths and indices are never negative; no String on the way.
    private mutating func appendDecimal(_ value: Int) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(max(0, value)))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                bytes.append(buffer[count])
            }
        }
    }

    /// Turns the raw bytes after `start` into a JSON string literal.
    private mutating func escapeInPlace(from start: Int) {
        var needs = false
        var i = start
        while i < bytes.count {
            if needsEscape(bytes, i) { needs = true; break }
            i += 1
        }
        if !needs {
            bytes.insert(UInt8(ascii: "\""), at: start)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        let raw = Array(bytes[start...])
        bytes.removeSubrange(start...)
        appendCompactJSONString(raw, to: &bytes)
    }
}

@inline(__always)
private func needsEscape(_ bytes: [UInt8], _ i: Int) -> Bool {
    let b = bytes[i]
    if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return true }
    return b == UInt8(ascii: "<") && i + 1 < bytes.count
        && (bytes[i + 1] == UInt8(ascii: "/") || bytes[i + 1] == UInt8(ascii: "!"))
}

/// A JSON string literal that escapes only what JSON requires, plus `<`
/// before `/` or `!`, so patch bytes placed in a `<script>` block can never
/// close it or open a comment there. Markup stays readable and small:
/// `\u003c` for every `<` would triple the size of a row.
func appendCompactJSONString<C: Collection>(_ value: C, to out: inout [UInt8]) where C.Element == UInt8 {
    // Most names, texts and values need no escape at all: copy them whole.
    if !value.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "<") }) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: value)
        out.append(UInt8(ascii: "\""))
        return
    }
    out.append(UInt8(ascii: "\""))
    var previousWasLessThan = false
    for byte in value {
        if previousWasLessThan {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!") {
                out.removeLast()
                out.append(contentsOf: lessThanEscape)
            }
            previousWasLessThan = false
        }
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 0x00..<0x20:
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                    hexDigit(byte >> 4), hexDigit(byte & 0x0F)])
        case UInt8(ascii: "<"):
            out.append(byte)
            previousWasLessThan = true
        default:
            out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}

private let lessThanEscape: [UInt8] = Array("\\u003c".utf8)

@inline(__always)
private func hexDigit(_ value: UInt8) -> UInt8 {
    return value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}
