import { describe, expect, it } from 'vitest';
import { articleVoteLinks, FeedbackLinkSchema, feedbackLinkMatches, matchReason } from '../src/index.js';

const KEY = 'a'.repeat(32);
const OTHER_KEY = 'b'.repeat(32);
const SUB = { id: 'sub-0123456789abcdef', feedKey: KEY, topics: ['Stock'] };

const linkOf = (url: string) => FeedbackLinkSchema.parse(Object.fromEntries(new URL(url).searchParams));

describe('feedback links', () => {
  it('carry a token that holds for exactly its subscriber, article, topic and verdict', () => {
    const links = articleVoteLinks('https://news.example.org/t/', SUB, { id: 'sec1', label: 'Stock' }, [
      { topic: 'ev', topicId: '0123456789abcdef' },
    ]);
    expect(links.notAbout?.url).toMatch(/^https:\/\/news\.example\.org\/t\/feedback\/confirm\?s=sub-/);
    const link = linkOf(links.notAbout?.url ?? '');
    expect(feedbackLinkMatches(KEY, link)).toBe(true);
    expect(feedbackLinkMatches(OTHER_KEY, link)).toBe(false);
    for (const changed of [{ v: 'belongs-in:SEC' }, { a: 'sec2' }, { t: 'SEC' }, { s: 'sub-fedcba9876543210' }])
      expect(feedbackLinkMatches(KEY, { ...link, ...changed }), JSON.stringify(changed)).toBe(false);
    const relevant = linkOf(links.own[0]?.relevant ?? '');
    expect(relevant).toMatchObject({ t: '0123456789abcdef', v: 'relevant' });
    expect(feedbackLinkMatches(KEY, { ...relevant, v: 'not-relevant' })).toBe(false);
  });

  it('offer "not about" only under a label the subscriber chose, and never carry the feed key', () => {
    const links = articleVoteLinks('https://news.example.org/', SUB, { id: 'btc1', label: 'Crypto' });
    expect(links).toEqual({ own: [] });
    const stock = articleVoteLinks('https://news.example.org/', SUB, { id: 'x1', label: 'Stock' });
    expect(stock.notAbout?.url).not.toContain(KEY);
  });
});

describe('matchReason', () => {
  it('names the score and the runner-up it beat', () => {
    expect(matchReason({ label: 'Stock', score: 0.55, scores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 } })).toBe(
      'Stock 0.55, ahead of SEC 0.30',
    );
    expect(matchReason({ label: 'Stock', score: 0.9 })).toBe('Stock 0.90');
  });
});
