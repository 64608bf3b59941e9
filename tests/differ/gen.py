"""Random HTML documents and edits for checking the differ against a browser.

A document is a small tree model that is easy to edit; markup is written
from it with random but equivalent spellings (case, quoting, optional end
tags, entities), so the old and new markup of a pair differ in spelling as
well as in content. Everything is driven by one random.Random, so a seed
reproduces a pair.
"""

import random

TEXTS = [
    "hello", "a &amp; b", "x &lt; y", "&lt;tag&gt;", "1 &copy 2", "&copy;2024", " ", "\n  ", "quote \" '",
    "é ü 日本 🎉", "&#169;", "&#x1F600;", "&nbsp;x", "tab\t", "42", "&notin; &notit;", "a\r\nb", "3", "4",
    "&amp;amp;", "5 > 4", "&AMP; &Gt;", "&#128;", "&#0;", "&unknown; & ;", "trailing &", "x&ampy",
]
VALUES = ["", "a", "a b", "&amp;", "\"q\"", "it's", "&quot;", "1&2", "&copy=3", "&copyx", "&#x41;", "x>y", "4",
          "/path?a=1&amp;b=2", "&lt;", "tab\there", "line\nbreak"]
ATTRIBUTE_NAMES = ["class", "title", "data-x", "href", "style", "lang", "aria-label", "data-value", "hidden",
                   "tabindex", "dir"]
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
INLINE = ["span", "b", "i", "em", "strong", "code", "small", "label", "abbr", "a", "mark", "sub", "sup", "u", "s"]
BLOCK = ["div", "section", "article", "aside", "header", "footer", "nav", "main", "blockquote", "figure", "h1",
         "h2", "h3", "address", "details"]
VOID = ["br", "img", "hr", "input", "wbr"]
COMMENTS = ["", " c ", "x-y", "a > b", " -- ", "-", "<b>"]


class N:
    """One node: kind is 'el', 'text' or 'comment'."""

    __slots__ = ("kind", "name", "attrs", "children", "text")

    def __init__(self, kind, name="", attrs=None, children=None, text=""):
        self.kind = kind
        self.name = name
        self.attrs = attrs if attrs is not None else []
        self.children = children if children is not None else []
        self.text = text

    def copy(self):
        return N(self.kind, self.name, [list(a) for a in self.attrs], [c.copy() for c in self.children], self.text)


def text(t):
    return N("text", text=t)


