/**
 * feedparser's result, as its annotations name it, seen through what tidings keeps: the feed's
 * title, each entry's title, link, id, dates and body, and the charset. A check on anything
 * else (authors, tags, `bozo`…) is not scored, and says which field made it so.
 */

import { resolveCharsetLabel } from '../../src/charset-label.js';
import { parseFeedDate } from '../../src/feed-date.js';
import { collapseSpace, htmlToText } from '../../src/html-text.js';
import type { FeedItem } from '../../src/read-feed-item.js';
import { clauses, type Expr, parsePython } from './python-expression.js';

export class NotKept extends Error {}

/** A value tidings keeps, compared with feedparser's the way a reader would compare them. */
class Kept {
  constructor(
    readonly kind: 'text' | 'url' | 'exact' | 'date' | 'dateparts' | 'charset',
    readonly value: string | undefined,
  ) {}
}

/** Encodings that decode the same bytes the same way, as the WHATWG Encoding Standard maps their labels. */
const SAME_DECODER: Record<string, string> = {
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'tis-620': 'windows-874',
  'iso-8859-11': 'windows-874',
  'x-sjis': 'shift_jis',
};

/** Two names of one decoder (cp1252 and windows-1252) are the same encoding. */
function decoderOf(name: string): string {
  const canonical = resolveCharsetLabel(name) ?? name.trim().toLowerCase();
  return SAME_DECODER[canonical] ?? canonical;
}

function normalUrl(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
}

function matches(ours: Kept, theirs: unknown): boolean {
  if (theirs instanceof Kept) return ours.value !== undefined && ours.value === theirs.value;
  if (ours.kind === 'dateparts') {
    if (!Array.isArray(theirs) || ours.value === undefined) return false;
    const d = new Date(ours.value);
    const parts = [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ];
    return parts.every((p, i) => p === theirs[i]);
  }
  if (typeof theirs !== 'string') return theirs === null ? ours.value === undefined : false;
  if (ours.value === undefined) return false;
  switch (ours.kind) {
    // feedparser's value is plain text or HTML as the element's type says; either reading may match.
    case 'text':
      return ours.value === collapseSpace(theirs) || ours.value === htmlToText(theirs);
    case 'url':
      return normalUrl(ours.value) === normalUrl(theirs);
    case 'date':
      return parseFeedDate(theirs) !== undefined && parseFeedDate(theirs) === ours.value;
    case 'charset':
      return decoderOf(ours.value) === decoderOf(theirs);
    default:
      return ours.value === theirs;
  }
}

export interface ParsedForCheck {
  title: string | undefined;
  items: (FeedItem | undefined)[];
  charset: string | undefined;
}

type View = Record<string, unknown>;

function entryView(item: FeedItem | undefined): View {
  const text = (v: string | undefined) => new Kept('text', v);
  const body = text(item?.body);
  return {
    title: text(item?.title),
    title_detail: { value: text(item?.title) },
    link: new Kept('url', item?.link || undefined),
    id: new Kept('exact', item?.id),
    guid: new Kept('exact', item?.id),
    summary: body,
    description: body,
    summary_detail: { value: body },
    content: [{ value: body }],
    ...Object.fromEntries(
      ['published', 'issued', 'created'].flatMap((k) => [
        [k, new Kept('date', item?.published)],
        [`${k}_parsed`, new Kept('dateparts', item?.published)],
      ]),
    ),
    ...Object.fromEntries(
      ['updated', 'modified', 'date'].flatMap((k) => [
        [k, new Kept('date', item?.updated)],
        [`${k}_parsed`, new Kept('dateparts', item?.updated)],
      ]),
    ),
  };
}

function lookup(target: unknown, key: unknown, path: string): unknown {
  // An entry tidings did not read is a failed check, not one set aside.
  if (Array.isArray(target) && typeof key === 'number') return target[key] ?? entryView(undefined);
  if (target && typeof target === 'object' && !(target instanceof Kept) && typeof key === 'string') {
    if (!(key in (target as View))) throw new NotKept(`${path}.${key}`);
    return (target as View)[key];
  }
  throw new NotKept(`${path}[${String(key)}]`);
}

