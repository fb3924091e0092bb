import {
  FEED_FORMAT_NAMES,
  FEED_FORMATS,
  type FeedFormat,
  ownMatchReason,
  ownTopicId,
  type Problem,
  type Subscription,
  type WebhookDisabled,
} from '@tidings/shared';
import type { OwnTopicSummary } from '../api/own-topic-articles.js';
import type { ApiResult } from '../api/result.js';
import { ownVoteForm } from './feedback.js';
import { html, type SafeHtml, safeHref } from './html.js';
import { redactUrlsIn } from './redact.js';

/** The feed links the page offers, in every format: per topic label, and for every topic at once. */
export interface SubscribeLinks {
  all: Record<FeedFormat, string>;
  /** Every topic feed as one OPML list, for a reader's import. */
  opml: string;
  byLabel: Record<string, Record<FeedFormat, string>>;
  /** Shown beside the links when DASHBOARD_TOKEN is set, since readers must add it to the URL. */
  key?: string;
  labels: string[];
}

/** Feed discovery (<link rel="alternate">): every topic's feed in each format, the first the one readers pick. */
export function alternateLinks(links: SubscribeLinks): SafeHtml {
  return html`${FEED_FORMAT_NAMES.map(
    (f) =>
      html`<link rel="alternate" type="${FEED_FORMATS[f].mediaType}" title="tidings: every topic (${FEED_FORMATS[f].title})" href="${links.all[f]}">
  `,
  )}`;
}

export function topicSubscribeLink(links: SubscribeLinks, label: string): SafeHtml {
  const feed = links.byLabel[label];
  if (!feed) return html``;
  return html`<a class="subscribe" href="${feed.atom}" title="Atom feed of ${label}">Subscribe</a> <a class="subscribe" href="${feed.json}" title="JSON Feed of ${label}">JSON</a>`;
}

/** What an operator should fix, at the top of the page: the list `tidings status` prints. */
export function problemsBanner(problems: Problem[]): SafeHtml {
  if (problems.length === 0) return html``;
  return html`<section class="problems" id="problems" role="alert">
    <h2>Problems (${problems.length})</h2>
    <ul>${problems.map(
      (p) =>
        html`<li data-problem="${p.kind}"><strong>${p.kind}</strong>${p.where ? html` at ${redactUrlsIn(p.where)}` : ''}: ${redactUrlsIn(p.message)}</li>`,
    )}</ul>
  </section>`;
}

/** Feeds per topic, every topic's feed, and a form for a personal mix delivered by feed, email or webhook. */
export function subscribeSection(links: SubscribeLinks, base: string): SafeHtml {
  return html`<section class="subscribe-section" id="subscribe">
    <h2>Subscribe</h2>
    <p>Every topic is a feed: <a href="${links.all.atom}">all topics (Atom)</a> · <a href="${links.all.json}">JSON Feed</a> · <a id="topics-opml" href="${links.opml}">every topic feed as OPML</a>.
      ${links.key ? html`Feed key: <code id="feed-key">${links.key}</code> (in every feed link; changing DASHBOARD_TOKEN revokes it).` : ''}</p>
    <form method="post" action="${base}/subscriptions" class="subscribe-form">
      <label for="sub-name">Name</label> <input id="sub-name" name="name" required maxlength="100">
      <fieldset><legend>Topics</legend>${links.labels.map(
        (l, i) => html`<label><input type="checkbox" name="topics" value="${l}" id="sub-topic-${i}"> ${l}</label> `,
      )}</fieldset>
      <label for="sub-own">Your own topics (optional, one a line, in plain words: e.g. electric vehicles)</label>
      <textarea id="sub-own" name="ownTopics" rows="3" maxlength="2000"></textarea>
      ${ownTopicPreview('sub-own', `${base}/api/own-topics/preview`)}
      <label for="sub-email">Email (optional)</label> <input id="sub-email" name="email" type="email" maxlength="254">
      <label for="sub-webhook">Webhook URL (optional)</label> <input id="sub-webhook" name="webhookUrl" type="url" maxlength="2048">
      <button type="submit">Subscribe</button>
    </form>
  </section>`;
}

/**
 * The Preview button of an own-topic field and where its answer goes: app.js shows the button
 * (a preview needs the script; the form works without it) and fills the answer as text.
 */
function ownTopicPreview(field: string, url: string): SafeHtml {
  return html`<button type="button" class="own-topic-preview" data-preview-for="${field}" data-preview-url="${url}" hidden>Preview</button>
      <div class="own-topic-preview-result" id="${field}-preview" aria-live="polite" hidden></div>`;
}

