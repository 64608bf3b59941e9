/// Decodes character references the way a browser's tokenizer does: trees
/// hold text and attribute values as the DOM holds them.
enum CharacterReferences {
    /// `inAttribute` selects the attribute-value rule: a legacy reference
    /// without `;` followed by `=` or an alphanumeric stays literal there.
    static func decode(_ raw: ArraySlice<UInt8>, inAttribute: Bool) -> [UInt8] {
        var out: [UInt8] = []
        Array(raw).withUnsafeBufferPointer {
            TextDecoder.decode($0, mode: inAttribute ? .attribute : .text, into: &out)
        }
        return out
    }

    /// Decodes the reference whose `&` is at `i`, appending its characters
    /// (or the `&` alone when it is not one) and returning where to go on.
    static func reference(_ raw: UnsafeBufferPointer<UInt8>, at i: Int, inAttribute: Bool,
                          into out: inout [UInt8]) -> Int {
        let end = raw.endIndex
        guard i + 1 < end else {
            out.append(ASCII.ampersand)
            return i + 1
        }
        let next = raw[i + 1]
        if next == ASCII.hash {
            if let (scalar, after) = numeric(raw, from: i + 2) {
                appendUTF8(scalar, to: &out)
                return after
            }
        } else if ASCII.isAlphanumeric(next) {
            if let (value, after) = common(raw, from: i + 1) {
                out.append(contentsOf: value)
                return after
            }
            if let (value, after) = named(raw, from: i + 1, inAttribute: inAttribute) {
                out.append(contentsOf: value)
                return after
            }
        }
        out.append(ASCII.ampersand)
        return i + 1
    }

    /// The references templates write most, found without building a
    /// lookup key.
    @inline(__always)
    private static func common(_ raw: UnsafeBufferPointer<UInt8>, from start: Int) -> (UnsafeBufferPointer<UInt8>, Int)? {
        let end = raw.endIndex
        for entry in commonReferences.indices {
            let (name, value) = commonReferences[entry]
            let n = name.count
            guard start + n <= end else { continue }
            var k = 0
            while k < n && raw[start + k] == name[k] { k += 1 }
            if k == n { return (value, start + n) }
        }
        return nil
    }

    private static let commonReferences: [(UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>)] = [
        ("amp;", "&"), ("lt;", "<"), ("gt;", ">"), ("quot;", "\""), ("nbsp;", "\u{A0}"), ("copy;", "©"),
        ("hellip;", "…"), ("mdash;", "—"), ("ndash;", "–"), ("euro;", "€"), ("times;", "×"), ("middot;", "·"),
    ].map { (name: String, value: String) in
        func constant(_ text: String) -> UnsafeBufferPointer<UInt8> {
            let bytes = Array(text.utf8)
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
            pointer.initialize(from: bytes, count: bytes.count)
            return UnsafeBufferPointer(start: pointer, count: bytes.count)
        }
        return (constant(name), constant(value))
    }

    /// `start` is just past `&#`.
    private static func numeric(_ raw: UnsafeBufferPointer<UInt8>, from start: Int) -> (UInt32, Int)? {
        let end = raw.endIndex
        var i = start
        var hex = false
        if i < end && (raw[i] | 0x20) == UInt8(ascii: "x") {
            hex = true
            i += 1
        }
        let digitsStart = i
        var value: UInt32 = 0
        while i < end {
            let c = raw[i]
            let digit: UInt32
            if ASCII.isDigit(c) {
                digit = UInt32(c - 0x30)
            } else if hex && (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f") {
                digit = UInt32((c | 0x20) - UInt8(ascii: "a") + 10)
            } else {
                break
            }
            // Saturate: anything past U+10FFFF is replaced anyway.
            value = value > 0x10FFFF ? value : value * (hex ? 16 : 10) + digit
            i += 1
        }
        if i == digitsStart { return nil }
        if i < end && raw[i] == ASCII.semicolon { i += 1 }
        return (mapNumeric(value), i)
    }

