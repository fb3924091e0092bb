import { findMatches, foldedWords, foldText } from '../api/find-matches.js';
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

/** Below this share of live documents the postings are rewritten without the forgotten ones. */
const COMPACT_BELOW = 0.75;
/** New (word, document) pairs are folded into the postings once there are this many, or as many as postings. */
const MERGE_AT_LEAST = 1 << 20;

/**
 * An in-memory inverted index over titles and summaries: each folded word lists the
 * documents holding it, and a sorted vocabulary finds every word that starts with what the
 * reader has typed so far. A query costs one pass over the postings of its words plus one
 * over the documents in date order, never a scan of the text.
 *
 * The postings of all words sit in one Int32Array (word w's documents are
 * docsOfWords[starts[w]] to docsOfWords[starts[w + 1]]): a list per word would cost several
 * times the memory at 150 000 articles. New pairs are collected in a buffer and folded in
 * before the next query. Documents are numbered as they are added; a removed or replaced
 * one is only forgotten until enough of them pile up to rewrite the postings without them.
 */
export class SearchIndex {
  private docs: (IndexedArticle | undefined)[] = [];
  private readonly byId = new Map<string, number>();
  private readonly wordIds = new Map<string, number>();
  private vocabulary: string[] = [];
  private newWords: string[] = [];
  private starts = new Int32Array(1);
  private docsOfWords = new Int32Array(0);
  /** (word, document) pairs not yet in the postings. */
  private pending = new Int32Array(2 * 1024);
  private pendingCount = 0;
  /** The last document each word was seen in, so a word repeated in one text is listed once. */
  private lastDocOfWord = new Int32Array(1024).fill(-1);
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
   * Brings postings, vocabulary and date order up to date after changes. A query does it
   * too, but calling it after a batch of changes keeps that work off the first query.
   */
  prepare(): void {
    if (this.pendingCount > 0) this.mergePending();
    if (this.size < this.docs.length * COMPACT_BELOW) this.compact();
    if (this.newWords.length > 0) {
      this.vocabulary = mergeSorted(this.vocabulary, this.newWords.sort());
      this.newWords = [];
    }
    if (this.orderStale) {
      const live = Int32Array.from(this.byId.values());
      const published = Float64Array.from(live, (n) => this.docs[n]?.published ?? Number.NEGATIVE_INFINITY);
      const rank = Int32Array.from(live.keys()).sort((a, b) => (published[b] ?? 0) - (published[a] ?? 0) || b - a);
      this.order = Int32Array.from(rank, (i) => live[i] ?? 0);
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
    for (const word of foldedWords(foldText(`${article.title}\n${article.summary}`).text)) {
      const w = this.wordId(word);
      if (this.lastDocOfWord[w] === n) continue;
      this.lastDocOfWord[w] = n;
      if (2 * this.pendingCount + 2 > this.pending.length) this.pending = grow(this.pending, this.pending.length * 2);
      this.pending[2 * this.pendingCount] = w;
      this.pending[2 * this.pendingCount + 1] = n;
      this.pendingCount++;
    }
    if (this.pendingCount >= Math.max(MERGE_AT_LEAST, this.docsOfWords.length)) this.mergePending();
  }

  private wordId(word: string): number {
    let w = this.wordIds.get(word);
    if (w === undefined) {
      w = this.wordIds.size;
      this.wordIds.set(word, w);
      this.newWords.push(word);
      if (w >= this.lastDocOfWord.length) {
        const longer = new Int32Array(this.lastDocOfWord.length * 2).fill(-1);
        longer.set(this.lastDocOfWord);
        this.lastDocOfWord = longer;
      }
    }
    return w;
  }

  private forget(n: number): void {
    const doc = this.docs[n];
    if (!doc) return;
    this.byId.delete(doc.id);
    this.docs[n] = undefined;
    this.orderStale = true;
  }

  /** Postings plus pending pairs, rewritten word by word; `keep` renumbers documents (-1 drops one). */
  private rewrite(keep?: Int32Array): void {
    const words = this.wordIds.size;
    const counts = new Int32Array(words + 1);
    const kept = (n: number) => (keep ? (keep[n] ?? -1) : n);
    for (let w = 0; w < words; w++) {
      for (let i = this.starts[w] ?? 0; i < (this.starts[w + 1] ?? 0); i++) {
        if (kept(this.docsOfWords[i] ?? 0) >= 0) counts[w + 1] = (counts[w + 1] ?? 0) + 1;
      }
    }
    for (let p = 0; p < this.pendingCount; p++) {
      const w = this.pending[2 * p] ?? 0;
      if (kept(this.pending[2 * p + 1] ?? 0) >= 0) counts[w + 1] = (counts[w + 1] ?? 0) + 1;
    }
    for (let w = 0; w < words; w++) counts[w + 1] = (counts[w + 1] ?? 0) + (counts[w] ?? 0);
    const next = new Int32Array(counts[words] ?? 0);
    const fill = counts.slice(0, words);
    const put = (w: number, n: number) => {
      const at = fill[w] ?? 0;
      next[at] = n;
      fill[w] = at + 1;
    };
    for (let w = 0; w < words; w++) {
      for (let i = this.starts[w] ?? 0; i < (this.starts[w + 1] ?? 0); i++) {
        const n = kept(this.docsOfWords[i] ?? 0);
        if (n >= 0) put(w, n);
      }
    }
    for (let p = 0; p < this.pendingCount; p++) {
      const w = this.pending[2 * p] ?? 0;
      const n = kept(this.pending[2 * p + 1] ?? 0);
      if (n >= 0) put(w, n);
    }
    this.starts = counts;
    this.docsOfWords = next;
    this.pending = new Int32Array(2 * 1024);
    this.pendingCount = 0;
  }

  private mergePending(): void {
    this.rewrite();
  }

  /** Renumbers the live documents and rewrites the postings without the forgotten ones. */
  private compact(): void {
    const keep = new Int32Array(this.docs.length).fill(-1);
    const live: IndexedArticle[] = [];
    this.docs.forEach((doc, n) => {
      if (!doc) return;
      keep[n] = live.length;
      this.byId.set(doc.id, live.length);
      live.push(doc);
    });
    this.rewrite(keep);
    this.docs = live;
    this.lastDocOfWord.fill(-1);
    this.orderStale = true;
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
      for (const w of this.wordsFor(word, prefix)) {
        for (let i = this.starts[w] ?? 0; i < (this.starts[w + 1] ?? 0); i++) {
          const n = this.docsOfWords[i] ?? 0;
          bits[n >>> 5] = (bits[n >>> 5] ?? 0) | (1 << (n & 31));
        }
      }
      if (result) for (let i = 0; i < result.length; i++) result[i] = (result[i] ?? 0) & (bits[i] ?? 0);
      else result = bits;
    }
    return result ?? new Uint32Array(0);
  }

  /** The ids of the word, or of every word it starts when `prefix`. */
  private wordsFor(word: string, prefix: boolean): number[] {
    if (!prefix) {
      const w = this.wordIds.get(word);
      return w === undefined ? [] : [w];
    }
    const ids: number[] = [];
    for (let i = lowerBound(this.vocabulary, word); i < this.vocabulary.length; i++) {
      const candidate = this.vocabulary[i] ?? '';
      if (!candidate.startsWith(word)) break;
      const w = this.wordIds.get(candidate);
      if (w !== undefined) ids.push(w);
    }
    return ids;
  }
}

function grow(array: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const longer = new Int32Array(length);
  longer.set(array);
  return longer;
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
