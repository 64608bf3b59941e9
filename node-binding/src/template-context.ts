// Where each `${}` of an html`` template sits in the markup, worked out
// once per template literal from its static text. Interpolated values are
// escaped for their position and can never change it, so the static text
// alone decides every position.

/** The kinds of position an interpolation can take. */
export const enum Slot {
  /** Element content: escaped as text. */
  Text,
  /** Between attributes (`<a ${x}>`): attribute names or an attribute map. */
  Attributes,
  /** Inside an attribute name (`<a data-${x}=...>`): refused. */
  AttrName,
  /** Right after `=` with no quote: the value is quoted for it. */
  ValueStart,
  /** Inside a quoted value. */
  Quoted,
  /** Inside an unquoted value, after some of it: fully encoded. */
  Unquoted,
  /** Inside `<!-- -->`: escaped as text. */
  Comment,
  /** Tag names, end tags, doctypes, script and style bodies: refused. */
  Forbidden,
}

/** What an attribute's value means, for the checks its slots need. */
export const enum AttrKind {
  Plain,
  /** A URL whose scheme decides what a click or load runs. */
  Url,
  /** Script or markup: event handlers and srcdoc. */
  Code,
}

/** One interpolation's position. */
export interface SlotInfo {
  readonly slot: Slot;
  readonly attr: AttrKind;
  /**
   * For value slots: where in the preceding static chunk the value began,
   * or -1 when it began in an earlier chunk (several interpolations in one
   * value).
   */
  readonly valueStart: number;
  /** For ValueStart: the static text right after continues the value. */
  readonly continues: boolean;
  /** For Forbidden: what the position is, for the error message. */
  readonly where: string;
}

const URL_ATTRS = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "xlink:href",
  "poster",
  "cite",
  "background",
  "data",
  "codebase",
  "manifest",
  "ping",
  "longdesc",
  "usemap",
]);

/** How the value of attribute `name` (any case) must be treated. */
export function attrKind(name: string): AttrKind {
  const lower = name.toLowerCase();
  if (lower.startsWith("on") || lower === "srcdoc") return AttrKind.Code;
  return URL_ATTRS.has(lower) ? AttrKind.Url : AttrKind.Plain;
}

const enum State {
  Data,
  TagOpen,
  TagName,
  EndTag,
  InTag,
  AttrName,
  AfterAttrName,
  BeforeValue,
  ValueDQ,
  ValueSQ,
  ValueUnq,
  Comment,
  Declaration,
  RawText,
}

const isSpace = (c: string): boolean => c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f";
const isLetter = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");

/** Elements whose content the browser runs or styles with, not text. */
const RAW_TEXT = new Set(["script", "style"]);

const cache = new WeakMap<TemplateStringsArray, readonly SlotInfo[]>();

/** The slot of every interpolation of a template, computed once per call site. */
export function slotsOf(strings: TemplateStringsArray): readonly SlotInfo[] {
  const cached = cache.get(strings);
  if (cached !== undefined) return cached;
  const slots = scan(strings);
  cache.set(strings, slots);
  return slots;
}

