import { findMatches, foldedWords, foldText } from './find-matches.js';
import type { SearchTerm } from './search-query.js';

/** What the index keeps of an article: enough to find it and to check a term against its text. */
export interface IndexedArticle {
  id: string;
  title: string;
  summary: string;
  /** Epoch milliseconds. */
  published: number;
}

export interface IndexHits {
  total: number;
  /** Article ids, newest first. */
  ids: string[];
}

/** Below this share of live documents the index is rebuilt from what it holds. */
const COMPACT_BELOW = 0.75;

/**
 * An in-memory inverted index over titles and summaries: each folded word lists the
 * documents holding it, and a sorted vocabulary finds every word that starts with what the
 * reader has typed so far. A query costs one pass over the postings of its words plus one
 * over the documents in date order, never a scan of the text.
 *
 * Documents are numbered as they are added; a removed or replaced one is only forgotten
 * (its number stays in the postings) until enough of them pile up to rebuild.
 */
export class SearchIndex {
  private docs: (IndexedArticle | undefined)[] = [];
  private readonly byId = new Map<string, number>();
  private postings = new Map<string, number[]>();
  private vocabulary: string[] = [];
  private newWords: string[] = [];
  /** Document numbers, newest first; rebuilt after changes. */
  private order = new Int32Array(0);
  private orderStale = false;

  get size(): number {
    return this.byId.size;
  }

  /** Adds an article, or updates one already held (its date; its words if its text changed). */
  upsert(article: IndexedArticle): void {
    const held = this.byId.get(article.id);
    const doc = held === undefined ? undefined : this.docs[held];
    if (doc && doc.title === article.title && doc.summary === article.summary) {
      if (doc.published !== article.published) this.orderStale = true;
      doc.published = article.published;
      return;
    }
    if (held !== undefined) this.forget(held);
    this.add(article);
  }

  remove(id: string): void {
    const held = this.byId.get(id);
    if (held !== undefined) this.forget(held);
  }

  /** Forgets articles published before the cutoff (epoch ms); returns how many. */
  removeOlderThan(cutoff: number): number {
    let removed = 0;
    this.docs.forEach((doc, n) => {
      if (doc && doc.published < cutoff) {
        this.forget(n);
        removed++;
      }
    });
    return removed;
  }

  /**
   * Brings the vocabulary and the date order up to date after changes. A query does it too,
   * but calling it after a batch of changes keeps that work off the first query.
   */
  prepare(): void {
    if (this.size < this.docs.length * COMPACT_BELOW) this.compact();
    if (this.newWords.length > 0) {
      this.vocabulary = mergeSorted(this.vocabulary, this.newWords.sort());
      this.newWords = [];
    }
    if (this.orderStale) {
      const live = [...this.byId.values()];
      live.sort((a, b) => published(this.docs[b]) - published(this.docs[a]) || b - a);
      this.order = Int32Array.from(live);
      this.orderStale = false;
    }
  }

  /**
   * Articles holding every term in their title or summary, published at or after `since`:
   * how many, and the ids of `limit` of them from `offset`, newest first.
   */
  search(terms: SearchTerm[], options: { since: number; offset: number; limit: number }): IndexHits {
    this.prepare();
    const candidates = this.candidates(terms);
    const checkText = terms.filter((t) => t.needsText);
    const ids: string[] = [];
    let total = 0;
    for (const n of this.order) {
      if (!has(candidates, n)) continue;
      const doc = this.docs[n];
      if (!doc || doc.published < options.since) continue;
      if (checkText.length > 0 && !checkText.every((t) => termIn(doc, t))) continue;
      if (total >= options.offset && ids.length < options.limit) ids.push(doc.id);
      total++;
    }
    return { total, ids };
  }

  private add(article: IndexedArticle): void {
    const n = this.docs.length;
    this.docs.push(article);
    this.byId.set(article.id, n);
    this.orderStale = true;
    for (const word of new Set(foldedWords(foldText(`${article.title}\n${article.summary}`).text))) {
      const list = this.postings.get(word);
      if (list) list.push(n);
      else {
        this.postings.set(word, [n]);
        this.newWords.push(word);
      }
    }
  }

  private forget(n: number): void {
    const doc = this.docs[n];
    if (!doc) return;
    this.byId.delete(doc.id);
    this.docs[n] = undefined;
    this.orderStale = true;
  }

  /** Rebuilds postings and vocabulary from the live documents, dropping forgotten ones. */
  private compact(): void {
    const live = this.docs.filter((d): d is IndexedArticle => d !== undefined);
    this.docs = [];
    this.byId.clear();
    this.postings = new Map();
    this.vocabulary = [];
    this.newWords = [];
    for (const doc of live) this.add(doc);
  }

  /** Documents holding every word of every term, as a bitset over document numbers. */
  private candidates(terms: SearchTerm[]): Uint32Array {
    const clauses = new Map<string, { word: string; prefix: boolean }>();
    for (const term of terms) {
      term.words.forEach((word, i) => {
        const prefix = term.lastIsPrefix && i === term.words.length - 1;
        clauses.set(`${prefix ? '^' : '='}${word}`, { word, prefix });
      });
    }
    let result: Uint32Array | undefined;
    for (const { word, prefix } of clauses.values()) {
      const bits = new Uint32Array(Math.ceil(this.docs.length / 32));
      for (const list of this.postingsOf(word, prefix)) {
        for (const n of list) bits[n >>> 5] = (bits[n >>> 5] ?? 0) | (1 << (n & 31));
      }
      if (result) for (let i = 0; i < result.length; i++) result[i] = (result[i] ?? 0) & (bits[i] ?? 0);
      else result = bits;
    }
    return result ?? new Uint32Array(0);
  }

  private postingsOf(word: string, prefix: boolean): number[][] {
    if (!prefix) {
      const list = this.postings.get(word);
      return list ? [list] : [];
    }
    const lists: number[][] = [];
    for (let i = lowerBound(this.vocabulary, word); i < this.vocabulary.length; i++) {
      const candidate = this.vocabulary[i] ?? '';
      if (!candidate.startsWith(word)) break;
      const list = this.postings.get(candidate);
      if (list) lists.push(list);
    }
    return lists;
  }
}

function published(doc: IndexedArticle | undefined): number {
  return doc?.published ?? Number.NEGATIVE_INFINITY;
}

function has(bits: Uint32Array, n: number): boolean {
  return (((bits[n >>> 5] ?? 0) >>> (n & 31)) & 1) === 1;
}

/** A term with signs or several words ("s&p", "u.s.") is checked against the text itself. */
function termIn(doc: IndexedArticle, term: SearchTerm): boolean {
  return findMatches(doc.title, [term.raw]).length > 0 || findMatches(doc.summary, [term.raw]).length > 0;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? '') < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSorted(a: string[], b: string[]): string[] {
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] ?? '') <= (b[j] ?? '') ? (a[i++] ?? '') : (b[j++] ?? '');
  while (i < a.length) out[k++] = a[i++] ?? '';
  while (j < b.length) out[k++] = b[j++] ?? '';
  return out;
}
