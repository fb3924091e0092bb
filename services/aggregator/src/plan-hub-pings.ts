import { ALL_TOPICS_SLUG, type NotifyJob, type Run, topicSlug } from '@tidings/shared';

/**
 * One WebSub publish ping per hub and topic feed this run added articles to: the Atom and
 * the JSON Feed of each such topic, and of "all" when any topic got something. A run with
 * nothing new pings nobody. Each becomes a notify job, retried like a delivery.
 */
export function planHubPings(run: Run, hubUrls: string[]): NotifyJob[] {
  const changed = run.topics.filter((g) => g.count > 0).map((g) => topicSlug(g.label));
  if (changed.length === 0) return [];
  const feeds = [...changed, ALL_TOPICS_SLUG];
  return hubUrls.flatMap((_, hub) =>
    feeds.flatMap((feed) =>
      (['xml', 'json'] as const).map(
        (format): NotifyJob => ({
          runId: run.id,
          destination: { kind: 'websub', hub, feed, format },
        }),
      ),
    ),
  );
}
