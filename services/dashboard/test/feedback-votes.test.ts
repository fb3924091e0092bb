import { type Calibration, feedbackReaderId, ownTopicId, type TopicArticle } from '@tidings/shared';
import { buildTopicArticle } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { explainArticle } from '../src/api/explain.js';
import { exampleOfVote, parseVerdictField, verdictField } from '../src/api/feedback.js';

/** The pure parts of a vote and of "why": no Redis, no HTTP. */

const LABELS = ['Stock', 'SEC', 'Crypto'];
const AT = new Date('2026-12-01T00:00:00.000Z');
const reader = feedbackReaderId('operator', 'dashboard');

const article = (fields: Partial<TopicArticle> = {}) =>
  buildTopicArticle({
    id: 'sec1',
    label: 'Stock',
    score: 0.55,
    scores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 },
    title: 'SEC fines a trading desk',
    ...fields,
  });

describe('a vote as a labelled example', () => {
  it('keeps the raw scores (not the calibrated ones) and the text it was judged on', () => {
    const calibrated = article({ rawScores: { Stock: 0.4, SEC: 0.45, Crypto: 0.15 }, calibration: 'cal-000000000000' });
    const example = exampleOfVote(
      { articleId: 'sec1', topic: 'Stock', verdict: { type: 'not-about' } },
      { reader, source: 'page' },
      calibrated,
      undefined,
      LABELS,
      AT,
    );
    expect(example).toMatchObject({
      kind: 'label',
      scores: { Stock: 0.4, SEC: 0.45, Crypto: 0.15 },
      title: 'SEC fines a trading desk',
      at: AT.toISOString(),
    });
  });

  it('names the unknown article, label or own topic', () => {
    const vote = { articleId: 'gone1', topic: 'Stock', verdict: { type: 'not-about' as const } };
    expect(exampleOfVote(vote, { reader, source: 'api' }, undefined, undefined, LABELS, AT)).toMatchObject({
      status: 404,
      body: { message: expect.stringContaining("'gone1'") },
    });
    const own = { articleId: 'sec1', topic: ownTopicId('gold'), verdict: { relevant: true } };
    const sub = { id: 'sub-0123456789abcdef', ownTopics: ['electric vehicles'] };
    expect(exampleOfVote(own, { reader, source: 'api', subscription: sub }, article(), 0.7, LABELS, AT)).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining(ownTopicId('electric vehicles')) },
    });
  });

  it('reads and writes every verdict a form or link carries, and nothing else', () => {
    for (const field of ['not-about', 'belongs-in:SEC', 'relevant', 'not-relevant']) {
      const verdict = parseVerdictField(field);
      expect(verdict && verdictField(verdict)).toBe(field);
    }
    expect(parseVerdictField('belongs-in:')).toBeUndefined();
    expect(parseVerdictField('yes')).toBeUndefined();
  });
});

describe('explaining an article', () => {
  it('says a calibration moved it, and from how many votes it was learned', () => {
    const moved = article({
      label: 'SEC',
      score: 0.5,
      scores: { Stock: 0.35, SEC: 0.5, Crypto: 0.15 },
      rawScores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 },
      calibration: 'cal-0123456789ab',
    });
    const madeUnder = { id: 'cal-0123456789ab', votes: 84 } as Pick<Calibration, 'id' | 'votes'>;
    const e = explainArticle(moved, madeUnder, null, 0.8);
    expect(e.calibration).toEqual({ id: 'cal-0123456789ab', votes: 84, moved: true });
    expect(e.why).toBe(
      'SEC 0.50, ahead of Stock 0.35; calibrated (cal-0123456789ab, learned from 84 votes), which moved it from Stock',
    );
    expect(e.labels[0]).toEqual({ label: 'SEC', raw: 0.3, calibrated: 0.5 });
  });

  it('measures own topics against their learned threshold, else OWN_TOPIC_THRESHOLD', () => {
    const id = ownTopicId('electric vehicles');
    const a = article({ ownScores: { [id]: 0.7 } });
    expect(explainArticle(a, null, null, 0.8).ownTopics).toEqual([
      { topicId: id, score: 0.7, threshold: 0.8, matched: false },
    ]);
    const learned = { ownThresholds: { [id]: { threshold: 0.65, votes: 12 } } };
    expect(explainArticle(a, null, learned, 0.8).ownTopics[0]).toMatchObject({ threshold: 0.65, matched: true });
  });
});
