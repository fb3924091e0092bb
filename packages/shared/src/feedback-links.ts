import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ARTICLE_ID_PATTERN } from './ids.js';
import { SUBSCRIPTION_ID_PATTERN } from './subscriptions.js';

/**
 * What a vote link in a personal feed or a digest says, as its query: whose vote, on which
 * article and topic, which verdict. `verdict` is `not-about` or `belongs-in:<label>` for a
 * shared label, `relevant` or `not-relevant` for an own topic (its id in `topic`).
 */
export const FeedbackLinkSchema = z.strictObject({
  s: z.string().regex(SUBSCRIPTION_ID_PATTERN, { message: 'not a subscription id' }),
  a: z.string().regex(ARTICLE_ID_PATTERN, { message: 'not an article id' }),
  t: z.string().min(1).max(64),
  v: z.string().regex(/^(not-about|relevant|not-relevant|belongs-in:.{1,64})$/, { message: 'not a verdict' }),
  token: z.string().regex(/^[a-f0-9]{32}$/, { message: 'not a feedback link token' }),
});
export type FeedbackLink = z.infer<typeof FeedbackLinkSchema>;
export type FeedbackLinkVote = Omit<FeedbackLink, 'token'>;

/**
 * The token that makes a link one reader's vote: an HMAC keyed by that subscriber's feed key
 * (128 random bits only the server and the subscriber hold) over subscription, article, topic
 * and verdict. Changing any of them, or guessing for another subscriber, needs their key;
 * rotating the key revokes every link handed out. The link itself never carries the key, so
 * a forwarded digest or a proxy's log lets no one open the feed or vote otherwise.
 */
export function feedbackLinkToken(feedKey: string, vote: FeedbackLinkVote): string {
  return createHmac('sha256', feedKey)
    .update(['tidings feedback link', vote.s, vote.a, vote.t, vote.v].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

export function feedbackLinkMatches(feedKey: string, link: FeedbackLink): boolean {
  const expected = Buffer.from(feedbackLinkToken(feedKey, link));
  const given = Buffer.from(link.token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The confirm page a vote link opens (GET only asks; its button POSTs). */
export function feedbackLinkUrl(baseUrl: string, feedKey: string, vote: FeedbackLinkVote): string {
  const url = new URL('feedback/confirm', baseUrl);
  for (const [name, value] of Object.entries(vote)) url.searchParams.set(name, value);
  url.searchParams.set('token', feedbackLinkToken(feedKey, vote));
  return url.toString();
}

/** What a reader can say about one article in a feed or digest: the links to put beside it. */
export interface ArticleVoteLinks {
  /** For an article under a shared label: "not about <label>"; the confirm page offers "belongs in" too. */
  notAbout?: { label: string; url: string };
  /** For each own topic that matched it: "relevant" and "not relevant". */
  own: { topic: string; relevant: string; notRelevant: string }[];
}

/**
 * The vote links of one article for one subscriber: the shared label it is filed under (when
 * they chose it) and every own topic of theirs that matched it, named by topic id.
 */
export function articleVoteLinks(
  baseUrl: string,
  sub: { id: string; feedKey: string; topics: string[] },
  article: { id: string; label: string },
  ownTopics: { topic: string; topicId: string }[] = [],
): ArticleVoteLinks {
  const link = (t: string, v: string) => feedbackLinkUrl(baseUrl, sub.feedKey, { s: sub.id, a: article.id, t, v });
  return {
    ...(sub.topics.includes(article.label)
      ? { notAbout: { label: article.label, url: link(article.label, 'not-about') } }
      : {}),
    own: ownTopics.map((o) => ({
      topic: o.topic,
      relevant: link(o.topicId, 'relevant'),
      notRelevant: link(o.topicId, 'not-relevant'),
    })),
  };
}
