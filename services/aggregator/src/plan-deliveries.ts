import { type Config, type NotifyJob, ownTopicId, type Run, type Subscription } from '@tidings/shared';
import type { RunOwnTopics } from '@tidings/topic-store';

const hasArticles = (run: Run, topics: string[] | undefined) =>
  run.topics.some((g) => g.count > 0 && (topics === undefined || topics.includes(g.label)));

const hasOwnMatches = (ownTopics: RunOwnTopics, sub: Subscription) =>
  sub.ownTopics.some((words) => (ownTopics[ownTopicId(words)]?.count ?? 0) > 0);

/**
 * One notify job per destination that has something new in this run: each subscriber's email
 * and webhook when one of their topics, or of their own topics, got articles; each of the
 * operator's webhooks and Slack when one of NOTIFY_TOPICS (or any topic) did. Nobody hears
 * about a run with nothing new.
 */
export function planDeliveries(
  run: Run,
  ownTopics: RunOwnTopics,
  subscriptions: Subscription[],
  notify: Config['notify'],
): NotifyJob[] {
  const jobs: NotifyJob[] = [];
  for (const sub of subscriptions) {
    if (!hasArticles(run, sub.topics) && !hasOwnMatches(ownTopics, sub)) continue;
    if (sub.email) jobs.push({ runId: run.id, destination: { kind: 'email', subscriptionId: sub.id } });
    // A webhook whose receiver answered 410 Gone gets nothing more until its URL is changed.
    if (sub.webhookUrl && !sub.webhookDisabled)
      jobs.push({ runId: run.id, destination: { kind: 'webhook', subscriptionId: sub.id } });
  }
  if (hasArticles(run, notify.topics)) {
    notify.webhookUrls.forEach((_, index) => {
      jobs.push({ runId: run.id, destination: { kind: 'operator-webhook', index } });
    });
    if (notify.slackWebhookUrl) jobs.push({ runId: run.id, destination: { kind: 'slack' } });
  }
  return jobs;
}
