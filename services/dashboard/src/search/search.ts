import type { TopicArticle } from '@tidings/shared';
import type { TopicStoreReader } from '@tidings/topic-store';
import { findMatches, type MatchRange } from '../api/find-matches.js';
import type { ApiResult, ErrorBody } from '../api/result.js';
import { SearchIndex } from './search-index.js';
import { isSearchQuery, parseSearchQuery, type SearchQuery } from './search-query.js';

/** Articles read from the store per round trip while the index is first built. */
const LOAD_PAGE = 1_000;

export type SearchHit = TopicArticle & { matches: { title: MatchRange[]; summary: MatchRange[] } };

export interface SearchResults {
  q: string;
  total: number;
  offset: number;
  limit: number;
  articles: SearchHit[];
}

export interface ArticleSearchOptions {
  /** RETENTION_DAYS: only articles published within it are found. */
  retentionDays: number;
  now?: () => number;
}

/**
 * Search over the topic store's titles and summaries. The index lives in this process: it
 * is built from the store once, in pages, and then follows the store by reading only the
 * runs it has not seen, which it notices from the run list's size and ends (one round trip
 * a query). Results are read back from the store, so they carry what the API returns for an
 * article anywhere else, plus where the query matched.
 */
export class ArticleSearch {
  private readonly index = new SearchIndex();
  private readonly seenRuns = new Set<string>();
  private runListVersion: string | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: TopicStoreReader,
    private readonly options: ArticleSearchOptions,
  ) {}

  get size(): number {
    return this.index.size;
  }

  private cutoff(): number {
    return (this.options.now?.() ?? Date.now()) - this.options.retentionDays * 86_400_000;
  }

  /** Makes the index current with the store; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.refreshing ??= this.catchUp().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async catchUp(): Promise<void> {
    const range = await this.store.runRange();
    const version = `${range.count}:${range.oldest}:${range.newest}`;
    if (version === this.runListVersion) return;
    const cutoff = this.cutoff();
    // Run ids are read before articles: a run written meanwhile is read again next time,
    // and reading an article twice only updates it.
    const runIds = await this.store.runIds();
    if (this.runListVersion === undefined) await this.loadWindow(cutoff);
    else
      await this.loadRuns(
        runIds.filter((id) => !this.seenRuns.has(id)),
        cutoff,
      );
    this.seenRuns.clear();
    for (const id of runIds) this.seenRuns.add(id);
    this.index.removeOlderThan(cutoff);
    this.index.prepare();
    this.runListVersion = version;
  }

  private async loadWindow(cutoff: number): Promise<void> {
    await this.loadArticles(await this.store.articleIdsPublishedSince(cutoff), cutoff);
  }

  private async loadRuns(runIds: string[], cutoff: number): Promise<void> {
    for (const id of runIds) await this.loadArticles(await this.store.runArticleIds(id), cutoff);
  }

  private async loadArticles(ids: string[], cutoff: number): Promise<void> {
    const page = (i: number) => this.store.articlesById(ids.slice(i, i + LOAD_PAGE));
    // The next page is on its way from Redis while this one is indexed.
    let next = page(0);
    for (let i = 0; i < ids.length; i += LOAD_PAGE) {
      const articles = await next;
      next = page(i + LOAD_PAGE);
      for (const article of articles) this.add(article, cutoff);
    }
    await next;
  }

  private add(article: TopicArticle, cutoff: number): void {
    const published = Date.parse(article.published);
    if (published < cutoff) return;
    this.index.upsert({ id: article.id, title: article.title, summary: article.summary, published });
  }

  async search(query: SearchQuery): Promise<SearchResults> {
    await this.refresh();
    const { total, ids } = this.index.search(query.terms, {
      since: this.cutoff(),
      offset: query.offset,
      limit: query.limit,
    });
    const raw = query.terms.map((t) => t.raw);
    const articles = (await this.store.articlesById(ids)).map((a) => ({
      ...a,
      matches: { title: findMatches(a.title, raw), summary: findMatches(a.summary, raw) },
    }));
    return { q: query.q, total, offset: query.offset, limit: query.limit, articles };
  }
}

/** GET /api/search: the query checked (400 naming what is wrong), then the matching articles. */
export async function searchArticles(
  search: ArticleSearch,
  input: { q?: unknown; limit?: unknown; offset?: unknown },
): Promise<ApiResult<SearchResults | ErrorBody>> {
  const query = parseSearchQuery(input);
  if (!isSearchQuery(query)) return query;
  return { status: 200, body: await search.search(query) };
}
