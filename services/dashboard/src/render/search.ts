import type { MatchRange } from '../api/find-matches.js';
import type { SearchHit, SearchResults } from '../search/search.js';
import { html, type SafeHtml, safeHref } from './html.js';

/** What the page shows for ?q=: the results, or why the query was refused. */
export interface SearchView {
  q: string;
  results?: SearchResults;
  error?: string;
}

/**
 * Text with its matches wrapped in <mark>. Every piece of the text goes through the html
 * tag, so the only markup in the output is ours, whatever the text holds.
 */
export function marked(text: string, ranges: MatchRange[]): SafeHtml {
  const chars = Array.from(text);
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at || end > chars.length) continue;
    parts.push(html`${chars.slice(at, start).join('')}<mark>${chars.slice(start, end).join('')}</mark>`);
    at = end;
  }
  parts.push(html`${chars.slice(at).join('')}`);
  return html`${parts}`;
}

/** A GET form, so searching works without JavaScript and the results have a URL. */
export function searchForm(base: string, q: string | undefined): SafeHtml {
  return html`<form class="search" method="get" action="${base}/" role="search">
    <label for="q">Search</label>
    <input id="q" name="q" type="search" value="${q ?? ''}" placeholder="words in titles and summaries">
    <button type="submit">Search</button>
  </form>`;
}

function hit(a: SearchHit): SafeHtml {
  const href = safeHref(a.link);
  const title = marked(a.title, a.matches.title);
  return html`<li class="article search-hit" data-article="${a.id}">
    <h3>${href ? html`<a href="${href}" rel="noopener noreferrer" target="_blank">${title}</a>` : title}</h3>
    <p class="meta"><time datetime="${a.published}">${a.published.slice(0, 16).replace('T', ' ')} UTC</time> · <span class="topic-label">${a.label}</span> · score ${a.score.toFixed(2)}</p>
    ${a.summary ? html`<p class="summary">${marked(a.summary, a.matches.summary)}</p>` : ''}
  </li>`;
}

export function searchSummary(view: SearchView): SafeHtml {
  if (view.error) return html`<span class="bad" id="search-error">${view.error}</span>`;
  const total = view.results?.total ?? 0;
  const shown = view.results?.articles.length ?? 0;
  return html`${total} article${total === 1 ? '' : 's'} match “${view.q}”${shown < total ? html`; the newest ${shown} are shown` : ''}.`;
}

export function searchSection(view: SearchView, base: string): SafeHtml {
  return html`<section class="search-results" id="search-results" aria-label="Search results">
    <ol class="articles">${(view.results?.articles ?? []).map(hit)}</ol>
    <p><a href="${base}/">Back to the latest topics</a></p>
  </section>`;
}
