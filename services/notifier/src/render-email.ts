import type { TopicGroup } from '@tidings/shared';
import { type DigestReader, voteLinkList } from './digest-reader.js';
import { countArticles, digestSubject, safeLink } from './select-digest.js';

export interface EmailDigest {
  subject: string;
  html: string;
  text: string;
}

export interface EmailLinks {
  dashboardUrl: string;
  unsubscribeUrl: string;
  feedUrl: string;
}

/** Feed text made safe for HTML: it can never become markup in a mail client. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const day = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const percent = (score: number) => `${Math.round(score * 100)}%`;

type Article = TopicGroup['articles'][number];

/**
 * An article line of the HTML digest; own topics' lines show that topic's score. A
 * subscriber's line also says why it is there and carries their vote links.
 */
function htmlArticle(a: Article, ownTopic: string | undefined, reader: DigestReader | undefined): string {
  const href = safeLink(a.link);
  const title = escapeHtml(a.title);
  const meta = `${escapeHtml(day(a.published))}${ownTopic !== undefined ? ` · match ${percent(a.score)}` : ''}`;
  const why = reader ? ` · why: ${escapeHtml(reader.why(a, ownTopic))}` : '';
  const votes = reader
    ? voteLinkList(reader.votes(a, ownTopic))
        .map((v) => ` · <a href="${escapeHtml(v.url)}" style="color:#666">${escapeHtml(v.title)}</a>`)
        .join('')
    : '';
  return `<tr><td style="padding:4px 0"><div>${href ? `<a href="${escapeHtml(href)}" style="color:#0b57d0">${title}</a>` : title}</div><div style="font-size:12px;color:#666">${meta}${why}${votes}</div></td></tr>`;
}

/** The plain-text part's lines under an article: why, and each vote link on its own line. */
function textExtras(a: Article, ownTopic: string | undefined, reader: DigestReader | undefined): string {
  if (!reader) return '';
  const votes = voteLinkList(reader.votes(a, ownTopic)).map((v) => `\n  ${v.title} ${v.url}`);
  return `\n  why: ${reader.why(a, ownTopic)}${votes.join('')}`;
}

/**
 * One subscriber's digest as multipart email: HTML built from tables and inline styles (what
 * common mail clients render) and the same content as plain text. Their own topics follow the
 * shared ones, each named by the words they wrote, each article with the topic's score.
 */
export function renderEmail(
  name: string,
  groups: TopicGroup[],
  links: EmailLinks,
  ownGroups: TopicGroup[] = [],
  reader?: DigestReader,
): EmailDigest {
  const subject = digestSubject([...groups, ...ownGroups]);
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;background:#ffffff">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px">',
    `<tr><td style="padding-bottom:12px"><h1 style="font-size:20px;margin:0">tidings for ${escapeHtml(name)}</h1>`,
    `<p style="margin:4px 0 0;color:#555">${countArticles([...groups, ...ownGroups])} new articles in the topics you chose.</p></td></tr>`,
    ...groups.map(
      (g) =>
        `<tr><td style="padding:12px 0 4px"><h2 style="font-size:16px;margin:0">${escapeHtml(g.label)} (${g.count})</h2></td></tr>` +
        g.articles.map((a) => htmlArticle(a, undefined, reader)).join(''),
    ),
    ...ownGroups.map(
      (g) =>
        `<tr><td style="padding:12px 0 4px"><h2 style="font-size:16px;margin:0">Your topic “${escapeHtml(g.label)}” (${g.count})</h2></td></tr>` +
        g.articles.map((a) => htmlArticle(a, g.label, reader)).join(''),
    ),
    `<tr><td style="padding-top:16px;font-size:12px;color:#666"><a href="${escapeHtml(links.dashboardUrl)}">Open tidings</a> · <a href="${escapeHtml(links.feedUrl)}">Your feed</a> · <a href="${escapeHtml(links.unsubscribeUrl)}">Unsubscribe</a></td></tr>`,
    '</table></body></html>',
  ].join('');
  const text = [
    `tidings for ${name}: ${countArticles([...groups, ...ownGroups])} new articles in the topics you chose.`,
    '',
    ...groups.flatMap((g) => [
      `${g.label} (${g.count})`,
      ...g.articles.map(
        (a) =>
          `- ${a.title}\n  ${safeLink(a.link) || '(no link)'}  ${day(a.published)}${textExtras(a, undefined, reader)}`,
      ),
      '',
    ]),
    ...ownGroups.flatMap((g) => [
      `Your topic "${g.label}" (${g.count})`,
      ...g.articles.map(
        (a) =>
          `- ${a.title}\n  ${safeLink(a.link) || '(no link)'}  ${day(a.published)}  match ${percent(a.score)}${textExtras(a, g.label, reader)}`,
      ),
      '',
    ]),
    `Open tidings: ${links.dashboardUrl}`,
    `Your feed: ${links.feedUrl}`,
    `Unsubscribe: ${links.unsubscribeUrl}`,
    '',
  ].join('\n');
  return { subject, html, text };
}
