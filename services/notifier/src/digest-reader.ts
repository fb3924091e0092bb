import {
  type ArticleVoteLinks,
  articleVoteLinks,
  matchReason,
  ownMatchReason,
  ownTopicId,
  type Subscription,
  type TopicArticle,
} from '@tidings/shared';

/**
 * What a subscriber's digest adds to each article: why it is there, and the links that let
 * them say it is not (each opens the dashboard's confirm page; a click alone records nothing).
 */
export interface DigestReader {
  /** `ownTopic`: the own topic's words when the article is listed under it. */
  votes(article: TopicArticle, ownTopic?: string): ArticleVoteLinks;
  why(article: TopicArticle, ownTopic?: string): string;
}

export function digestReader(
  dashboardUrl: string,
  sub: Pick<Subscription, 'id' | 'feedKey' | 'topics'>,
  /** The threshold an own topic (by id) had to reach for this subscriber. */
  ownThreshold: (topicId: string) => number,
): DigestReader {
  return {
    votes: (a, ownTopic) =>
      ownTopic === undefined
        ? articleVoteLinks(dashboardUrl, sub, a)
        : articleVoteLinks(dashboardUrl, { ...sub, topics: [] }, a, [
            { topic: ownTopic, topicId: ownTopicId(ownTopic) },
          ]),
    why: (a, ownTopic) =>
      ownTopic === undefined
        ? matchReason(a)
        : ownMatchReason({ topic: ownTopic, score: a.score }, ownThreshold(ownTopicId(ownTopic))),
  };
}

/** Every vote link of one article as (verdict, title, url), the form the webhook JSON and the email share. */
export function voteLinkList(links: ArticleVoteLinks): { verdict: string; title: string; url: string }[] {
  return [
    ...(links.notAbout
      ? [{ verdict: 'not-about', title: `Not about ${links.notAbout.label}?`, url: links.notAbout.url }]
      : []),
    ...links.own.flatMap((o) => [
      { verdict: 'relevant', title: 'Relevant', url: o.relevant },
      { verdict: 'not-relevant', title: 'Not relevant', url: o.notRelevant },
    ]),
  ];
}
