/// Decodes character references the way a browser's tokenizer does, for the
/// places where the differ must send decoded data (attribute values given to
/// `setAttribute`).
enum CharacterReferences {
    /// `inAttribute` selects the attribute-value rule: a legacy reference
    /// without `;` followed by `=` or an alphanumeric stays literal there.
    static func decode(_ raw: ArraySlice<UInt8>, inAttribute: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        let end = raw.endIndex
        while i < end {
            let byte = raw[i]
            if byte != ASCII.ampersand || i + 1 >= end {
                out.append(byte)
                i += 1
                continue
            }
            let next = raw[i + 1]
            if next == ASCII.hash {
                if let (scalar, after) = numeric(raw, from: i + 2) {
                    appendUTF8(scalar, to: &out)
                    i = after
                } else {
                    out.append(byte)
                    i += 1
                }
            } else if ASCII.isAlphanumeric(next) {
                if let (value, after) = named(raw, from: i + 1, inAttribute: inAttribute) {
                    out.append(contentsOf: value)
                    i = after
                } else {
                    out.append(byte)
                    i += 1
                }
            } else {
                out.append(byte)
                i += 1
            }
        }
        return out
    }

    /// `start` is just past `&#`.
    private static func numeric(_ raw: ArraySlice<UInt8>, from start: Int) -> (UInt32, Int)? {
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
    private static func named(_ raw: ArraySlice<UInt8>, from start: Int, inAttribute: Bool) -> ([UInt8], Int)? {
        let end = raw.endIndex
        var runEnd = start
        while runEnd < end && runEnd - start < longestName && ASCII.isAlphanumeric(raw[runEnd]) {
            runEnd += 1
        }
        let table = namedCharacterReferences
        // A name with `;` can only match the whole alphanumeric run.
        if runEnd < end && raw[runEnd] == ASCII.semicolon, let value = table[raw[start...runEnd]] {
            return (value, runEnd + 1)
        }
        // Otherwise the longest legacy name (no `;`) that prefixes the run.
        var length = min(runEnd - start, longestLegacyName)
        while length >= 2 {
            if let value = table[raw[start..<(start + length)]] {
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

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
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