    private static func mapNumeric(_ value: UInt32) -> UInt32 {
        if value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) { return 0xFFFD }
        if value >= 0x80 && value <= 0x9F {
            let mapped = windows1252[Int(value - 0x80)]
            return mapped == 0 ? value : mapped
        }
        return value
    }

    /// `start` is at the first character of the name.
    private static func named(_ raw: UnsafeBufferPointer<UInt8>, from start: Int, inAttribute: Bool) -> ([UInt8], Int)? {
        let end = raw.endIndex
        var runEnd = start
        while runEnd < end && runEnd - start < longestName && ASCII.isAlphanumeric(raw[runEnd]) {
            runEnd += 1
        }
        let table = namedCharacterReferences
        // A name with `;` can only match the whole alphanumeric run.
        if runEnd < end && raw[runEnd] == ASCII.semicolon, let value = table[ArraySlice(raw[start...runEnd])] {
            return (value, runEnd + 1)
        }
        // Otherwise the longest legacy name (no `;`) that prefixes the run.
        var length = min(runEnd - start, longestLegacyName)
        while length >= 2 {
            if let value = table[ArraySlice(raw[start..<(start + length)])] {
                let after = start + length
                if inAttribute && after < end && (raw[after] == ASCII.equals || ASCII.isAlphanumeric(raw[after])) {
                    return nil
                }
                return (value, after)
            }
            length -= 1
        }
        return nil
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Name (with its `;` when it has one) to UTF-8 value.
    private static let namedCharacterReferences: [ArraySlice<UInt8>: [UInt8]] = {
        var table: [ArraySlice<UInt8>: [UInt8]] = [:]
        table.reserveCapacity(2300)
        let source = Array(namedCharacterReferenceSource.utf8)
        var i = 0
        let n = source.count
        while i < n {
            while i < n && (source[i] == 0x20 || source[i] == ASCII.lf) { i += 1 }
            let nameStart = i
            while i < n && source[i] != UInt8(ascii: ":") { i += 1 }
            let name = source[nameStart..<i]
            i += 1
            var value: [UInt8] = []
            var scalar: UInt32 = 0
            while i <= n {
                let c: UInt8 = i < n ? source[i] : 0x20
                if c == UInt8(ascii: ".") || c == 0x20 || c == ASCII.lf {
                    appendUTF8(scalar, to: &value)
                    scalar = 0
                    i += 1
                    if c != UInt8(ascii: ".") { break }
                } else {
                    scalar = scalar * 16 + UInt32(ASCII.isDigit(c) ? c - 0x30 : (c | 0x20) - UInt8(ascii: "a") + 10)
                    i += 1
                }
            }
            if !name.isEmpty { table[ArraySlice(name)] = value }
        }
        return table
    }()

    private static let longestName = 32
    private static let longestLegacyName = 6

    /// What browsers substitute for the C1 range in numeric references; 0
    /// means "no substitute".
    private static let windows1252: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]
}

/// Turns raw markup bytes into the characters a browser stores for them:
/// newlines normalized (CR LF and CR become LF, as the input stream
/// preprocessing does), references decoded where the context decodes them,
/// NUL replaced where the tokenizer replaces it.
enum TextDecoder {
    enum Mode {
        /// Body text: references decoded. NULs never reach here.
        case text
        /// Attribute values: the attribute reference rule, NUL replaced.
        case attribute
        /// `textarea` and `title`: references decoded, NUL replaced.
        case escapable
        /// Comments and raw-text elements: nothing decoded, NUL replaced.
        case raw
    }

    static func decode(_ raw: UnsafeBufferPointer<UInt8>, mode: Mode, into out: inout [UInt8]) {
        var i = raw.startIndex
        let end = raw.endIndex
        while i < end {
            let byte = raw[i]
            switch byte {
            case ASCII.cr:
                out.append(ASCII.lf)
                i += 1
                if i < end && raw[i] == ASCII.lf { i += 1 }
            case ASCII.nul:
                if mode != .text { out.append(contentsOf: replacementCharacter) }
                i += 1
            case ASCII.ampersand where mode != .raw:
                i = CharacterReferences.reference(raw, at: i, inAttribute: mode == .attribute, into: &out)
            default:
                out.append(byte)
                i += 1
            }
        }
    }
}
