import type { RunProgress } from '@tidings/run-requests';
import {
  type Digest,
  matchReason,
  outletName,
  type Problem,
  type ReclassifyReport,
  type RunSummary,
  type TopicArticle,
  type TopicGroup,
} from '@tidings/shared';
import type { HistoryNav, TrendDay } from '../api/history.js';
import { labelVoteForm } from './feedback.js';
import { html, raw, type SafeHtml, safeHref } from './html.js';
import { olderVersionNote, reclassifySection } from './reclassify.js';
import { redactUrlsIn, shownFeed } from './redact.js';
import { type SearchView, searchForm, searchSection, searchSummary } from './search.js';
import {
  alternateLinks,
  problemsBanner,
  type SubscribeLinks,
  subscribeSection,
  topicSubscribeLink,
} from './subscribe.js';
import { trendsSection } from './trends.js';

/*
 * The topic page and the login form as plain strings: no framework, every value escaped by
 * the html tag, so the same code renders for Fastify, a test or a static export.
 */

export interface PageModel {
  digest: Digest;
  runs: RunSummary[];
  activeRuns: RunProgress[];
  liveWorkers: number;
  topic?: string;
  /** Logged in through the form (a session cookie): the page offers "Log out". */
  loggedIn: boolean;
  notice?: string;
  /** Path prefix of every link (DASHBOARD_PUBLIC_URL's path behind a proxy), '' by default. */
  base: string;
  /** What `tidings status` would report as problems, shown at the top. */
  problems: Problem[];
  subscribe: SubscribeLinks;
  /** Articles whose top score is below this are marked as ones the model hesitated on. */
  lowConfidenceScore: number;
  /** The day shown (?day=), and the days before and after it that history still has. */
  history: HistoryNav;
  trends: TrendDay[];
  /** Set for ?q=: search results take the topics' place. */
  search?: SearchView;
  /** The current classifier version: articles made by another say so. */
  classifierVersion: string | null;
  reclassifyReports: ReclassifyReport[];
  /** Signed in, or no token set: the page offers to reclassify and to apply a dry run. */
  operator: boolean;
  retentionDays: number;
  /** Per label: how many readers' verdicts, and the share that agreed with it (absent: none yet). */
  accuracy?: Record<string, { examples: number; accuracy: number | null }>;
}

const time = (iso: string) => html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;

function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * Every label's score, as a list the reader opens without JavaScript; <meter> draws each bar,
 * so no inline style is needed under the strict CSP, and screen readers read the values.
 */
function scoreList(a: TopicArticle, lowConfidence: boolean): SafeHtml {
  const scores = Object.entries(a.scores ?? { [a.label]: a.score }).sort((x, y) => y[1] - x[1]);
  return html`<details class="scores${lowConfidence ? ' low-confidence' : ''}">
      <summary>score ${a.score.toFixed(2)}${lowConfidence ? html` · <span class="unsure">model unsure</span>` : ''}</summary>
      <ul>${scores.map(
        ([label, score]) =>
          html`<li><span class="score-label">${label}</span> <meter min="0" max="1" value="${score.toFixed(4)}" title="${label}: ${score.toFixed(2)}">${score.toFixed(2)}</meter> ${score.toFixed(2)}</li>`,
      )}</ul>
    </details>`;
}

/** The label the model itself ranked first, before any calibration. */
function topOf(scores: Record<string, number>): string {
  return Object.entries(scores).reduce((best, e) => (e[1] > best[1] ? e : best), ['', Number.NEGATIVE_INFINITY])[0];
}

/** The story's other outlets (its first source is the article shown), each linked when its link is http(s). */
function alsoReportedBy(a: TopicArticle): SafeHtml | '' {
  const others = (a.sources ?? []).slice(1);
  if (others.length === 0) return '';
  return html`<p class="also-reported">also reported by ${others.map((source, i) => {
    const href = safeHref(source.link);
    const name = outletName(source);
    const shown = href
      ? html`<a href="${href}" rel="noopener noreferrer" target="_blank" title="${source.title}">${name}</a>`
      : html`<span title="${source.title}">${name}</span>`;
    return i === 0 ? shown : html`, ${shown}`;
  })}</p>`;
}

