/// ASCII classification on raw bytes; the parser never builds Strings.
enum ASCII {
    static let lt = UInt8(ascii: "<")
    static let gt = UInt8(ascii: ">")
    static let slash = UInt8(ascii: "/")
    static let bang = UInt8(ascii: "!")
    static let question = UInt8(ascii: "?")
    static let dash = UInt8(ascii: "-")
    static let equals = UInt8(ascii: "=")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let ampersand = UInt8(ascii: "&")
    static let semicolon = UInt8(ascii: ";")
    static let hash = UInt8(ascii: "#")
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let nul: UInt8 = 0x00

    @inline(__always)
    static func isWhitespace(_ b: UInt8) -> Bool {
        // HTML whitespace: tab, LF, FF, CR, space.
        return b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D
    }

    @inline(__always)
    static func isAlpha(_ b: UInt8) -> Bool {
        return (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool {
        return b >= 0x30 && b <= 0x39
    }

    @inline(__always)
    static func isAlphanumeric(_ b: UInt8) -> Bool {
        return isAlpha(b) || isDigit(b)
    }

    @inline(__always)
    static func isUpper(_ b: UInt8) -> Bool {
        return b >= 0x41 && b <= 0x5A
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 {
        return isUpper(b) ? b | 0x20 : b
    }
}
