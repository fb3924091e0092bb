import type { FeedList } from '@tidings/feed-list';
import type { Logger } from '@tidings/runtime';
import {
  buildRunFlow,
  grantFeedRead,
  maskFeedUrl,
  type ReadFeedJob,
  RUN_MAX_FEEDS,
  type RunManifest,
  type RunRequestJob,
  readFeedJobId,
} from '@tidings/shared';
import type { FlowProducer, Queue } from 'bullmq';

export interface StartRunDeps {
  flows: FlowProducer;
  aggregateQueue: Queue;
  /** FEED_URLS: read by a run whose job names no feeds. */
  defaultFeeds: string[];
  /** The operator's feed list (`tidings feeds`), read by every such run beside FEED_URLS. */
  feedList: FeedList;
  logger: Logger;
}

export interface StartRunResult {
  runId: string;
  feeds: number;
  /** An earlier attempt of this job had already started the run; nothing was added. */
  alreadyStarted: boolean;
}

/**
 * Starts a run as one flow: its parent and one read-feed job per feed, each read on its own
 * by any loader. When the job was signed by this host's CLI (`signingKey` given, signature
 * checked by the caller), each read-feed job gets a grant so it, and only it, may read the
 * file or private address the request named.
 */
export async function startRun(
  runId: string,
  job: RunRequestJob,
  startedAt: Date,
  deps: StartRunDeps,
  signingKey?: Buffer,
): Promise<StartRunResult> {
  const feeds = job.feeds ?? [...new Set([...deps.defaultFeeds, ...(await deps.feedList.urls())])];
  if (await deps.aggregateQueue.getJob(runId)) {
    deps.logger.info('run already started by an earlier attempt');
    return { runId, feeds: feeds.length, alreadyStarted: true };
  }
  const listed = feeds.slice(0, RUN_MAX_FEEDS);
  if (listed.length < feeds.length)
    deps.logger.warn({ feeds: feeds.length, read: listed.length }, `a run reads at most ${RUN_MAX_FEEDS} feeds`);
  const manifest: RunManifest = {
    runId,
    trigger: job.trigger,
    startedAt: startedAt.toISOString(),
    feeds: listed.map(maskFeedUrl),
  };
  const reads = listed.map((feed, index): ReadFeedJob => {
    const read: ReadFeedJob = { runId, index, feed, reclassify: job.reclassify };
    if (signingKey) read.grant = grantFeedRead(signingKey, readFeedJobId(runId, index), feed);
    return read;
  });
  await deps.flows.add(buildRunFlow(manifest, reads));
  deps.logger.info({ feeds: listed.length }, 'run started: one read-feed job per feed');
  return { runId, feeds: listed.length, alreadyStarted: false };
}
