import type { FeedbackLinkVote, TopicArticle } from '@tidings/shared';
import { html, type SafeHtml, safeHref } from './html.js';
import { shell } from './subscribe.js';

/*
 * Where readers say a topic got an article wrong: the buttons beside each article (topic page,
 * subscriber page), the confirm page a feed or digest link opens, and the answer to a vote.
 * Every button is a plain form POST, so it works without JavaScript; app.js sends the same
 * form as JSON and shows the answer in place.
 */

/** Under a shared label on the topic page: "not about <label>", or "belongs in" another label. */
export function labelVoteForm(a: Pick<TopicArticle, 'id' | 'label'>, labels: string[], base: string): SafeHtml {
  const others = labels.filter((l) => l !== a.label);
  return html`<form class="vote" method="post" action="${base}/feedback" data-article="${a.id}">
      <input type="hidden" name="articleId" value="${a.id}"><input type="hidden" name="topic" value="${a.label}">
      <button type="submit" name="verdict" value="not-about">Not about ${a.label}</button>
      ${
        others.length > 0
          ? html`<label>or belongs in <select name="belongsIn" aria-label="belongs in">${others.map(
              (l) => html`<option value="${l}">${l}</option>`,
            )}</select></label> <button type="submit" name="verdict" value="belongs-in">Move</button>`
          : ''
      }
      <span class="vote-result" aria-live="polite"></span>
    </form>`;
}

/** Under an own topic's match on the subscriber's page: relevant or not, by their feed key. */
export function ownVoteForm(articleId: string, topicId: string, action: string): SafeHtml {
  return html`<form class="vote" method="post" action="${action}" data-article="${articleId}">
      <input type="hidden" name="articleId" value="${articleId}"><input type="hidden" name="topic" value="${topicId}">
      <button type="submit" name="verdict" value="relevant">Relevant</button>
      <button type="submit" name="verdict" value="not-relevant">Not relevant</button>
      <span class="vote-result" aria-live="polite"></span>
    </form>`;
}

/** One choice on the confirm page: its own signed link fields, POSTed back by its button. */
export interface ConfirmChoice {
  link: FeedbackLinkVote & { token: string };
  words: string;
}

/**
 * The page a vote link opens: it records nothing (mail scanners and link previews follow
 * links); the reader's button POSTs the signed fields back. A "not about" link also offers
 * "belongs in" each other label, each its own signed choice.
 */
export function renderVoteConfirm(options: {
  article: Pick<TopicArticle, 'title' | 'link' | 'published'>;
  choices: ConfirmChoice[];
  base: string;
}): string {
  const { article, base } = options;
  const href = safeHref(article.link);
  return shell(
    'feedback',
    base,
    html`<p>Your feedback on <strong>${href ? html`<a href="${href}">${article.title}</a>` : article.title}</strong> <small>${article.published.slice(0, 10)}</small>:</p>
    ${options.choices.map(
      (c, i) =>
        html`<form method="post" action="${base}/feedback/confirm" class="vote-confirm">${Object.entries(c.link).map(
          ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
        )}<button type="submit" id="${i === 0 ? 'confirm-vote' : `confirm-vote-${i}`}">${c.words}</button></form>`,
    )}
    <p><small>One vote per article and topic: a new one replaces the one before.</small></p>`,
  );
}

/** What a vote from a form or a link answers: recorded (and what), or why not. */
export function renderVoteAnswer(options: { ok: boolean; message: string; base: string; back?: string }): string {
  return shell(
    options.ok ? 'thanks' : 'feedback refused',
    options.base,
    html`<p id="vote-answer" class="${options.ok ? '' : 'bad'}">${options.message}</p>${
      options.back ? html`<p><a href="${options.back}">Back</a></p>` : ''
    }`,
  );
}