class Generator:
    def __init__(self, rng, messy=0.03):
        self.r = rng
        self.messy = messy
        self.next_key = 0

    def chance(self, p):
        return self.r.random() < p

    def pick(self, items):
        return self.r.choice(items)

    def key(self):
        self.next_key += 1
        return f"k{self.next_key}"

    def attrs(self, n=None):
        out = []
        for _ in range(self.r.randrange(3) if n is None else n):
            name = self.pick(ATTRIBUTE_NAMES)
            if any(a[0] == name for a in out):
                continue
            out.append([name, self.pick(VALUES)])
        return out

    # --- documents -----------------------------------------------------

    def document(self):
        return self.flow(0, self.r.randrange(1, 7))

    def flow(self, depth, count=None):
        count = self.r.randrange(0, 5) if count is None else count
        out = []
        for _ in range(count):
            node = self.flow_node(depth)
            if node.kind == "text" and out and out[-1].kind == "text":
                continue
            out.append(node)
        return out

    def phrasing(self, depth, inside=()):
        out = []
        for _ in range(self.r.randrange(0, 4)):
            if depth > 5 or self.chance(0.5):
                node = text(self.pick(TEXTS))
            elif self.chance(0.15):
                node = N("comment", text=self.pick(COMMENTS))
            elif self.chance(0.15):
                node = N("el", self.pick(VOID), self.attrs())
            else:
                name = self.pick([n for n in INLINE if n not in inside] or ["span"])
                # Elements nest in themselves only in invalid markup (and an
                # <a> in an <a> is taken apart by browsers).
                node = N("el", name, self.attrs(), self.phrasing(depth + 1, inside + (name,)))
            if node.kind == "text" and out and out[-1].kind == "text":
                continue
            out.append(node)
        return out

    def flow_node(self, depth):
        if depth > 4:
            return text(self.pick(TEXTS))
        k = self.r.randrange(24)
        if k < 5:
            return text(self.pick(TEXTS))
        if k == 5:
            return N("comment", text=self.pick(COMMENTS))
        if k == 6:
            return N("el", self.pick(VOID), self.attrs())
        if k == 7:
            return self.keyed_list(depth)
        if k == 8:
            return self.table(depth)
        if k == 9:
            return self.form(depth)
        if k == 10:
            return N("el", "p", self.attrs(), self.phrasing(depth + 1))
        if k == 11:
            return N("el", self.pick(["ul", "ol"]), self.attrs(),
                     [N("el", "li", self.attrs(), self.flow(depth + 2)) for _ in range(self.r.randrange(4))])
        if k == 12:
            return N("el", "dl", [], [N("el", self.pick(["dt", "dd"]), [], self.phrasing(depth + 1))
                                      for _ in range(self.r.randrange(4))])
        if k == 13:
            raw = self.pick(["textarea", "title", "script", "style"])
            content = self.pick(["", "a < b && c", "x", "</p>", "\nline", "&amp; &lt;", "<!-- x"])
            if raw in ("textarea", "title"):
                content = content.replace("<!--", "&lt;!--")
            return N("el", raw, self.attrs(1), [text(content)] if content else [])
        if k == 14:
            return N("el", "pre", self.attrs(), [text(self.pick(["\nfirst", "\n\nsecond", "x\n y", "  z"]))])
        if k == 15:
            return self.svg(depth)
        if k == 16:
            return N("el", "template", [], self.flow(depth + 1, 2))
        if k == 17:
            return N("el", "button", self.attrs(), self.phrasing(depth + 1))
        if k == 18 and self.chance(0.5):
            # A nested component: its content is its own, the same
            # whichever side of the pair renders it.
            cid = self.r.randrange(3)
            return N("el", "div", [["data-livets-id", f"c{cid}"]], [text(f"component {cid}")])
        if k < 21:
            return N("el", self.pick(BLOCK), self.attrs(), self.flow(depth + 1))
        return N("el", self.pick(INLINE), self.attrs(), self.phrasing(depth + 1))

    def row(self, depth, cells):
        attrs = [["id", self.key()]] if self.chance(0.7) else []
        return N("el", "tr", attrs, [N("el", self.pick(["td", "th"]) if self.chance(0.2) else "td", self.attrs(1),
                                       self.phrasing(depth + 3)) for _ in range(cells)])

    def table(self, depth):
        cells = self.r.randrange(1, 4)
        body = []
        for _ in range(self.r.randrange(0, 7)):
            if self.chance(0.5):
                body.append(text(self.pick(["\n", "\n  ", " "])))
            body.append(self.row(depth, cells))
        parts = []
        if self.chance(0.2):
            parts.append(N("el", "caption", [], [text(self.pick(WORDS))]))
        if self.chance(0.15):
            parts.append(N("el", "colgroup", [], [N("el", "col", [["span", "1"]]) for _ in range(cells)]))
        if self.chance(0.2):
            parts.append(N("el", "thead", [], [self.row(depth, cells)]))
        parts.append(N("el", "tbody", self.attrs(1) if self.chance(0.3) else [], body))
        return N("el", "table", self.attrs(), parts)

    def keyed_list(self, depth):
        attr = self.pick(["id", "ts-key"])
        items = []
        for _ in range(self.r.randrange(0, 12)):
            if self.chance(0.6):
                items.append(text(self.pick(["\n  ", " ", "\n"])))
            tag = self.pick(["li", "li", "li", "div"])
            items.append(N("el", tag, [[attr, self.key()]] + self.attrs(1), self.phrasing(depth + 2)))
        return N("el", self.pick(["ul", "ol", "div"]), [["class", "list"]], items)

    def form(self, depth):
        children = []
        for _ in range(self.r.randrange(1, 5)):
            k = self.r.randrange(6)
            if k == 0:
                children.append(N("el", "input", [["type", self.pick(["text", "checkbox", "hidden", "number"])],
                                                  ["name", self.pick(WORDS)]] + self.attrs(1)))
            elif k == 1:
                opts = [N("el", "option", [["value", str(i)]] + ([["selected", ""]] if self.chance(0.2) else []),
                          [text(self.pick(WORDS))]) for i in range(self.r.randrange(1, 4))]
                children.append(N("el", "select", [["name", self.pick(WORDS)]], opts))
            elif k == 2:
                children.append(N("el", "textarea", [["name", "t"]], [text(self.pick(["", "hi", "\nx", "&amp;"]))]))
            elif k == 3:
                children.append(N("el", "label", [], [text(self.pick(WORDS))]))
            elif k == 4:
                children.append(N("el", "button", [["type", "submit"]], [text("Go")]))
            else:
                children.append(text(self.pick(["\n", " "])))
        return N("el", "form", self.attrs(1), [c for i, c in enumerate(children)
                                               if not (c.kind == "text" and i and children[i - 1].kind == "text")])

    def svg(self, depth):
        if self.chance(0.25):
            # MathML, with token elements that hold HTML-parsed text.
            kids = [N("el", self.pick(["mi", "mn", "mo"]), [], [text(self.pick(["x", "2", "+", "&amp;"]))])
                    for _ in range(self.r.randrange(0, 3))]
            return N("el", "math", [["display", self.pick(["block", "inline"])]], kids)
        kids = []
        for _ in range(self.r.randrange(0, 3)):
            name = self.pick(["circle", "rect", "g", "path", "text", "foreignObject", "linearGradient"])
            attrs = [["viewBox" if name == "g" else "r", self.pick(["0 0 1 1", "1", "2"])]]
            if name == "foreignObject":
                # Back to HTML inside SVG.
                kids.append(N("el", name, [["width", "10"]], [N("el", "div", [], self.phrasing(depth + 2))]))
            else:
                kids.append(N("el", name, attrs, [text(self.pick(WORDS))] if name == "text" else []))
        return N("el", "svg", [["viewBox", self.pick(["0 0 10 10", "0 0 20 20"])]], kids)

    # --- edits -----------------------------------------------------------

    def slots(self, nodes, parent, out):
        for i, node in enumerate(nodes):
            if any(a[0] == "data-livets-id" for a in node.attrs):
                continue
            out.append((parent, i))
            if node.kind == "el" and node.name not in ("svg",):
                self.slots(node.children, node, out)

    def edit(self, doc):
        all_slots = []
        self.slots(doc, None, all_slots)
        if not all_slots:
            return self.document()
        parent, index = self.pick(all_slots)
        siblings = parent.children if parent is not None else doc
        node = siblings[index]
        k = self.r.randrange(12)
        raw_parent = parent is not None and parent.name in ("textarea", "title", "script", "style", "pre")
        if k == 0 or raw_parent:
            if node.kind == "text":
                node.text = self.pick(TEXTS) if not raw_parent else self.pick(["changed", "", "a&amp;b", "\nz"])
            elif node.kind == "comment":
                node.text = self.pick(COMMENTS)
            elif node.children and node.children[0].kind == "text":
                node.children[0].text = self.pick(TEXTS)
        elif k == 1 and node.kind == "el" and node.name not in ("tr",):
            keep = [a for a in node.attrs if a[0] in ("id", "ts-key", "data-livets-id", "type", "name")]
            node.attrs = keep + [a for a in self.attrs() if a[0] not in {b[0] for b in keep}]
        elif k == 2 and node.kind == "el" and node.attrs:
            a = self.pick(node.attrs)
            if a[0] not in ("id", "ts-key", "data-livets-id"):
                a[1] = self.pick(VALUES)
        elif k == 3:
            del siblings[index]
        elif k in (4, 5):
            siblings.insert(self.r.randrange(len(siblings) + 1), self.similar(siblings, node))
        elif k == 6:
            moved = siblings.pop(index)
            siblings.insert(self.r.randrange(len(siblings) + 1), moved)
        elif k == 7:
            self.r.shuffle(siblings)
        elif k == 8:
            siblings[index] = self.similar(siblings, node)
        elif k == 9 and node.kind == "el" and node.name in BLOCK + INLINE:
            group = BLOCK if node.name in BLOCK else INLINE
            node.name = self.pick(group)
        else:
            siblings.append(self.similar(siblings, node))
        fix_adjacent_text(doc)
        return doc

    def similar(self, siblings, node):
        """A new node that fits where `node` is (a row among rows...)."""
        if node.kind == "el" and node.name == "tr":
            return self.row(2, max(1, len(node.children)))
        if node.kind == "el" and node.name in ("li", "div") and node.attrs and node.attrs[0][0] in ("id", "ts-key"):
            return N("el", node.name, [[node.attrs[0][0], self.key()]], self.phrasing(3))
        if node.kind == "el" and node.name in ("td", "th"):
            return N("el", "td", [], self.phrasing(3))
        if node.kind == "el" and node.name == "option":
            return N("el", "option", [], [text(self.pick(WORDS))])
        if node.kind == "el" and node.name in ("dt", "dd"):
            return N("el", self.pick(["dt", "dd"]), [], self.phrasing(3))
        if node.kind == "el" and node.name in ("thead", "tbody", "caption", "li", "text", "circle", "rect", "g", "path"):
            return node.copy()
        if node.kind == "text" and siblings and any(s.kind == "el" and s.name == "tr" for s in siblings):
            return text(self.pick(["\n", " "]))
        return self.flow_node(3)


