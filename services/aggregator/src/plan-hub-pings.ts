import { ALL_TOPICS_SLUG, FEED_EXTENSIONS, type NotifyJob, type Run, topicSlug } from '@tidings/shared';

/**
 * One WebSub publish ping per hub and topic feed URL this run added articles to: every
 * format of each such topic, and of "all" when any topic got something, under each extension
 * it is served at (readers subscribed at Atom's former `.xml` must still hear of changes).
 * A run with nothing new pings nobody. Each becomes a notify job, retried like a delivery.
 */
export function planHubPings(run: Run, hubUrls: string[]): NotifyJob[] {
  const changed = run.topics.filter((g) => g.count > 0).map((g) => topicSlug(g.label));
  if (changed.length === 0) return [];
  const feeds = [...changed, ALL_TOPICS_SLUG];
  return hubUrls.flatMap((_, hub) =>
    feeds.flatMap((feed) =>
      FEED_EXTENSIONS.map(
        (extension): NotifyJob => ({
          runId: run.id,
          destination: { kind: 'websub', hub, feed, extension },
        }),
      ),
    ),
  );
}
