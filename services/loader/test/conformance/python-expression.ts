/**
 * The part of Python's expression grammar the Universal Feed Parser's test annotations use
 * (`not bozo and entries[0]['title'] == u'Example'`): boolean operators, comparisons,
 * subscripts, attribute access, calls, and str/int/tuple/list/dict literals. Parsed to a tree
 * so each top-level `and` clause can be scored on its own.
 */

export type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'name'; name: string }
  | { kind: 'not'; operand: Expr }
  | { kind: 'bool'; op: 'and' | 'or'; operands: Expr[] }
  | { kind: 'compare'; left: Expr; ops: string[]; rights: Expr[] }
  | { kind: 'subscript'; target: Expr; index: Expr }
  | { kind: 'attribute'; target: Expr; name: string }
  | { kind: 'call'; target: Expr; args: Expr[] }
  | { kind: 'tuple'; items: Expr[] }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'dict'; entries: [Expr, Expr][] };

type Token = { type: 'name' | 'number' | 'string' | 'op'; value: string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function unescapePython(body: string, raw: boolean): string {
  if (raw) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? `\\${e}`;
  });
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|([rRuUbB]{0,2})('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|(\d+\.\d+|\d+)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|[()[\]{},.:<>-])/y;
  let at = 0;
  while (at < source.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(source);
    if (!m) throw new SyntaxError(`cannot read the expression at ${JSON.stringify(source.slice(at, at + 20))}`);
    at = pattern.lastIndex;
    if (m[2] !== undefined) {
      const quote = m[2].startsWith("'''") || m[2].startsWith('"""') ? 3 : 1;
      tokens.push({ type: 'string', value: unescapePython(m[2].slice(quote, -quote), /r/i.test(m[1] ?? '')) });
    } else if (m[3] !== undefined) tokens.push({ type: 'number', value: m[3] });
    else if (m[4] !== undefined) tokens.push({ type: 'name', value: m[4] });
    else if (m[5] !== undefined) tokens.push({ type: 'op', value: m[5] });
  }
  return tokens;
}

const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null };

export function parsePython(source: string): Expr {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (value?: string) => {
    const t = tokens[i];
    return t && (value === undefined || (t.value === value && (t.type === 'op' || t.type === 'name'))) ? t : undefined;
  };
  const expect = (value: string) => {
    if (!peek(value)) throw new SyntaxError(`expected '${value}' in ${source}`);
    i++;
  };
  const sequence = (close: string): Expr[] => {
    const items: Expr[] = [];
    while (!peek(close)) {
      items.push(orExpr());
      if (!peek(close)) expect(',');
    }
    expect(close);
    return items;
  };
  const atom = (): Expr => {
    const t = tokens[i++];
    if (!t) throw new SyntaxError(`unexpected end of ${source}`);
    if (t.type === 'string') {
      let value = t.value;
      while (tokens[i]?.type === 'string') value += tokens[i++]!.value;
      return { kind: 'literal', value };
    }
    if (t.type === 'number') return { kind: 'literal', value: Number(t.value) };
    if (t.type === 'name')
      return t.value in CONSTANTS ? { kind: 'literal', value: CONSTANTS[t.value] } : { kind: 'name', name: t.value };
    if (t.value === '-') {
      const operand = atom();
      if (operand.kind !== 'literal' || typeof operand.value !== 'number')
        throw new SyntaxError('unary minus on a non-number');
      return { kind: 'literal', value: -operand.value };
    }
    if (t.value === '(') {
      const items = sequence(')');
      const trailingComma = tokens[i - 2]?.value === ',';
      return items.length === 1 && !trailingComma ? items[0]! : { kind: 'tuple', items };
    }
    if (t.value === '[') return { kind: 'list', items: sequence(']') };
    if (t.value === '{') {
      const entries: [Expr, Expr][] = [];
      while (!peek('}')) {
        const key = orExpr();
        expect(':');
        entries.push([key, orExpr()]);
        if (!peek('}')) expect(',');
      }
      expect('}');
      return { kind: 'dict', entries };
    }
    throw new SyntaxError(`unexpected '${t.value}' in ${source}`);
  };
  const postfix = (): Expr => {
    let target = atom();
    for (;;) {
      if (peek('[')) {
        i++;
        const index = orExpr();
        expect(']');
        target = { kind: 'subscript', target, index };
      } else if (peek('.')) {
        i++;
        const name = tokens[i++]?.value ?? '';
        target = { kind: 'attribute', target, name };
      } else if (peek('(')) {
        i++;
        target = { kind: 'call', target, args: sequence(')') };
      } else return target;
    }
  };
  const comparison = (): Expr => {
    const left = postfix();
    const ops: string[] = [];
    const rights: Expr[] = [];
    for (;;) {
      const t = tokens[i];
      let op: string | undefined;
      if (t && ['==', '!=', '<', '>', '<=', '>='].includes(t.value) && t.type === 'op') op = t.value;
      else if (peek('in')) op = 'in';
      else if (peek('not') && tokens[i + 1]?.value === 'in') op = 'not in';
      else if (peek('is')) op = tokens[i + 1]?.value === 'not' ? 'is not' : 'is';
      if (!op) break;
      i += op.includes(' ') ? 2 : 1;
      ops.push(op);
      rights.push(postfix());
    }
    return ops.length === 0 ? left : { kind: 'compare', left, ops, rights };
  };
  const notExpr = (): Expr => {
    if (peek('not')) {
      i++;
      return { kind: 'not', operand: notExpr() };
    }
    return comparison();
  };
  const boolExpr = (op: 'and' | 'or', next: () => Expr) => (): Expr => {
    const operands = [next()];
    while (peek(op)) {
      i++;
      operands.push(next());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'bool', op, operands };
  };
  const andExpr = boolExpr('and', notExpr);
  const orExpr = boolExpr('or', andExpr);
  const tree = orExpr();
  if (i < tokens.length) throw new SyntaxError(`unexpected '${tokens[i]!.value}' in ${source}`);
  return tree;
}

/** The top-level `and` operands: each is one check. */
export function clauses(expr: Expr): Expr[] {
  return expr.kind === 'bool' && expr.op === 'and' ? expr.operands.flatMap(clauses) : [expr];
}