def fix_adjacent_text(nodes):
    """Adjacent text nodes would merge when parsed; keep the model honest."""
    i = 1
    while i < len(nodes):
        if nodes[i].kind == "text" and nodes[i - 1].kind == "text":
            nodes[i - 1].text += nodes[i].text
            del nodes[i]
        else:
            i += 1
    for n in nodes:
        if n.kind == "el":
            fix_adjacent_text(n.children)


# --- writing markup ----------------------------------------------------------

OPTIONAL_END = {"li", "dt", "dd", "option", "tr", "td", "th", "p", "tbody", "thead"}
RAW = {"textarea", "title", "script", "style"}


class Writer:
    def __init__(self, rng, messy):
        self.r = rng
        self.messy = messy

    def chance(self, p):
        return self.r.random() < p

    def markup(self, nodes):
        out = []
        for i, n in enumerate(nodes):
            self.write(n, nodes[i + 1] if i + 1 < len(nodes) else None, out)
        return "".join(out)

    def name(self, name):
        return name.upper() if self.chance(0.08) else name

    def write(self, n, following, out):
        if n.kind == "text":
            out.append(n.text)
            return
        if n.kind == "comment":
            out.append("<!--" + n.text + "-->")
            return
        name = self.name(n.name)
        out.append("<" + name)
        written = set()
        for attr, value in n.attrs:
            out.append(" " + (attr.upper() if self.chance(0.05) and n.name != "svg" else attr))
            written.add(attr)
            plain = value and not any(c in value for c in " \t\n\"'=<>`")
            if value == "" and self.chance(0.5):
                pass
            elif plain and self.chance(0.3):
                out.append("=" + value)
            elif "\"" in value or self.chance(0.2) and "'" not in value:
                out.append("='" + value + "'")
            else:
                out.append("=\"" + value + "\"")
        if n.attrs and self.chance(0.05):
            # A duplicate: the first one wins.
            out.append(f' {n.attrs[0][0]}="dup"')
        void = n.name in VOID
        out.append("/>" if void and self.chance(0.3) else ">")
        if void:
            return
        if n.name in RAW:
            for c in n.children:
                out.append(c.text)
            out.append("</" + name + ">")
            return
        if n.name in ("pre", "textarea") and n.children and n.children[0].kind == "text" \
                and n.children[0].text.startswith("\n"):
            out.append("\n")
        for i, c in enumerate(n.children):
            self.write(c, n.children[i + 1] if i + 1 < len(n.children) else None, out)
        if self.may_omit_end(n, following) and self.chance(0.4):
            return
        if self.chance(self.messy) and n.name in ("b", "i", "em", "strong", "code", "small", "u", "s", "a") \
                and n.children:
            # A missing end tag: browsers reopen the element later in ways
            # the differ does not model, so the patch must re-send.
            return
        out.append("</" + name + ">")

    @staticmethod
    def may_omit_end(n, following):
        name = n.name
        if name not in OPTIONAL_END:
            return False
        nxt = following.name if following is not None and following.kind == "el" else None
        if following is not None and following.kind != "el":
            # Text or a comment after it would land inside it.
            return False
        if name == "li":
            return nxt in (None, "li")
        if name in ("dt", "dd"):
            return nxt in (None, "dt", "dd")
        if name == "option":
            return nxt in (None, "option")
        if name == "tr":
            return nxt in (None, "tr")
        if name in ("td", "th"):
            return nxt in (None, "td", "th")
        if name in ("tbody", "thead"):
            return nxt in (None, "tbody")
        if name == "p":
            return nxt in ("div", "p", "ul", "ol", "table", "section", "h1", "h2", "form", "pre", "dl", "hr")
        return False


def pair(seed, messy=0.03):
    """An (old, new) markup pair for `seed`."""
    rng = random.Random(seed)
    gen = Generator(rng, messy)
    doc = gen.document()
    edited = [n.copy() for n in doc]
    for _ in range(1 + rng.randrange(3)):
        edited = gen.edit(edited)
    writer = Writer(rng, messy)
    return writer.markup(doc), writer.markup(edited)
