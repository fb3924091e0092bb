import fs from 'node:fs';
import { luaCommand, RUN_RECORD_ARTICLES, type Run, type TopicArticle } from '@tidings/shared';
import { TopicStoreReader } from './topic-store-reader.js';

const WRITE_RUN = fs.readFileSync(new URL('./commands/write-run.lua', import.meta.url), 'utf8');
const WRITE_ARTICLES = fs.readFileSync(new URL('./commands/write-articles.lua', import.meta.url), 'utf8');

/** Articles written per Lua call: a run of any size is written in bounded steps. */
export const WRITE_PAGE = 500;

/** Times a page is tried again when another writer relabelled one of its articles between our read and write. */
const RELABEL_RACE_ATTEMPTS = 5;

/**
 * The aggregator's side of the topic store: a run's articles in bounded steps, then its
 * record once, each a script that does nothing once the record exists, so a retried or
 * duplicated aggregate job writes nothing twice. It reads like every reader too (the
 * aggregator looks for the run before it builds one, and snapshots the digest).
 */
export class TopicStoreWriter extends TopicStoreReader {
  private readonly writeRunScript = luaCommand<number>(this.redis, 'tidingsWriteRun', WRITE_RUN);
  private readonly writeArticlesScript = luaCommand<number>(this.redis, 'tidingsWriteArticles', WRITE_ARTICLES);

  /**
   * One bounded step of a run's articles (at most WRITE_PAGE); false, writing nothing, when
   * the run is already written. Repeating a step is harmless.
   */
  writeArticles(runId: string, articles: TopicArticle[]): Promise<boolean> {
    return this.writePage(this.keys.run(runId), this.keys.runArticles(runId), runId, articles);
  }

  /**
   * One bounded step of a reclassify run's new labels, each article whole as it is to be
   * stored (its run, sources and story as they were); false, writing nothing, once the run
   * is marked applied (markApplied). Repeating a step is harmless.
   */
  applyReclassified(runId: string, articles: TopicArticle[]): Promise<boolean> {
    return this.writePage(this.keys.reclassifyApplied(runId), this.keys.reclassifyWritten(runId), runId, articles);
  }

  /** Marks a reclassify run applied: applyReclassified writes nothing more for it. */
  async markApplied(runId: string, retentionMs: number): Promise<void> {
    await this.redis.set(this.keys.reclassifyApplied(runId), '1', 'PX', retentionMs);
    await this.redis.del(this.keys.reclassifyWritten(runId));
  }

  /**
   * Writes a page unless `doneKey` exists, adding each id to `setKey`: a run's articles (done
   * once its record exists) or a reclassify run's (done once applied).
   */
  private async writePage(doneKey: string, setKey: string, runId: string, articles: TopicArticle[]) {
    if (articles.length > WRITE_PAGE) throw new RangeError(`a page holds at most ${WRITE_PAGE} articles`);
    const { keys } = this;
    for (let attempt = 1; ; attempt++) {
      // Every topic an article may enter or leave is passed as a key: the script builds none.
      const read = this.redis.pipeline();
      for (const a of articles) read.hget(keys.article(a.id), 'label');
      const stored = ((await read.exec()) ?? []).map(([, label]) => label);
      const labels = [
        ...new Set([...articles.map((a) => a.label), ...stored.filter((l): l is string => typeof l === 'string')]),
      ];
      const scriptKeys = [doneKey, keys.labels, setKey, ...labels.map(keys.topic)];
      const args: (string | number)[] = [labels.length, ...labels];
      for (const a of articles) {
        scriptKeys.push(keys.article(a.id));
        args.push(JSON.stringify(a), a.label, Date.parse(a.published), a.id, a.score, a.runId);
      }
      const written = await this.writeArticlesScript(scriptKeys, args);
      if (written !== -1) return written === 1;
      if (attempt === RELABEL_RACE_ATTEMPTS)
        throw new Error(`run ${runId}'s articles kept being relabelled by another writer while this one wrote them`);
    }
  }

  /**
   * The run's record, once, after its articles were written with writeArticles: exact
   * counts, at most RUN_RECORD_ARTICLES per topic and failures. The record is the mark that
   * the run is written; false when it already was.
   */
  async writeRecord(run: Run): Promise<boolean> {
    const record: Run = {
      ...run,
      topics: run.topics.map((g) => ({ ...g, articles: g.articles.slice(0, RUN_RECORD_ARTICLES) })),
      failures: run.failures.slice(0, RUN_RECORD_ARTICLES),
    };
    const { topics: _topics, ...summary } = record;
    const keys = [this.keys.run(run.id), this.keys.runs, this.keys.runSummary(run.id)];
    const args = [JSON.stringify(record), Date.parse(run.startedAt), run.id, JSON.stringify(summary)];
    return (await this.writeRunScript(keys, args)) === 1;
  }

  /**
   * A whole run held in memory (a small run, a test's or the bench's seed): its topics'
   * articles in steps, then its record. False when the run was already written.
   */
  async writeRun(run: Run): Promise<boolean> {
    if (await this.hasRun(run.id)) return false;
    const articles = run.topics.flatMap((g) => g.articles);
    for (let start = 0; start < articles.length; start += WRITE_PAGE) {
      if (!(await this.writeArticles(run.id, articles.slice(start, start + WRITE_PAGE)))) return false;
    }
    return this.writeRecord(run);
  }

  /** Deletes articles published, and runs started, before the cutoff. */
  async prune(cutoff: Date): Promise<{ articles: number; runs: number }> {
    const max = `(${cutoff.getTime()}`;
    let articles = 0;
    for (const label of await this.redis.smembers(this.keys.labels)) {
      const key = this.keys.topic(label);
      const ids = await this.redis.zrangebyscore(key, '-inf', max);
      if (ids.length === 0) continue;
      await this.redis
        .multi()
        .del(...ids.map((id) => this.keys.article(id)))
        .zremrangebyscore(key, '-inf', max)
        .exec();
      articles += ids.length;
    }
    const runIds = await this.redis.zrangebyscore(this.keys.runs, '-inf', max);
    if (runIds.length > 0) {
      await this.redis
        .multi()
        .del(...runIds.flatMap((id) => [this.keys.run(id), this.keys.runSummary(id), this.keys.runArticles(id)]))
        .zremrangebyscore(this.keys.runs, '-inf', max)
        .exec();
    }
    return { articles, runs: runIds.length };
  }
}
