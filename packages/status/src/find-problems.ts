import { maskFeedUrl, type Problem, type RunSummary, type StackStatus, type Subscription } from '@tidings/shared';

export interface ProblemInputs {
  recorded: Problem[];
  queues: StackStatus['queues'];
  workers: StackStatus['workers'];
  /** Newest first. */
  runs: RunSummary[];
  /** Reasons of recently failed notify jobs. */
  failedDeliveries: string[];
  /** Subscriptions whose webhook answered 410 Gone and gets nothing more. */
  disabledWebhooks: Subscription[];
  /** The digest is late: no successful run FRESHNESS_GRACE after the schedule was due (judgeFreshness). */
  late?: Problem | null;
}

const waiting = (counts: Record<string, number> | undefined) =>
  (counts?.waiting ?? 0) + (counts?.prioritized ?? 0) + (counts?.delayed ?? 0);

/**
 * Everything an operator should fix, from what the stack reports: problems processes recorded
 * (a model that will not load, scheduled runs missed too long ago), a digest that is late,
 * feeds that failed in the last run, deliveries that failed
 * after their retries, subscribers' webhooks disabled by a 410, and queues with work but no
 * worker connected.
 */
export function findProblems(input: ProblemInputs): Problem[] {
  const problems = [...input.recorded];
  if (input.late) problems.push(input.late);
  const last = input.runs[0];
  for (const feed of last?.feeds ?? []) {
    if (feed.status !== 'failed') continue;
    problems.push({
      kind: 'feed-failing',
      message: `${feed.error?.code ?? 'FEED_FAILED'}: ${feed.error?.message ?? 'failed'}`,
      where: maskFeedUrl(feed.url),
      since: last?.startedAt,
    });
  }
  for (const reason of input.failedDeliveries) {
    problems.push({ kind: 'notification-failed', message: reason });
  }
  for (const sub of input.disabledWebhooks) {
    problems.push({
      kind: 'webhook-disabled',
      message: `${sub.webhookDisabled?.reason ?? 'disabled'}: nothing more is sent to it until its URL is changed`,
      where: `the webhook of subscription ${sub.id} (${sub.name})`,
      since: sub.webhookDisabled?.at,
    });
  }
  const kinds = new Set(input.workers.map((w) => w.kind));
  const idle = [
    ['feeds', 'loader', 'no-loader'],
    ['classify', 'classifier', 'no-classifier'],
    ['aggregate', 'aggregator', 'no-aggregator'],
  ] as const;
  for (const [queue, kind, problem] of idle) {
    const pending =
      waiting(input.queues[queue]) + (queue === 'aggregate' ? (input.queues[queue]?.['waiting-children'] ?? 0) : 0);
    if (pending > 0 && !kinds.has(kind)) {
      problems.push({ kind: problem, message: `${pending} job(s) wait in "${queue}" and no ${kind} is connected` });
    }
  }
  return problems;
}
