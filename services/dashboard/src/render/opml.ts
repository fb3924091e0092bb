import { formatOpml } from '@tidings/feed-list';
import { topicFeedUrl, topicSlug } from '@tidings/shared';

export interface TopicFeedsOpmlOptions {
  baseUrl: string;
  /** With DASHBOARD_TOKEN set, every feed URL carries the topic feeds' key. */
  token: string | undefined;
  labels: string[];
}

/**
 * Every topic's Atom feed as one OPML 2.0 subscription list, for a reader's "import OPML":
 * one outline a topic (not "all", which would repeat every article once more).
 */
export function topicFeedsOpml(options: TopicFeedsOpmlOptions): string {
  const { baseUrl, token, labels } = options;
  return formatOpml(
    labels.map((label) => ({
      url: topicFeedUrl(baseUrl, token, topicSlug(label), 'xml'),
      title: `tidings: ${label}`,
      htmlUrl: baseUrl,
    })),
    'tidings: every topic',
  );
}
