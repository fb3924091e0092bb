import type { TopicGroup } from '@tidings/shared';
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

/**
 * One subscriber's digest as multipart email: HTML built from tables and inline styles (what
 * common mail clients render) and the same content as plain text.
 */
export function renderEmail(name: string, groups: TopicGroup[], links: EmailLinks): EmailDigest {
  const subject = digestSubject(groups);
  const html = [
    '<!doctype html><html><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;background:#ffffff">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px">',
    `<tr><td style="padding-bottom:12px"><h1 style="font-size:20px;margin:0">tidings for ${escapeHtml(name)}</h1>`,
    `<p style="margin:4px 0 0;color:#555">${countArticles(groups)} new articles in the topics you chose.</p></td></tr>`,
    ...groups.map(
      (g) =>
        `<tr><td style="padding:12px 0 4px"><h2 style="font-size:16px;margin:0">${escapeHtml(g.label)} (${g.count})</h2></td></tr>` +
        g.articles
          .map((a) => {
            const href = safeLink(a.link);
            const title = escapeHtml(a.title);
            return `<tr><td style="padding:4px 0"><div>${href ? `<a href="${escapeHtml(href)}" style="color:#0b57d0">${title}</a>` : title}</div><div style="font-size:12px;color:#666">${escapeHtml(day(a.published))}</div></td></tr>`;
          })
          .join(''),
    ),
    `<tr><td style="padding-top:16px;font-size:12px;color:#666"><a href="${escapeHtml(links.dashboardUrl)}">Open tidings</a> · <a href="${escapeHtml(links.feedUrl)}">Your feed</a> · <a href="${escapeHtml(links.unsubscribeUrl)}">Unsubscribe</a></td></tr>`,
    '</table></body></html>',
  ].join('');
  const text = [
    `tidings for ${name}: ${countArticles(groups)} new articles in the topics you chose.`,
    '',
    ...groups.flatMap((g) => [
      `${g.label} (${g.count})`,
      ...g.articles.map((a) => `- ${a.title}\n  ${safeLink(a.link) || '(no link)'}  ${day(a.published)}`),
      '',
    ]),
    `Open tidings: ${links.dashboardUrl}`,
    `Your feed: ${links.feedUrl}`,
    `Unsubscribe: ${links.unsubscribeUrl}`,
    '',
  ].join('\n');
  return { subject, html, text };
}
