import {
  type KeySpaceSource,
  type ReclassifiedArticle,
  ReclassifiedArticleSchema,
  type ReclassifyReport,
  ReclassifyReportSchema,
} from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { storeKeys } from './keys.js';

/**
 * Reclassify runs' reports and the per-article results they were made from, beside the
 * store they describe: written by the aggregator, read by the CLI and the dashboard. A
 * report is written once; only its `applied` part changes, once.
 */
export class ReclassifyReports {
  private readonly keys;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
  ) {
    this.keys = storeKeys(space);
  }

  /** Keeps one page of a run's results; writing a page again writes the same. */
  async addResults(runId: string, results: Map<string, ReclassifiedArticle>): Promise<void> {
    if (results.size === 0) return;
    const flat: string[] = [];
    for (const [id, result] of results) flat.push(id, JSON.stringify(result));
    await this.redis.hset(this.keys.reclassifyResults(runId), ...flat);
  }

  /** One page of a run's results (HSCAN: a cursor of "0" when done); unreadable entries are left out. */
  async resultsPage(
    runId: string,
    cursor: string,
    count: number,
  ): Promise<{ next: string; results: Map<string, ReclassifiedArticle> }> {
    const [next, flat] = await this.redis.hscan(this.keys.reclassifyResults(runId), cursor, 'COUNT', count);
    const results = new Map<string, ReclassifiedArticle>();
    for (let i = 0; i < flat.length; i += 2) {
      try {
        const parsed = ReclassifiedArticleSchema.safeParse(JSON.parse(flat[i + 1] ?? ''));
        if (parsed.success) results.set(flat[i] ?? '', parsed.data);
      } catch {
        // Not JSON: only a hand-edited entry can be; the apply leaves that article as it is.
      }
    }
    return { next, results };
  }

  /** Writes a run's report unless one exists; returns the stored one either way. */
  async write(report: ReclassifyReport): Promise<ReclassifyReport> {
    const key = this.keys.reclassifyReport(report.runId);
    const created = await this.redis.set(key, JSON.stringify(report), 'NX');
    if (created) await this.redis.zadd(this.keys.reclassifyReports, Date.parse(report.finishedAt), report.runId);
    return created ? report : ((await this.read(report.runId)) ?? report);
  }

  /** Records what an apply wrote; the results are no longer needed. */
  async recordApplied(report: ReclassifyReport): Promise<void> {
    await this.redis.set(this.keys.reclassifyReport(report.runId), JSON.stringify(report), 'XX');
    await this.redis.del(this.keys.reclassifyResults(report.runId));
  }

  async read(runId: string): Promise<ReclassifyReport | null> {
    const raw = await this.redis.get(this.keys.reclassifyReport(runId));
    if (!raw) return null;
    try {
      const parsed = ReclassifyReportSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The newest reports first. */
  async list(limit = 20): Promise<ReclassifyReport[]> {
    const ids = await this.redis.zrevrange(this.keys.reclassifyReports, 0, limit - 1);
    const reports = await Promise.all(ids.map((id) => this.read(id)));
    return reports.filter((r): r is ReclassifyReport => r !== null);
  }

  /** Deletes reports (and any results never applied) of runs finished before the cutoff. */
  async prune(cutoff: Date): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.keys.reclassifyReports, '-inf', `(${cutoff.getTime()}`);
    if (ids.length === 0) return 0;
    await this.redis
      .multi()
      .del(...ids.flatMap((id) => [this.keys.reclassifyReport(id), this.keys.reclassifyResults(id)]))
      .zrem(this.keys.reclassifyReports, ...ids)
      .exec();
    return ids.length;
  }
}
