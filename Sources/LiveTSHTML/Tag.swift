/// Tag names the tree builder treats specially. Everything else is `.other`
/// and is compared by its bytes; resolving the name once per start tag keeps
/// the many "is this a p / a table / a void element" checks to a switch.
enum Tag: String, CaseIterable {
    case other = ""
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
    case annotationXML = "annotation-xml"

    /// Known names bucketed by length and first letter, so a lookup is a
    /// couple of byte comparisons instead of hashing every tag name.
    private static let buckets: [[(name: [UInt8], tag: Tag)]] = {
        var buckets = [[(name: [UInt8], tag: Tag)]](repeating: [], count: (maxLength + 1) * 32)
        for tag in Tag.allCases where tag != .other {
            let name = Array(tag.rawValue.utf8)
            buckets[bucket(length: name.count, first: name[0])].append((name, tag))
        }
        return buckets
    }()

    private static let maxLength = 14

    @inline(__always)
    private static func bucket(length: Int, first: UInt8) -> Int {
        return length * 32 + Int(first & 31)
    }

    /// `name` must already be lowercase.
    static func lookup(_ name: ArraySlice<UInt8>) -> Tag {
        let count = name.count
        guard count > 0 && count <= maxLength else { return .other }
        let start = name.startIndex
        for candidate in buckets[bucket(length: count, first: name[start])] {
            var k = 1
            while k < count && candidate.name[k] == name[start + k] { k += 1 }
            if k == count && candidate.name[0] == name[start] { return candidate.tag }
        }
        return .other
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
