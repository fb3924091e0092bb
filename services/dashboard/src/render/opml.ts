import { formatOpml } from '@tidings/feed-list';
import { type FeedDeps, topicFeedOutlines } from '../api/topic-feeds.js';

export type TopicFeedsOpmlOptions = Pick<FeedDeps, 'baseUrl' | 'token' | 'labels'>;

/** Every topic's Atom feed as one OPML 2.0 subscription list (what GET /feeds.opml serves). */
export function topicFeedsOpml(options: TopicFeedsOpmlOptions): string {
  return formatOpml(topicFeedOutlines(options), 'tidings: every topic');
}