function compare(op: string, left: unknown, right: unknown): boolean {
  const kept = left instanceof Kept ? left : right instanceof Kept ? right : undefined;
  const other = kept === left ? right : left;
  switch (op) {
    case '==':
      return kept ? matches(kept, other) : JSON.stringify(left) === JSON.stringify(right);
    case '!=':
    case 'is not':
      return !compare('==', left, right);
    case 'is':
      return compare('==', left, right);
    case 'in':
      if (right instanceof Kept && typeof left === 'string') return (right.value ?? '').includes(htmlToText(left));
      throw new NotKept(`'in' on ${typeof right}`);
    case 'not in':
      return !compare('in', left, right);
    default:
      if (typeof left === 'number' && typeof right === 'number') {
        return op === '<' ? left < right : op === '>' ? left > right : op === '<=' ? left <= right : left >= right;
      }
      throw new NotKept(`'${op}' on kept fields`);
  }
}

function evaluate(expr: Expr, env: View, path = ''): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'name':
      if (!(expr.name in env)) throw new NotKept(expr.name);
      return env[expr.name];
    case 'not':
      return !truthy(evaluate(expr.operand, env));
    case 'bool':
      return expr.op === 'and'
        ? expr.operands.every((o) => truthy(evaluate(o, env)))
        : expr.operands.some((o) => truthy(evaluate(o, env)));
    case 'compare': {
      let left = evaluate(expr.left, env);
      return expr.ops.every((op, i) => {
        const right = evaluate(expr.rights[i]!, env);
        const holds = compare(op, left, right);
        left = right;
        return holds;
      });
    }
    case 'subscript':
      return lookup(evaluate(expr.target, env), evaluate(expr.index, env), path);
    case 'attribute':
      return lookup(evaluate(expr.target, env), expr.name, path);
    case 'call':
      return call(expr, env);
    case 'tuple':
    case 'list':
      return expr.items.map((i) => evaluate(i, env));
    case 'dict':
      throw new NotKept('a dict literal');
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, env: View): unknown {
  const args = expr.args.map((a) => evaluate(a, env));
  if (expr.target.kind === 'name' && expr.target.name === 'len' && Array.isArray(args[0])) return args[0].length;
  if (expr.target.kind === 'name' && expr.target.name === 'ord' && args[0] instanceof Kept) {
    const text = args[0].value ?? '';
    return [...text].length === 1 ? text.codePointAt(0) : -1;
  }
  if (expr.target.kind === 'attribute' && expr.target.name === 'get') {
    return lookup(evaluate(expr.target.target, env), args[0], 'get');
  }
  throw new NotKept('a call');
}

function truthy(value: unknown): boolean {
  if (value instanceof Kept) return Boolean(value.value);
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

export interface CheckOutcome {
  clause: string;
  /** Undefined when the check is not scored; then `notKept` says why. */
  passed?: boolean;
  notKept?: string;
}

/** Each top-level clause of an annotation, scored against what tidings read, or set aside with its reason. */
export function checkAnnotation(expect: string, parsed: ParsedForCheck | undefined): CheckOutcome[] {
  const tree = parsePython(expect);
  const env: View = {
    feed: { title: new Kept('text', parsed?.title), title_detail: { value: new Kept('text', parsed?.title) } },
    entries: (parsed?.items ?? []).map(entryView),
    encoding: new Kept('charset', parsed?.charset),
  };
  return clauses(tree).map((clause) => {
    const text = JSON.stringify(clause);
    if (clause.kind === 'literal') return { clause: text, notKept: 'a constant' };
    try {
      return { clause: text, passed: truthy(evaluate(clause, env)) };
    } catch (err) {
      if (err instanceof NotKept) return { clause: text, notKept: err.message };
      throw err;
    }
  });
}
