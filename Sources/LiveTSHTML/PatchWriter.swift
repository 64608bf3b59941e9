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
    case streamInsert = 9
    case streamDelete = 10
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
        appendDecimal(Int(code.rawValue))
        bytes.append(UInt8(ascii: ","))
        bytes.append(UInt8(ascii: "["))
        for (i, index) in path.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            appendDecimal(Int(index))
        }
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: ","))
        appendJSONString(name, to: &bytes, escaping: .scriptSafe)
    }

    /// Adds one string argument to the operation being written.
    mutating func argument<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: ","))
        appendJSONString(value, to: &bytes, escaping: .scriptSafe)
    }

    mutating func argument(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: ","))
        appendJSONString(value, to: &bytes, escaping: .scriptSafe)
    }

    mutating func argument(integer value: Int) {
        bytes.append(UInt8(ascii: ","))
        appendDecimal(value)
    }

    /// Stream positions and limits count from the end when negative.
    mutating func argument(signed value: Int) {
        bytes.append(UInt8(ascii: ","))
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(value == Int.min ? Int.max : abs(value))
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
        appendJSONString(raw, to: &bytes, escaping: .scriptSafe)
    }
}

@inline(__always)
private func needsEscape(_ bytes: [UInt8], _ i: Int) -> Bool {
    let b = bytes[i]
    if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return true }
    return b == UInt8(ascii: "<") && i + 1 < bytes.count
        && (bytes[i + 1] == UInt8(ascii: "/") || bytes[i + 1] == UInt8(ascii: "!"))
}
