import { ownTopicId, type TopicArticle, type TopicGroup } from '@tidings/shared';
import { buildRun, buildTopicArticle } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { renderEmail } from '../src/render-email.js';
import { digestPayload, selectOwnTopics, selectTopics } from '../src/select-digest.js';
import { escapeMrkdwn, slackMessage } from '../src/slack-message.js';

const article = (id: string, title: string, link = `https://news.example/${id}`) =>
  buildTopicArticle({ id, title, link, feed: 'https://news.example/feed', score: 0.9, runId: 'run-1' });
const group = (label: string, articles: TopicArticle[]): TopicGroup => ({ label, count: articles.length, articles });
const run = (topics: TopicGroup[]) => buildRun({ topics, startedAt: '2026-11-24T10:00:00.000Z', durationMs: 60_000 });
const links = {
  dashboardUrl: 'https://news.example.org/',
  feedUrl: 'https://news.example.org/feeds/s/k.xml',
  unsubscribeUrl: 'https://news.example.org/unsubscribe/k',
};

describe('digest rendering', () => {
  const hostile = article('a1', 'Hack <!channel> <https://evil.example|click> <script>alert(1)</script> & co');
  const js = article('a2', 'A javascript link', 'javascript:alert(1)');

  it('keeps only the chosen topics', () => {
    const r = run([group('Crypto', [hostile]), group('Stock', [article('s1', 'Stocks up')])]);
    expect(selectTopics(r, ['Stock']).map((g) => g.label)).toEqual(['Stock']);
    expect(selectTopics(r, undefined).map((g) => g.label)).toEqual(['Crypto', 'Stock']);
  });

  it("counts a large topic whole, though the run's record lists only its newest articles", () => {
    const newest = Array.from({ length: 3 }, (_, i) => article(`n${i}`, `Story ${i}`));
    const large: TopicGroup = { label: 'Crypto', count: 250, articles: newest };
    const payload = digestPayload(run([large]), [large], null);
    expect(payload.counts).toEqual({ articles: 250, topics: 1 });
    expect(payload.topics[0]).toMatchObject({ count: 250, articles: newest.map((a) => ({ title: a.title })) });
    const email = renderEmail('Ann', [large], links);
    expect(email.subject).toBe('tidings: 250 new articles in 1 topic');
    expect(email.text).toContain('Crypto (250)');
    const text = JSON.stringify(slackMessage([large], 'https://news.example.org/'));
    expect(text).toContain('Crypto* (250)');
    expect(text).toContain('…and 247 more');
  });

  it('puts plain text and http(s) links only in the webhook JSON', () => {
    const payload = digestPayload(run([group('Crypto', [hostile, js])]), [group('Crypto', [hostile, js])], null);
    expect(payload.topics[0]?.articles[0]?.title).toBe(hostile.title);
    expect(payload.topics[0]?.articles[1]?.link).toBe('');
    expect(payload.counts).toEqual({ articles: 2, topics: 1 });
  });

  it('escapes feed text for HTML mail and never links a non-http(s) URL', () => {
    const email = renderEmail('Ann <b>', [group('Crypto', [hostile, js])], links);
    expect(email.subject).toBe('tidings: 2 new articles in 1 topic');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<!channel>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(email.html).toContain('tidings for Ann &lt;b&gt;');
    expect(email.html).not.toContain('javascript:');
    expect(email.text).toContain(hostile.title);
    expect(email.text).toContain('Unsubscribe: https://news.example.org/unsubscribe/k');
  });

  it('escapes Slack mrkdwn so a title cannot mention @channel or add a link of its own', () => {
    expect(escapeMrkdwn('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
    const message = slackMessage([group('Crypto', [hostile])], 'https://news.example.org/');
    const text = JSON.stringify(message.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example|click>');
    expect(text).toContain('<https://news.example/a1|Hack &lt;!channel&gt;');
  });

  it('cuts a long digest within Slack limits: 50 blocks, 3000 characters a section, 150 a header', () => {
    const many = Array.from({ length: 80 }, (_, t) =>
      group(
        `Topic ${t}`,
        Array.from({ length: 60 }, (_, i) => article(`t${t}-${i}`, `Headline ${i} ${'x'.repeat(80)}`)),
      ),
    );
    const message = slackMessage(many, 'https://news.example.org/');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const block of message.blocks) {
      const text = (block as { text?: { text: string; type: string } }).text;
      if (block.type === 'section') expect(text?.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'header') expect(text?.text.length).toBeLessThanOrEqual(150);
    }
    const last = message.blocks.at(-2) as { text: { text: string } };
    expect(last.text.text).toMatch(/^…and \d+ more articles in 33 more topics$/);
    expect((message.blocks[1] as { text: { text: string } }).text.text).toMatch(/…and \d+ more$/);
  });

  it("names a subscriber's own topics by their words, with that topic's score, in the webhook payload and the email", async () => {
    const id = ownTopicId('blockchain tokens');
    const stored = { ...article('b1', 'Bitcoin slides'), ownScores: { [id]: 0.97 } };
    const own = await selectOwnTopics(
      { [id]: { count: 3, articleIds: ['b1'] }, [ownTopicId('lithium')]: { count: 2, articleIds: ['x'] } },
      { ownTopics: ['Blockchain tokens'] },
      async (ids) => (ids.includes('b1') ? [stored] : []),
    );
    expect(own).toEqual([{ label: 'Blockchain tokens', count: 3, articles: [{ ...stored, score: 0.97 }] }]);
    const payload = digestPayload(run([]), [], null, own);
    expect(payload.topics).toEqual([]);
    expect(payload.ownTopics).toEqual([
      {
        topic: 'Blockchain tokens',
        count: 3,
        articles: [
          { title: 'Bitcoin slides', link: 'https://news.example/b1', published: stored.published, score: 0.97 },
        ],
      },
    ]);
    expect(payload.counts).toEqual({ articles: 3, topics: 1 });
    const email = renderEmail('Ann', [], links, own);
    expect(email.subject).toBe('tidings: 3 new articles in 1 topic');
    expect(email.text).toContain('Your topic "Blockchain tokens" (3)');
    expect(email.text).toContain('match 97%');
    expect(email.html).toContain('Your topic “Blockchain tokens” (3)');
  });
});
