/// Tag names the tree builder treats specially. Everything else is `.other`
/// and is compared by its bytes; resolving the name once per start tag keeps
/// the many "is this a p / a table / a void element" checks to a switch.
enum Tag: UInt8, CaseIterable {
    case other
    case a, address, applet, area, article, aside
    case b, base, basefont, bgsound, big, blockquote, body, br, button
    case caption, center, code, col, colgroup
    case dd, desc, details, dialog, dir, div, dl, dt
    case em, embed
    case fieldset, figcaption, figure, font, footer, foreignobject, form, frame, frameset
    case h1, h2, h3, h4, h5, h6, head, header, hgroup, hr, html
    case i, iframe, image, img, input
    case keygen
    case li, link, listing
    case main, malignmark, marquee, math, menu, meta, mglyph, mi, mn, mo, ms, mtext
    case nav, nobr, noembed, noframes, noscript
    case object, ol, optgroup, option
    case p, param, plaintext, pre
    case rb, rp, rt, rtc, ruby
    case s, script, search, section, select, small, source, span, strike, strong, style, sub, summary, sup, svg
    case table, tbody, td, template, textarea, tfoot, th, thead, title, tr, track, tt
    case u, ul
    case `var`
    case wbr
    case xmp
    case annotationXML

    /// The lowercase tag name.
    var name: String {
        return self == .annotationXML ? "annotation-xml" : String(describing: self)
    }

    /// Known names packed into two words each, in an open-addressed table,
    /// so a lookup is a few word comparisons and touches no reference
    /// counted storage.
    private static let tableSize = 512
    private static let names: UnsafeMutablePointer<(UInt64, UInt64, Tag)> = {
        let table = UnsafeMutablePointer<(UInt64, UInt64, Tag)>.allocate(capacity: tableSize)
        table.initialize(repeating: (0, 0, .other), count: tableSize)
        for tag in Tag.allCases where tag != .other {
            let name = Array(tag.name.utf8)
            let (a, b) = name.withUnsafeBufferPointer { pack($0.baseAddress!, name.count) }
            var slot = slotOf(a, b)
            while table[slot].2 != .other { slot = (slot + 1) & (tableSize - 1) }
            table[slot] = (a, b, tag)
        }
        return table
    }()

    private static let maxLength = 14

    @inline(__always)
    static func pack(_ name: UnsafePointer<UInt8>, _ count: Int) -> (UInt64, UInt64) {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var i = 0
        while i < count && i < 8 {
            a |= UInt64(name[i]) << (UInt64(i) * 8)
            i += 1
        }
        while i < count {
            b |= UInt64(name[i]) << (UInt64(i - 8) * 8)
            i += 1
        }
        return (a, b)
    }

    @inline(__always)
    private static func slotOf(_ a: UInt64, _ b: UInt64) -> Int {
        return Int(truncatingIfNeeded: ((a ^ (b &* 0x9E37_79B9)) &* 0x9E37_79B9_7F4A_7C15) >> 55) & (tableSize - 1)
    }

    /// The table to hand to `lookup(_:count:in:)`, read once per parse.
    static var lookupTable: UnsafePointer<(UInt64, UInt64, Tag)> { return UnsafePointer(names) }

    /// `name` must already be lowercase.
    @inline(__always)
    static func lookup(_ name: UnsafePointer<UInt8>?, count: Int, in table: UnsafePointer<(UInt64, UInt64, Tag)>) -> Tag {
        guard let name, count > 0 && count <= maxLength else { return .other }
        let (a, b) = pack(name, count)
        return find(a, b, in: table)
    }

    /// For a name with at least 16 readable bytes from its start: two loads
    /// and masks instead of a byte loop.
    @inline(__always)
    static func lookup(wide name: UnsafePointer<UInt8>, count: Int, in table: UnsafePointer<(UInt64, UInt64, Tag)>) -> Tag {
        guard count > 0 && count <= maxLength else { return .other }
        let raw = UnsafeRawPointer(name)
        var a = raw.loadUnaligned(as: UInt64.self)
        var b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if count < 8 {
            a &= (1 << (UInt64(count) * 8)) - 1
            b = 0
        } else if count < 16 {
            b &= count == 8 ? 0 : (1 << (UInt64(count - 8) * 8)) - 1
        }
        return find(a, b, in: table)
    }

