import {
  type Article,
  classifyJobId,
  DEFAULT_JOB_OPTIONS,
  JOB,
  type LoadJob,
  type Logger,
  QUEUE,
  type RunManifest,
} from '@tidings/shared';
import type { FlowProducer, Queue } from 'bullmq';
import type { FeedValidatorStore } from './feed-validators.js';
import { type ReadFeedOptions, readFeed } from './read-feed.js';
import type { SeenArticles } from './seen-articles.js';

export interface LoadRunDeps {
  flows: FlowProducer;
  aggregateQueue: Queue;
  seen: SeenArticles;
  validators: FeedValidatorStore;
  defaultFeeds: string[];
  readOptions: ReadFeedOptions;
  logger: Logger;
}

export interface LoadRunResult {
  runId: string;
  articles: number;
  alreadyEnqueued: boolean;
  manifest: RunManifest;
}

/** Merges articles of several feeds; the same story in two feeds is classified once. */
function mergeArticles(lists: Article[][]): Article[] {
  const byId = new Map<string, Article>();
  for (const list of lists) for (const a of list) if (!byId.has(a.id)) byId.set(a.id, a);
  return [...byId.values()];
}

/**
 * Reads the feeds and adds the run as one flow: an "aggregate-run" parent (job id = run id)
 * with one "classify" child per new article. Seen ids and feed validators are written only
 * after the flow exists, so a crash before that repeats the run instead of losing articles.
 */
export async function loadRun(runId: string, job: LoadJob, startedAt: Date, deps: LoadRunDeps): Promise<LoadRunResult> {
  const log = deps.logger.child({ runId });
  const feeds = job.feeds ?? deps.defaultFeeds;
  const results = [];
  for (const feed of feeds) {
    const validators = job.reclassify ? {} : await deps.validators.get(feed);
    const result = await readFeed(feed, { ...deps.readOptions, validators });
    if (result.report.error) log.warn({ feed, error: result.report.error }, 'feed failed');
    else
      log.info(
        { feed, status: result.report.status, kept: result.report.kept, dropped: result.report.dropped },
        'feed read',
      );
    results.push(result);
  }
  const all = mergeArticles(results.map((r) => r.articles));
  const fresh = job.reclassify ? all : await deps.seen.filterNew(all);
  const manifest: RunManifest = {
    runId,
    trigger: job.trigger,
    startedAt: startedAt.toISOString(),
    feeds: results.map((r) => r.report),
    articles: fresh,
  };

  const existing = await deps.aggregateQueue.getJob(runId);
  if (!existing) {
    await deps.flows.add({
      name: JOB.aggregateRun,
      queueName: QUEUE.aggregate,
      data: manifest,
      opts: { ...DEFAULT_JOB_OPTIONS.aggregate, jobId: runId },
      children: fresh.map((article) => ({
        name: JOB.classify,
        queueName: QUEUE.classify,
        data: { runId, article },
        opts: {
          ...DEFAULT_JOB_OPTIONS.classify,
          jobId: classifyJobId(runId, article.id),
          ignoreDependencyOnFailure: true,
        },
      })),
    });
    log.info({ articles: fresh.length, found: all.length }, 'run enqueued');
  } else {
    log.info('run already enqueued by an earlier attempt');
  }

  await deps.seen.markSeen(fresh.map((a) => a.id));
  for (const r of results) {
    if (r.report.status === 'ok') await deps.validators.set(r.report.url, r.validators);
  }
  return {
    runId,
    articles: fresh.length,
    alreadyEnqueued: Boolean(existing),
    manifest: existing ? (existing.data as RunManifest) : manifest,
  };
}