/** The topic page's vote form of one article: offered to the operator (signed in, or no token set). */
type VoteForm = (a: TopicArticle) => SafeHtml;

function article(
  a: TopicArticle,
  lowConfidenceScore: number,
  currentVersion: string | null,
  vote: VoteForm | undefined,
): SafeHtml {
  const href = safeHref(a.link);
  const low = a.score < lowConfidenceScore;
  return html`<li class="article${low ? ' low-confidence' : ''}">
    <h3>${href ? html`<a href="${href}" rel="noopener noreferrer" target="_blank">${a.title}</a>` : a.title}</h3>
    <p class="meta">${time(a.published)}${a.publishedEstimated ? ' (date estimated)' : ''} ${olderVersionNote(a, currentVersion)}</p>
    ${scoreList(a, low)}
    <p class="why">why: ${matchReason(a)}${a.calibration ? html` · calibrated (${a.calibration})${a.rawScores && topOf(a.rawScores) !== a.label ? html`, moved from ${topOf(a.rawScores)}` : ''}` : ''}</p>
    ${a.summary ? html`<p class="summary">${a.summary}</p>` : ''}
    ${alsoReportedBy(a)}
    ${vote ? vote(a) : ''}
  </li>`;
}

/** A label's accuracy as readers measured it, with how many verdicts it rests on. */
function accuracyNote(stats: { examples: number; accuracy: number | null } | undefined): SafeHtml | '' {
  if (!stats || stats.accuracy === null) return '';
  return html`<p class="accuracy">Readers say ${Math.round(stats.accuracy * 100)}% of what they judged here belongs here (${stats.examples} vote${stats.examples === 1 ? '' : 's'}).</p>`;
}

function topicSection(
  group: TopicGroup,
  links: SubscribeLinks,
  lowConfidenceScore: number,
  currentVersion: string | null,
  vote: VoteForm | undefined,
  accuracy: { examples: number; accuracy: number | null } | undefined,
): SafeHtml {
  return html`<section class="topic" id="topic-${group.label.replace(/[^A-Za-z0-9]+/g, '-')}" data-topic="${group.label}">
    <h2>${group.label} <span class="count">${group.count}</span> ${topicSubscribeLink(links, group.label)}</h2>
    ${accuracyNote(accuracy)}
    <ol class="articles">${group.articles.map((a) => article(a, lowConfidenceScore, currentVersion, vote))}</ol>
    ${
      group.articles.length < group.count
        ? html`<p class="more">The newest ${group.articles.length} of ${group.count}.</p>`
        : ''
    }
  </section>`;
}

function topicFilter(model: PageModel): SafeHtml {
  const labels = model.digest.topics.map((g) => g.label);
  return html`<form class="filter" method="get" action="${model.base}/">
    <label for="topic">Topic</label>
    <select id="topic" name="topic">
      <option value="">All topics</option>
      ${labels.map((l) => html`<option value="${l}"${l === model.topic ? raw(' selected') : ''}>${l}</option>`)}
    </select>
    <button type="submit">Show</button>
  </form>`;
}

function runRow(run: RunSummary, base: string): SafeHtml {
  const failing = run.feeds.filter((f) => f.status === 'failed');
  return html`<tr data-run="${run.id}">
    <td><a href="${base}/api/runs/${encodeURIComponent(run.id)}">${run.id}</a></td>
    <td>${run.trigger}</td>
    <td>${time(run.startedAt)}</td>
    <td>${duration(run.durationMs)}</td>
    <td class="num">${run.counts.fetched}</td>
    <td class="num">${run.counts.new}</td>
    <td class="num">${run.counts.classified}</td>
    <td class="num${run.counts.failed ? ' bad' : ''}">${run.counts.failed}</td>
    <td>${failing.length ? failing.map((f) => html`<div class="bad" title="${redactUrlsIn(f.error?.message ?? '')}">${shownFeed(f.url)}</div>`) : '—'}${
      run.reason ? html`<div class="bad">${run.reason}</div>` : ''
    }</td>
  </tr>`;
}

