import { describe, expect, it } from 'vitest';
import {
  fitOwnThresholds,
  lowestOwnTopicThreshold,
  type OwnVote,
  ownTopicThreshold,
  readerWeights,
} from '../src/index.js';

const PRIOR = 0.8;
/** Readers who find articles relevant down to a score of 0.5: the prior 0.8 misses them. */
const votes = (n: number, subscriptionId?: string): OwnVote[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: '1111111111111111',
    score: 0.45 + (0.5 * i) / n,
    relevant: 0.45 + (0.5 * i) / n >= 0.5,
    ...(subscriptionId ? { subscriptionId } : {}),
  }));

describe('own-topic thresholds', () => {
  it('stay near OWN_TOPIC_THRESHOLD while votes are few, and follow the votes as they grow', () => {
    const few = fitOwnThresholds(votes(3), PRIOR)['1111111111111111']?.threshold ?? 0;
    const many = fitOwnThresholds(votes(200), PRIOR)['1111111111111111']?.threshold ?? 0;
    expect(few).toBeGreaterThan(0.7);
    expect(few).toBeLessThan(PRIOR);
    expect(many).toBeLessThan(0.55);
    expect(fitOwnThresholds(votes(200), PRIOR)['1111111111111111']?.votes).toBe(200);
  });

  it('learns a threshold per subscription that voted, and a feed stores matches at the lowest', () => {
    const fitted = fitOwnThresholds([...votes(60, 'sub-a'), ...votes(2, 'sub-b')], PRIOR);
    const calibration = { ownThresholds: fitted };
    const a = ownTopicThreshold(calibration, '1111111111111111', 'sub-a', PRIOR);
    const b = ownTopicThreshold(calibration, '1111111111111111', 'sub-b', PRIOR);
    expect(a).toBeLessThan(b);
    expect(ownTopicThreshold(calibration, '1111111111111111', 'sub-c', PRIOR)).toBe(
      fitted['1111111111111111']?.threshold,
    );
    expect(ownTopicThreshold(calibration, '2222222222222222', 'sub-a', PRIOR)).toBe(PRIOR);
    expect(lowestOwnTopicThreshold(calibration, '1111111111111111', PRIOR)).toBe(
      Math.min(a, b, fitted['1111111111111111']?.threshold ?? 1),
    );
  });
});

describe('readerWeights', () => {
  it('caps a flooding reader at the share of the total, and leaves balanced readers whole', () => {
    const voters = [
      ...Array.from({ length: 100 }, () => ({ reader: 'flood', trusted: false })),
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].flatMap((r) =>
        Array.from({ length: 5 }, () => ({ reader: r, trusted: false })),
      ),
    ];
    const weights = readerWeights(voters, 0.2);
    const flood = weights.slice(0, 100).reduce((a, b) => a + b, 0);
    const total = weights.reduce((a, b) => a + b, 0);
    expect(flood / total).toBeCloseTo(0.2, 6);
    expect(weights.slice(100).every((w) => w === 1)).toBe(true);
  });

  it('gives a lone reader no weight, and trusted examples (an operator file) full weight', () => {
    expect(
      readerWeights(
        [
          { reader: 'x', trusted: false },
          { reader: 'x', trusted: false },
        ],
        0.2,
      ),
    ).toEqual([0, 0]);
    expect(readerWeights([{ reader: 'ops', trusted: true }], 0.2)).toEqual([1]);
  });
});