    @inline(__always)
    private static func find(_ a: UInt64, _ b: UInt64, in table: UnsafePointer<(UInt64, UInt64, Tag)>) -> Tag {
        var slot = slotOf(a, b)
        while true {
            let entry = table[slot]
            if entry.2 == .other { return .other }
            if entry.0 == a && entry.1 == b { return entry.2 }
            slot = (slot + 1) & (tableSize - 1)
        }
    }

    var isVoid: Bool {
        switch self {
        case .area, .base, .basefont, .bgsound, .br, .col, .embed, .frame, .hr, .img, .input,
             .keygen, .link, .meta, .param, .source, .track, .wbr:
            return true
        default:
            return false
        }
    }

    /// Elements whose content the tokenizer does not parse as markup. The
    /// differ never descends into them either: their single text child is
    /// opaque source.
    var isRawText: Bool {
        switch self {
        case .script, .style, .textarea, .title, .xmp, .iframe, .noembed, .noframes,
             .noscript, .plaintext:
            return true
        default:
            return false
        }
    }

    var isHeading: Bool {
        switch self {
        case .h1, .h2, .h3, .h4, .h5, .h6: return true
        default: return false
        }
    }

    /// Start tags that close an open `p` in button scope before inserting.
    var closesParagraph: Bool {
        switch self {
        case .address, .article, .aside, .blockquote, .center, .details, .dialog, .dir, .div,
             .dl, .fieldset, .figcaption, .figure, .footer, .header, .hgroup, .main, .menu,
             .nav, .ol, .p, .search, .section, .summary, .ul,
             .h1, .h2, .h3, .h4, .h5, .h6, .pre, .listing, .form, .li, .dd, .dt,
             .plaintext, .table, .hr, .xmp:
            return true
        default:
            return false
        }
    }

    /// The HTML standard's "special" category (HTML namespace part).
    var isSpecialHTML: Bool {
        switch self {
        case .address, .applet, .area, .article, .aside, .base, .basefont, .bgsound, .blockquote,
             .body, .br, .button, .caption, .center, .col, .colgroup, .dd, .details, .dir, .div,
             .dl, .dt, .embed, .fieldset, .figcaption, .figure, .footer, .form, .frame, .frameset,
             .h1, .h2, .h3, .h4, .h5, .h6, .head, .header, .hgroup, .hr, .html, .iframe, .img,
             .input, .keygen, .li, .link, .listing, .main, .marquee, .menu, .meta, .nav,
             .noembed, .noframes, .noscript, .object, .ol, .p, .param, .plaintext, .pre,
             .script, .search, .section, .select, .source, .style, .summary, .table, .tbody,
             .td, .template, .textarea, .tfoot, .th, .thead, .title, .tr, .track, .ul, .wbr, .xmp:
            return true
        default:
            return false
        }
    }

    /// Elements whose end tag goes through the adoption agency in browsers.
    var isFormatting: Bool {
        switch self {
        case .a, .b, .big, .code, .em, .font, .i, .nobr, .s, .small, .strike, .strong, .tt, .u:
            return true
        default:
            return false
        }
    }

    /// Start tags that leave SVG or MathML content and go back to HTML.
    var breaksOutOfForeignContent: Bool {
        switch self {
        case .b, .big, .blockquote, .body, .br, .center, .code, .dd, .div, .dl, .dt, .em, .embed,
             .h1, .h2, .h3, .h4, .h5, .h6, .head, .hr, .i, .img, .li, .listing, .menu, .meta,
             .nobr, .ol, .p, .pre, .ruby, .s, .small, .span, .strong, .strike, .sub, .sup,
             .table, .tt, .u, .ul, .var:
            return true
        default:
            return false
        }
    }

    var isTablePart: Bool {
        switch self {
        case .caption, .col, .colgroup, .tbody, .thead, .tfoot, .tr, .td, .th: return true
        default: return false
        }
    }

    var isTableSection: Bool {
        switch self {
        case .tbody, .thead, .tfoot: return true
        default: return false
        }
    }

    /// Closed by the implied-end-tags step.
    var hasImpliedEndTag: Bool {
        switch self {
        case .dd, .dt, .li, .optgroup, .option, .p, .rb, .rp, .rt, .rtc: return true
        default: return false
        }
    }
}