export function renderPage(model: PageModel): string {
  const { digest } = model;
  const groups = model.topic ? digest.topics.filter((g) => g.label === model.topic) : digest.topics;
  const total = digest.topics.reduce((n, g) => n + g.count, 0);
  const { base } = model;
  const body = html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>tidings · finance news by topic</title>
  <link rel="stylesheet" href="${base}/assets/style.css">
  <script src="${base}/assets/app.js" defer></script>
  ${alternateLinks(model.subscribe)}
</head>
<body data-base="${base}">
  <header class="bar">
    <div class="brand"><strong>tidings</strong> <span>finance news by topic</span></div>
    ${searchForm(base, model.search?.q)}
    <nav>
      <span class="workers" id="workers">${model.liveWorkers} live classifier${model.liveWorkers === 1 ? '' : 's'}</span>
      <a href="${base}/queues">Queues</a>
      <form method="post" action="${base}/runs" id="run-now"><button type="submit">Run now</button></form>
      ${
        model.loggedIn
          ? html`<form method="post" action="${base}/logout" id="log-out"><button type="submit">Log out</button></form>`
          : ''
      }
    </nav>
  </header>
  <div class="notices">
    ${model.notice ? html`<p class="notice" id="notice">${model.notice}</p>` : html`<p class="notice" id="notice" hidden></p>`}
  </div>
  <main id="content">
    ${problemsBanner(model.problems)}
    <section class="summary-line">
      <p>${
        model.search
          ? searchSummary(model.search)
          : model.history.day
            ? html`${total} articles in ${digest.topics.length} topics, published on ${model.history.day}.`
            : digest.to
              ? html`${total} articles in ${digest.topics.length} topics, published in the ${digest.windowHours} hours up to ${time(digest.to)}.`
              : 'No articles yet: start a run.'
      }</p>
      <nav class="history" aria-label="Earlier days">${
        model.history.previous
          ? html`<a rel="prev" href="${base}/?day=${model.history.previous}">← ${model.history.previous}</a>`
          : ''
      } ${model.history.day ? html`<a href="${base}/">Latest</a>` : ''} ${
        model.history.next
          ? html`<a rel="next" href="${base}/?day=${model.history.next}">${model.history.next} →</a>`
          : ''
      }</nav>
      ${digest.topics.length > 0 ? topicFilter(model) : ''}
    </section>
    ${
      model.search
        ? searchSection(model.search, base)
        : html`<div class="topics">${groups.map((g) =>
            topicSection(
              g,
              model.subscribe,
              model.lowConfidenceScore,
              model.classifierVersion,
              model.operator ? (a) => labelVoteForm(a, model.subscribe.labels, base) : undefined,
              model.accuracy?.[g.label],
            ),
          )}</div>`
    }
    ${trendsSection(model.trends, model.subscribe.labels)}
    ${subscribeSection(model.subscribe, base)}
    <section class="runs">
      <h2>Runs</h2>
      ${
        model.activeRuns.length
          ? html`<ul class="active">${model.activeRuns.map(
              (r) =>
                html`<li data-active-run="${r.runId}">Run ${r.runId}: ${r.state}, ${r.classified + r.failed}/${r.total} done${r.failed ? html`, ${r.failed} failed` : ''}</li>`,
            )}</ul>`
          : ''
      }
      <table>
        <thead><tr><th>Run</th><th>Trigger</th><th>Started</th><th>Took</th><th>Fetched</th><th>New</th><th>Classified</th><th>Failed</th><th>Problems</th></tr></thead>
        <tbody id="run-rows">${model.runs.length ? model.runs.map((run) => runRow(run, base)) : html`<tr><td colspan="9">No runs yet.</td></tr>`}</tbody>
      </table>
    </section>
    ${reclassifySection(model.reclassifyReports, { base, operator: model.operator, retentionDays: model.retentionDays })}
  </main>
</body>
</html>
`;
  return body.value;
}

/** `problem` says why the last attempt did not log in. */
export function renderLogin(options: { next: string; problem?: string; base: string }): string {
  const { base } = options;
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>tidings · log in</title><link rel="stylesheet" href="${base}/assets/style.css"></head>
<body class="login">
  <form method="post" action="${base}/login" class="login-form">
    <h1>tidings</h1>
    ${options.problem ? html`<p class="bad">${options.problem}</p>` : ''}
    <label for="token">Dashboard token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required>
    <input type="hidden" name="next" value="${options.next}">
    <button type="submit">Log in</button>
  </form>
</body>
</html>
`.value;
}
