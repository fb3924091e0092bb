import { planDeliveries } from '@tidings/aggregator';
import { createMailer, deliverNotification } from '@tidings/notifier';
import { type Config, loadConfig, type Run, type TopicArticle } from '@tidings/shared';
import { withStackConnection } from '../stack-connection.js';

/** A run with one made-up article per topic, so every destination has something to show. */
function sampleRun(config: Config, now = new Date()): Run {
  const runId = `notify-test-${now.getTime()}`;
  const topics = config.zeroShot.labels.map((label, i) => {
    const article: TopicArticle = {
      id: `sample-${i}`,
      feed: 'tidings notify test',
      title: `Sample ${label} article from tidings notify test`,
      summary: 'This is what a digest looks like; no real article is behind it.',
      link: 'https://example.com/',
      published: now.toISOString(),
      publishedEstimated: false,
      fetchedAt: now.toISOString(),
      label,
      score: 1,
      runId,
    };
    return { label, count: 1, articles: [article] };
  });
  return {
    id: runId,
    trigger: 'manual',
    feeds: [],
    startedAt: now.toISOString(),
    finishedAt: now.toISOString(),
    durationMs: 0,
    counts: { fetched: topics.length, new: topics.length, classified: topics.length, failed: 0 },
    failures: [],
    finalisedBy: 'aggregator',
    topics,
  };
}

/** `tidings notify test`: a sample digest to every configured destination, one line per outcome. */
export async function notifyCommand(): Promise<number> {
  const config = loadConfig();
  if (!config.dashboard.publicUrl) {
    process.stderr.write(
      'warning: DASHBOARD_PUBLIC_URL is unset, so links in digests point at the local dashboard address\n',
    );
  }
  return withStackConnection(config, async ({ subscriptions, store, ownTopicMatches }) => {
    const run = sampleRun(config);
    const jobs = planDeliveries(run, {}, await subscriptions.list(), config.notify);
    if (jobs.length === 0) {
      process.stderr.write(
        'no destination is configured: add a subscriber or set NOTIFY_WEBHOOK_URLS, NOTIFY_SLACK_WEBHOOK_URL\n',
      );
      return 1;
    }
    const mailer = config.notify.smtpUrl ? createMailer(config.notify.smtpUrl) : undefined;
    let failed = 0;
    for (const job of jobs) {
      try {
        const outcome = await deliverNotification(run, job, { config, subscriptions, store, ownTopicMatches, mailer });
        process.stdout.write(
          `${outcome.status}: ${outcome.destination}${outcome.reason ? ` (${outcome.reason})` : ''}\n`,
        );
      } catch (err) {
        failed++;
        process.stdout.write(`failed: ${job.destination.kind}: ${(err as Error).message}\n`);
      }
    }
    mailer?.close();
    return failed > 0 ? 1 : 0;
  });
}
