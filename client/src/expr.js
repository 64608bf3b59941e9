// The expression language of ts-show and ts-if. Compiled into closures over
// a model object, never handed to eval or Function, so pages keep a CSP
// without 'unsafe-eval'. Names read only the model's own properties: no
// expression can reach a prototype, a global or a function.

// Numbers, quoted strings, names, then operators longest first.
const TOKEN = /(\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*)|(===|!==|==|!=|<=|>=|&&|\|\||[-+*/%<>!().?:])/g

// Binding strength of each binary operator, loosest first as in JavaScript.
const LEVEL = { '||': 1, '&&': 2, '==': 3, '!=': 3, '===': 3, '!==': 3, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 }

// Operands arrive as thunks so && and || short-circuit.
const BINARY = {
  '||': (a, b) => a() || b(),
  '&&': (a, b) => a() && b(),
  '==': (a, b) => a() == b(),
  '!=': (a, b) => a() != b(),
  '===': (a, b) => a() === b(),
  '!==': (a, b) => a() !== b(),
  '<': (a, b) => a() < b(),
  '>': (a, b) => a() > b(),
  '<=': (a, b) => a() <= b(),
  '>=': (a, b) => a() >= b(),
  '+': (a, b) => a() + b(),
  '-': (a, b) => a() - b(),
  '*': (a, b) => a() * b(),
  '/': (a, b) => a() / b(),
  '%': (a, b) => a() % b(),
}

const WORDS = { true: true, false: false, null: null, undefined: void 0 }

const own = (o, k) => (o != null && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : void 0)

const fail = src => {
  throw new SyntaxError('bad expression: ' + src)
}

// Returns `model => value`; throws SyntaxError on text it cannot read.
export const compile = src => {
  // [kind, text]: 0 literal value, 1 name, 2 operator.
  const toks = []
  const rest = String(src).replace(TOKEN, (_, num, sq, dq, name, op) => {
    toks.push(
      num ? [0, +num]
        : sq != null || dq != null ? [0, (sq != null ? sq : dq).replace(/\\(.)/g, '$1')]
        : name ? (name in WORDS ? [0, WORDS[name]] : [1, name])
        : [2, op],
    )
    return ''
  })
  if (rest.trim()) fail(src)
  let i = 0
  const op = () => (toks[i] && toks[i][0] == 2 ? toks[i][1] : '')
  const eat = o => op() == o && ++i
  const unary = () => {
    const [kind, v] = toks[i++] || fail(src)
    if (!kind) return () => v
    if (kind == 1) {
      let get = m => own(m, v)
      while (eat('.')) {
        const [k, prop] = toks[i++] || fail(src)
        const from = get
        if (k != 1) fail(src)
        get = m => own(from(m), prop)
      }
      return get
    }
    if (v == '(') {
      const e = ternary()
      return eat(')') ? e : fail(src)
    }
    const e = unary()
    return v == '!' ? m => !e(m) : v == '-' ? m => -e(m) : fail(src)
  }
  const binary = min => {
    let left = unary()
    for (let o; LEVEL[(o = op())] > min; ) {
      i++
      const l = left
      const r = binary(LEVEL[o])
      left = m => BINARY[o](() => l(m), () => r(m))
    }
    return left
  }
  const ternary = () => {
    const c = binary(0)
    if (!eat('?')) return c
    const a = ternary()
    if (!eat(':')) fail(src)
    const b = ternary()
    return m => (c(m) ? a(m) : b(m))
  }
  const e = ternary()
  return i < toks.length ? fail(src) : e
}
