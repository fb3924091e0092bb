/**
 * A reclassify run survives kill -9 of the loader and of every classifier in its middle:
 * real processes re-score a stored day with the slow tiny model, all of them are killed once
 * some articles are done and others are in flight, and new ones finish the run. Passes when
 * every selected article is in the report exactly once (none lost, none counted or written
 * twice), the killed classifiers' jobs were retried, and the apply left each article in one
 * topic with the new version.
 *
 * Importing this module registers the scenario with the fault suite (one line in run-faults.ts).
 */
import path from 'node:path';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { requestReclassify } from '@tidings/run-requests';
import { QUEUE, type ReclassifyReport, reclassifySelection, redisKeys } from '@tidings/shared';
import { SLOW_TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { ReclassifyReports } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { FaultStack, type Row } from './fault-stack.js';
import { FAULTS, SCENARIOS } from './scenarios.js';

const NAME = '16 kill -9 the loader and every classifier mid-reclassify';
const ARTICLES = 120;

async function run(): Promise<Row> {
  const c = await new FaultStack({}).start();
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => void (ok || problems.push(problem));
  const reclassifyQueue = new Queue(QUEUE.reclassify, { connection: c.client, prefix: c.prefix });
  try {
    const env = { FEED_URLS: writeGeneratedFeed(path.join(c.dir, 'day.xml'), ARTICLES, { tag: 'r' }) };
    c.spawn('aggregator', env);
    let loader = c.spawn('loader', env);
    const first = [c.spawn('classifier', env), c.spawn('classifier', env)];
    const day = await c.waitForRun(await c.trigger());
    check(day?.counts.classified === ARTICLES, `the stored day has ${day?.counts.classified} of ${ARTICLES} articles`);
    await Promise.all(first.map((p) => p.stop('SIGTERM')));

    // A new model (the slow variant): a new classifier version, slow enough to be killed mid-job.
    const slow = { ...env, MODEL_DIR: SLOW_TINY_MODEL_DIR };
    let classifiers = [c.spawn('classifier', slow), c.spawn('classifier', slow)];
    const selection = reclassifySelection(
      { since: '30d', dryRun: false },
      { now: new Date(), retentionDays: 30, labels: await c.store.labels() },
    );
    const runId = await requestReclassify(c.aggregate, c.client, c.prefix, selection);
    await c.waitForProgress(runId, 10);
    const atKill = await c.progress(runId);
    const inFlight = await c.classify.getActiveCount();
    if (FAULTS.inject) {
      await Promise.all([loader.stop('SIGKILL'), ...classifiers.map((p) => p.stop('SIGKILL'))]);
      loader = c.spawn('loader', env);
      classifiers = [c.spawn('classifier', slow), c.spawn('classifier', slow)];
    }
    const reports = new ReclassifyReports(c.client, c.prefix);
    const report: ReclassifyReport | undefined = await waitFor(
      () => reports.read(runId).then((r) => (r?.applied ? r : undefined)),
      { what: `the applied report of ${runId}`, timeoutMs: 240_000, intervalMs: 200 },
    ).catch(() => undefined);

    const completed = (await c.classify.getJobs(['completed'], 0, -1)).filter((j) => j.data.runId === runId);
    const perArticle = new Map<string, number>();
    for (const j of completed) perArticle.set(j.data.articleId, (perArticle.get(j.data.articleId) ?? 0) + 1);
    const twice = [...perArticle.values()].filter((n) => n > 1).length;
    const retried = completed.filter((j) => (j.attemptsStarted ?? 1) > 1).length;
    const stored = await c.store.articlesById(await c.store.articleIdsPublishedSince(0));
    const sizes = Object.values(await c.store.topicSizes()).reduce((a, b) => a + b, 0);
    const newVersion = await c.client.get(redisKeys(c.prefix).currentClassifierVersion);
    const counts = report?.counts;
    check(atKill.classified + atKill.failed < ARTICLES, 'the run had finished before the kill');
    check(inFlight > 0, 'no classify job was in flight at the kill');
    check(retried >= 1, 'no classify job was started twice: the kill interrupted nothing');
    check(report?.applied?.changed !== undefined, 'the run was not applied');
    check(
      (report?.applied?.changed ?? 0) + (report?.applied?.unchanged ?? 0) === ARTICLES,
      `the apply wrote ${(report?.applied?.changed ?? 0) + (report?.applied?.unchanged ?? 0)} of ${ARTICLES} articles`,
    );
    check(
      stored.every((a) => a.version === newVersion && a.reclassifiedBy === runId),
      'a stored article does not name the new classifier version and this run',
    );
    return {
      scenario: NAME,
      runs: report ? 1 : 0,
      expected: ARTICLES,
      grouped: counts?.classified ?? 0,
      failed: counts?.failed ?? 0,
      expectedFailed: [0, 0],
      lost: Math.max(0, ARTICLES - (counts?.classified ?? 0) - (counts?.failed ?? 0)),
      duplicated: twice + Math.max(0, sizes - stored.length),
      finished: report !== undefined,
      problems,
      note: `killed at ${atKill.classified}/${ARTICLES} with ${inFlight} in flight; ${retried} job(s) retried; ${counts?.changed ?? 0} relabelled`,
    };
  } finally {
    await reclassifyQueue.close();
    await c.stop();
  }
}

SCENARIOS.push({ name: NAME, run });