/** A small page of its own (login-style): the subscribe answer, unsubscribe, a vote's confirm page. */
export function shell(title: string, base: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>tidings · ${title}</title><link rel="stylesheet" href="${base}/assets/style.css">
<script src="${base}/assets/app.js" defer></script></head>
<body class="login" data-base="${base}"><main class="login-form"><h1>tidings</h1>${body}<p><a href="${base}/">Back to the topics</a></p></main></body>
</html>
`.value;
}

/** The answer to the page's subscribe form: the new feed URLs, and the webhook secret this once. */
export function renderSubscribed(result: ApiResult, base: string): string {
  const body = result.body as Record<string, string | string[]> & { message?: string };
  if (result.status !== 201)
    return shell('subscribe', base, html`<p class="bad">Not subscribed: ${body.message ?? ''}</p>`);
  return shell(
    'subscribed',
    base,
    html`<p>Subscribed <strong>${body.name}</strong> to ${[...(body.topics as string[]), ...((body.ownTopics as string[] | undefined) ?? []).map((t) => `“${t}”`)].join(', ')}.</p>
    ${(body.ownTopics as string[] | undefined)?.length ? html`<p>Your own topics are being matched against the articles of the last days: <a id="subscriber-page" href="${body.pageUrl}">your page</a> shows them.</p>` : ''}
    <p>Your feed: <a id="personal-feed" href="${body.feedUrl}">${body.feedUrl}</a> (<a href="${body.jsonFeedUrl}">JSON Feed</a>)</p>
    ${body.webhookSecret ? html`<p>Webhook signing secret (shown only now): <code id="webhook-secret">${body.webhookSecret}</code></p>` : ''}
    <p>Unsubscribe any time: <a href="${body.unsubscribeUrl}">${body.unsubscribeUrl}</a></p>`,
  );
}

export function renderUnsubscribe(options: {
  state: 'confirm' | 'done' | 'unknown';
  name: string | undefined;
  key: string;
  base: string;
  /** The subscriber's webhook answered 410 Gone and gets nothing more: said on their page. */
  webhookDisabled?: WebhookDisabled | undefined;
}): string {
  const { state, name, key, base, webhookDisabled } = options;
  if (state === 'unknown')
    return shell(
      'unsubscribe',
      base,
      html`<p>This link is no longer valid: already unsubscribed, or the key was replaced.</p>`,
    );
  if (state === 'done')
    return shell(
      'unsubscribed',
      base,
      html`<p id="unsubscribed">${name} is unsubscribed: no more digests, and the feed is gone.</p>`,
    );
  return shell(
    'unsubscribe',
    base,
    html`${webhookDisabled ? html`<p class="bad" id="webhook-disabled">Your webhook is disabled since ${webhookDisabled.at}: ${webhookDisabled.reason}. Nothing more is sent to it until its URL is changed.</p>` : ''}<form method="post" action="${base}/unsubscribe/${key}"><p>Stop every digest and the personal feed of <strong>${name}</strong>?</p><button type="submit">Unsubscribe</button></form>`,
  );
}

/** An own topic's matches as readers judged them, with how many votes that rests on. */
function ownAccuracy(stats: { examples: number; accuracy: number | null } | undefined): SafeHtml | '' {
  if (!stats || stats.accuracy === null) return '';
  return html`<p class="accuracy">Readers found ${Math.round(stats.accuracy * 100)}% of the matches they judged relevant (${stats.examples} vote${stats.examples === 1 ? '' : 's'}).</p>`;
}

/**
 * The subscriber's page, opened by their feed key: their topics, and for each own topic its
 * matches of the last days with the score the model gave it.
 */
export function renderSubscriberPage(options: {
  sub: Pick<Subscription, 'name' | 'topics' | 'ownTopics' | 'feedKey'>;
  own: OwnTopicSummary[];
  days: number;
  feedUrl: string;
  jsonFeedUrl: string;
  unsubscribeUrl: string;
  base: string;
  /** The threshold each own topic's match had to reach (learned for them, else OWN_TOPIC_THRESHOLD). */
  ownThreshold: (ownTopic: string) => number;
  /** Per own-topic id: readers' verdicts and the share that found its matches relevant. */
  accuracy: Record<string, { examples: number; accuracy: number | null }>;
}): string {
  const { sub, own, days } = options;
  return shell(
    sub.name,
    options.base,
    html`<p>Subscribed <strong>${sub.name}</strong> to ${sub.topics.length > 0 ? sub.topics.join(', ') : 'no shared topic'}.</p>
    <p>Your feed: <a href="${options.feedUrl}">Atom</a> · <a href="${options.jsonFeedUrl}">JSON Feed</a> · <a href="${options.unsubscribeUrl}">Unsubscribe</a></p>
    <section class="own-topic-try"><h2>Try a topic</h2>
      <label for="try-own">A topic in your own words: see what it would have matched, before anything is saved</label>
      <input id="try-own" maxlength="2000">
      ${ownTopicPreview('try-own', `${options.base}/s/${sub.feedKey}/preview`)}
    </section>
    ${
      own.length === 0
        ? html`<p>No own topics.</p>`
        : html`<h2>Your own topics, last ${days} days</h2>${own.map(
            (t) => html`<section class="own-topic" data-own-topic="${t.topic}">
      <h3>“${t.topic}” (${t.count})</h3>
      ${ownAccuracy(options.accuracy[ownTopicId(t.topic)])}
      ${
        t.articles.length === 0
          ? html`<p>No matches yet.</p>`
          : html`<ul>${t.articles.map((a) => {
              const href = safeHref(a.link);
              const score = a.ownMatches?.[0]?.score ?? 0;
              return html`<li>${href ? html`<a href="${href}">${a.title}</a>` : a.title} <small>${a.published.slice(0, 10)} · match ${Math.round(score * 100)}% <span class="why">(${ownMatchReason({ topic: t.topic, score }, options.ownThreshold(t.topic))})</span></small>
        ${ownVoteForm(a.id, ownTopicId(t.topic), `${options.base}/s/${sub.feedKey}/feedback`)}</li>`;
            })}</ul>`
      }
    </section>`,
          )}`
    }`,
  );
}
