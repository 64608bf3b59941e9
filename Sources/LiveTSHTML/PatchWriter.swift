/// Operation codes of docs/protocol.md, "Patch operations".
enum PatchOp: UInt8 {
    case replace = 0
    case text = 1
    case setAttribute = 2
    case removeAttribute = 3
    case append = 4
    case remove = 5
}

/// Writes the JSON array of patch operations. Each operation starts with its
/// code, the path and the expected node name; the rest are JSON strings.
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

    mutating func op(_ code: PatchOp, path: [Int], name: ArraySlice<UInt8>) {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        count += 1
        bytes.append(UInt8(ascii: "["))
        appendJSONInteger(code.rawValue, to: &bytes)
        bytes.append(UInt8(ascii: ","))
        bytes.append(UInt8(ascii: "["))
        for (i, index) in path.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            appendJSONInteger(index, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: ","))
        appendJSONString(name, to: &bytes)
    }

    /// Adds one string argument to the operation being written.
    mutating func argument<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(UInt8(ascii: ","))
        appendJSONString(value, to: &bytes)
    }

    mutating func endOp() {
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }
}