function scan(strings: TemplateStringsArray): readonly SlotInfo[] {
  const slots: SlotInfo[] = [];
  let state = State.Data;
  let tag = "";
  let attr = "";
  let rawEnd = "";

  for (let i = 0; i < strings.length; i++) {
    const chunk = strings[i] ?? strings.raw[i];
    let valueStart = -1;
    for (let j = 0; j < chunk.length; j++) {
      const c = chunk[j];
      switch (state) {
        case State.Data:
          if (c === "<") state = State.TagOpen;
          break;
        case State.TagOpen:
          if (c === "!") {
            if (chunk.startsWith("--", j + 1)) {
              state = State.Comment;
              j += 2;
            } else state = State.Declaration;
          } else if (c === "/") state = State.EndTag;
          else if (c === "?") state = State.Declaration;
          else if (isLetter(c)) {
            state = State.TagName;
            tag = c.toLowerCase();
          } else state = c === "<" ? State.TagOpen : State.Data;
          break;
        case State.TagName:
          if (isSpace(c) || c === "/") state = State.InTag;
          else if (c === ">") state = closeTag();
          else tag += c.toLowerCase();
          break;
        case State.EndTag:
        case State.Declaration:
          if (c === ">") state = State.Data;
          break;
        case State.InTag:
          if (c === ">") state = closeTag();
          else if (!isSpace(c) && c !== "/") {
            state = State.AttrName;
            attr = c;
          }
          break;
        case State.AttrName:
          if (isSpace(c)) state = State.AfterAttrName;
          else if (c === "=") state = State.BeforeValue;
          else if (c === ">") state = closeTag();
          else if (c === "/") state = State.InTag;
          else attr += c;
          break;
        case State.AfterAttrName:
          if (c === "=") state = State.BeforeValue;
          else if (c === ">") state = closeTag();
          else if (c === "/") state = State.InTag;
          else if (!isSpace(c)) {
            state = State.AttrName;
            attr = c;
          }
          break;
        case State.BeforeValue:
          if (c === '"') {
            state = State.ValueDQ;
            valueStart = j + 1;
          } else if (c === "'") {
            state = State.ValueSQ;
            valueStart = j + 1;
          } else if (c === ">") state = closeTag();
          else if (!isSpace(c)) {
            state = State.ValueUnq;
            valueStart = j;
          }
          break;
        case State.ValueDQ:
          if (c === '"') state = State.InTag;
          break;
        case State.ValueSQ:
          if (c === "'") state = State.InTag;
          break;
        case State.ValueUnq:
          if (isSpace(c)) state = State.InTag;
          else if (c === ">") state = closeTag();
          break;
        case State.Comment:
          if (c === ">" && chunk.slice(Math.max(0, j - 2), j) === "--") state = State.Data;
          break;
        case State.RawText:
          if (c === "<" && chunk.slice(j, j + rawEnd.length).toLowerCase() === rawEnd) {
            state = State.EndTag;
            j += rawEnd.length - 1;
          }
          break;
      }
    }
    if (i === strings.length - 1) break;
    const next = strings[i + 1] ?? strings.raw[i + 1];
    slots.push(slotFor(state, attr, tag, valueStart, next));
    // A value slot's own output never ends the value, except ValueStart,
    // which writes a whole value: what follows continues it or ends it.
    if (state === State.BeforeValue) {
      state = next.length > 0 && !isSpace(next[0]) && next[0] !== ">" && next[0] !== "/" ? State.ValueUnq : State.InTag;
    } else if (state === State.AfterAttrName || state === State.AttrName) {
      state = State.InTag;
    }
  }
  return slots;

  function closeTag(): State {
    if (RAW_TEXT.has(tag)) {
      rawEnd = `</${tag}`;
      return State.RawText;
    }
    return State.Data;
  }
}

function slotFor(state: State, attr: string, tag: string, valueStart: number, next: string): SlotInfo {
  const base = { attr: AttrKind.Plain, valueStart: -1, continues: false, where: "" };
  switch (state) {
    case State.Data:
      return { ...base, slot: Slot.Text };
    case State.Comment:
      return { ...base, slot: Slot.Comment };
    case State.InTag:
    case State.AfterAttrName:
      return { ...base, slot: Slot.Attributes };
    case State.AttrName:
      return { ...base, slot: Slot.AttrName, where: `the name of attribute ${attr}` };
    case State.BeforeValue: {
      const continues = next.length > 0 && !isSpace(next[0]) && next[0] !== ">" && next[0] !== "/";
      return { ...base, slot: Slot.ValueStart, attr: attrKind(attr), continues };
    }
    case State.ValueDQ:
    case State.ValueSQ:
      return { ...base, slot: Slot.Quoted, attr: attrKind(attr), valueStart };
    case State.ValueUnq:
      return { ...base, slot: Slot.Unquoted, attr: attrKind(attr), valueStart };
    case State.RawText:
      return { ...base, slot: Slot.Forbidden, where: `the body of <${tag}>` };
    case State.TagOpen:
    case State.TagName:
      return { ...base, slot: Slot.Forbidden, where: "a tag name" };
    case State.EndTag:
      return { ...base, slot: Slot.Forbidden, where: "an end tag" };
    case State.Declaration:
      return { ...base, slot: Slot.Forbidden, where: "a <!...> declaration" };
  }
}
