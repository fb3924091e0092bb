import { buildRun } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { planHubPings } from '../src/plan-hub-pings.js';

const run = (counts: Record<string, number>) =>
  buildRun({ topics: Object.entries(counts).map(([label, count]) => ({ label, count, articles: [] })) });

describe('WebSub pings a run plans', () => {
  it('one per hub and changed feed URL: Atom (and its former .xml) and JSON, "all" included; none for a topic with nothing new', () => {
    const jobs = planHubPings(run({ 'Oil or Gas': 2, Crypto: 0 }), ['https://a.example/', 'https://b.example/']);
    const shown = jobs.map((j) =>
      j.destination.kind === 'websub' ? `${j.destination.hub}:${j.destination.feed}.${j.destination.extension}` : '',
    );
    expect(shown.sort()).toEqual(
      [
        '0:all.atom',
        '0:all.json',
        '0:all.xml',
        '0:oil-or-gas.atom',
        '0:oil-or-gas.json',
        '0:oil-or-gas.xml',
        '1:all.atom',
        '1:all.json',
        '1:all.xml',
        '1:oil-or-gas.atom',
        '1:oil-or-gas.json',
        '1:oil-or-gas.xml',
      ].sort(),
    );
  });

  it('none for a run with nothing new, or without hubs', () => {
    expect(planHubPings(run({ Crypto: 0 }), ['https://a.example/'])).toEqual([]);
    expect(planHubPings(run({ Crypto: 3 }), [])).toEqual([]);
  });
});
