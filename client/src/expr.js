// The expression language of ts-show and ts-if: literals, model field
// names with `.property`, `!`, comparisons, `&&`, `||` and parentheses.
// It is compiled into closures over a model object, never handed to eval
// or Function, so pages keep a CSP without 'unsafe-eval'. Names read only
// own properties: no expression reaches a prototype, a global or a function.

// A number, a quoted string (no escapes), a name, or an operator. Sticky,
// so the first character that starts no token ends the scan.
const TOKEN = /\s*(?:(-?\d+(?:\.\d+)?)|'([^']*)'|"([^"]*)"|([A-Za-z_$][\w$]*)|([=!]==?|[<>]=?|&&|\|\||[!().]))/gy

// How tightly each binary operator binds, as in JavaScript.
const LEVEL = { '||': 1, '&&': 2, '==': 3, '!=': 3, '===': 3, '!==': 3, '<': 4, '>': 4, '<=': 4, '>=': 4 }

// Both sides are always evaluated, which here is the same as short-circuit
// evaluation: nothing in the language has an effect or can throw.
const apply = (o, a, b) =>
  o == '||' ? a || b
    : o == '&&' ? a && b
    : o[0] == '<' ? (o[1] ? a <= b : a < b)
    : o[0] == '>' ? (o[1] ? a >= b : a > b)
    : (o[2] ? a === b : a == b) == (o[0] == '=')

const WORDS = { true: true, false: false, null: null, undefined: void 0 }

const own = (o, k) => (o != null && Object.hasOwn(o, k) ? o[k] : void 0)

// Returns `model => value`; throws SyntaxError on text it cannot read.
export const compile = src => {
  const fail = () => {
    throw new SyntaxError('bad expression: ' + src)
  }
  // {o: operator}, {v: literal value} or {n: name}
  const toks = []
  const rest = String(src).replace(TOKEN, (_, num, sq, dq, name, o) => {
    toks.push(
      o ? { o }
        : name ? (Object.hasOwn(WORDS, name) ? { v: WORDS[name] } : { n: name })
        : { v: num ? +num : sq != null ? sq : dq },
    )
    return ''
  })
  if (rest.trim()) fail()
  let i = 0
  const peek = () => (toks[i] || {}).o
  const unary = () => {
    const t = toks[i++] || fail()
    if (t.o == '!') {
      const e = unary()
      return m => !e(m)
    }
    if (t.o == '(') {
      const e = binary(0)
      return peek() == ')' && ++i ? e : fail()
    }
    if (t.o) fail()
    if (!t.n) return () => t.v
    let get = m => own(m, t.n)
    while (peek() == '.') {
      const { n } = toks[++i] || fail()
      const from = get
      if (!n) fail()
      i++
      get = m => own(from(m), n)
    }
    return get
  }
  const binary = min => {
    let left = unary()
    for (let o; LEVEL[(o = peek())] > min; ) {
      i++
      const l = left
      const r = binary(LEVEL[o])
      left = m => apply(o, l(m), r(m))
    }
    return left
  }
  const e = binary(0)
  return i < toks.length ? fail() : e
}
