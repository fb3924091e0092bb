import { createHash } from 'node:crypto';
import {
  type ArticleVoteLinks,
  FEED_FORMATS,
  type FeedFormat,
  matchReason,
  ownMatchReason,
  type TopicArticle,
  wellFormedJson,
  xmlText,
} from '@tidings/shared';
import type { FeedMeta } from '../api/topic-feeds.js';

function httpLink(link: string): string | undefined {
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** The story's other outlets with an http(s) link: the article itself is its first source. */
function otherSources(a: TopicArticle): { title: string; url: string }[] {
  return (a.sources ?? []).slice(1).flatMap((s) => {
    const url = httpLink(s.link);
    return url ? [{ title: s.title, url }] : [];
  });
}

/** Why the entry is in this feed: the label it beat, and each own topic against its threshold. */
function entryWhy(a: TopicArticle, meta: FeedMeta): string {
  const threshold = meta.reader?.ownThreshold;
  const own = threshold === undefined ? [] : (a.ownMatches ?? []).map((m) => ownMatchReason(m, threshold(m.topic)));
  return [matchReason(a), ...own].join('; ');
}

/** A personal feed entry's vote links as (title, url) pairs: each opens a confirm page, none votes by itself. */
function voteLinks(links: ArticleVoteLinks | undefined): { title: string; verdict: string; url: string }[] {
  if (!links) return [];
  return [
    ...(links.notAbout
      ? [{ title: `Not about ${links.notAbout.label}? Tell tidings`, verdict: 'not-about', url: links.notAbout.url }]
      : []),
    ...links.own.flatMap((o) => [
      { title: `Relevant to “${o.topic}”`, verdict: 'relevant', url: o.relevant },
      { title: `Not relevant to “${o.topic}”`, verdict: 'not-relevant', url: o.notRelevant },
    ]),
  ];
}

/** The feed's last change: its newest entry's publish time (or the epoch for an empty feed). */
export function feedUpdated(articles: TopicArticle[]): Date {
  const newest = articles.reduce((max, a) => Math.max(max, Date.parse(a.published)), 0);
  return new Date(Math.floor(newest / 1000) * 1000);
}

/** A strong ETag of the document's bytes, so an unchanged feed answers 304. */
export function feedEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Atom 1.0 (RFC 4287): titles and summaries as text, the topic as a category, the score in our
 * namespace; each own topic the article matched as a category of its own scheme and a t:own-topic.
 */
export function renderAtom(meta: FeedMeta, articles: TopicArticle[]): string {
  const updated = feedUpdated(articles).toISOString();
  const entries = articles.map((a) => {
    const href = httpLink(a.link);
    const votes = voteLinks(meta.reader?.votes(a));
    return [
      '  <entry>',
      `    <id>urn:tidings:article:${xmlText(a.id)}</id>`,
      `    <title type="text">${xmlText(a.title || '(untitled)')}</title>`,
      href ? `    <link rel="alternate" href="${xmlText(href)}"/>` : '',
      ...otherSources(a).map((o) => `    <link rel="related" href="${xmlText(o.url)}" title="${xmlText(o.title)}"/>`),
      ...votes.map((v) => `    <link rel="related" href="${xmlText(v.url)}" title="${xmlText(v.title)}"/>`),
      `    <published>${a.published}</published>`,
      `    <updated>${a.published}</updated>`,
      a.summary ? `    <summary type="text">${xmlText(a.summary)}</summary>` : '',
      // RFC 4287 4.1.1: an entry without an alternate link must carry its content.
      href ? '' : `    <content type="text">${xmlText(a.summary || a.title || '(untitled)')}</content>`,
      `    <category term="${xmlText(a.label)}" label="${xmlText(a.label)}"/>`,
      ...(a.ownMatches ?? []).map(
        (m) =>
          `    <category scheme="urn:tidings:own-topic" term="${xmlText(m.topic)}" label="${xmlText(`${m.topic} (your topic, ${m.score.toFixed(2)})`)}"/>`,
      ),
      `    <t:score>${a.score.toFixed(4)}</t:score>`,
      `    <t:why>${xmlText(entryWhy(a, meta))}</t:why>`,
      ...(a.ownMatches ?? []).map(
        (m) => `    <t:own-topic score="${m.score.toFixed(4)}">${xmlText(m.topic)}</t:own-topic>`,
      ),
      '  </entry>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:t="urn:tidings:ns">',
    `  <id>${xmlText(meta.id)}</id>`,
    `  <title type="text">${xmlText(meta.title)}</title>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="${FEED_FORMATS.atom.mediaType}" href="${xmlText(meta.selfUrl)}"/>`,
    ...meta.hubs.map((hub) => `  <link rel="hub" href="${xmlText(hub)}"/>`),
    `  <link rel="alternate" type="text/html" href="${xmlText(meta.dashboardUrl)}"/>`,
    '  <author><name>tidings</name></author>',
    '  <generator>tidings</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** JSON Feed 1.1: `content_text` only (never HTML), the topic as a tag and in `_tidings`, WebSub hubs in `hubs`. */
export function renderJsonFeed(meta: FeedMeta, articles: TopicArticle[]): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: meta.title,
    home_page_url: meta.dashboardUrl,
    feed_url: meta.selfUrl,
    ...(meta.hubs.length > 0 ? { hubs: meta.hubs.map((url) => ({ type: 'WebSub', url })) } : {}),
    items: articles.map((a) => {
      const href = httpLink(a.link);
      const votes = voteLinks(meta.reader?.votes(a));
      return {
        id: `urn:tidings:article:${a.id}`,
        ...(href ? { url: href } : {}),
        title: a.title,
        content_text: a.summary || a.title,
        date_published: a.published,
        tags: [a.label, ...(a.ownMatches ?? []).map((m) => m.topic)],
        _tidings: {
          topic: a.label,
          score: a.score,
          ...(a.ownMatches ? { own_topics: a.ownMatches } : {}),
          also_reported_by: otherSources(a),
          why: entryWhy(a, meta),
          ...(votes.length > 0 ? { feedback: votes } : {}),
        },
      };
    }),
  };
  return `${JSON.stringify(wellFormedJson(feed), null, 2)}\n`;
}

/**
 * The renderer of every format in FEED_FORMATS, keyed by the format's name: a format added to
 * the table without one here does not compile, and routes dispatch through this record only.
 */
export const FEED_RENDERERS: Record<FeedFormat, (meta: FeedMeta, articles: TopicArticle[]) => string> = {
  atom: renderAtom,
  json: renderJsonFeed,
};
