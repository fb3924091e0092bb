import type { RunSummary, Subscription } from '@tidings/shared';
import { buildFeedReport, buildProblem, buildRun } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { findProblems, type ProblemInputs } from '../src/index.js';

const summary = (fields: Parameters<typeof buildRun>[0]): RunSummary => {
  const { topics: _topics, ...rest } = buildRun(fields);
  return rest;
};

const none: ProblemInputs = {
  recorded: [],
  queues: {},
  workers: [],
  runs: [],
  failedDeliveries: [],
  disabledWebhooks: [],
};

describe('findProblems', () => {
  it('finds none on a quiet stack', () => {
    expect(findProblems(none)).toEqual([]);
  });

  it('lists what processes recorded first, as they recorded it', () => {
    const recorded = [buildProblem({ kind: 'model-unavailable', message: 'no model', where: 'host-a' })];
    expect(findProblems({ ...none, recorded })).toEqual(recorded);
  });

  it("names each feed the last run failed to read, its URL masked, since the run's start; older runs' failures are history", () => {
    const failing = buildFeedReport({
      url: 'https://ann:hunter2@feeds.example/rss?token=abc123',
      status: 'failed',
      error: { code: 'FEED_HTTP_STATUS', message: 'answered 401' },
    });
    const last = summary({
      id: 'today',
      startedAt: '2026-11-25T06:00:00.000Z',
      feeds: [buildFeedReport(), failing, buildFeedReport({ url: 'https://quiet.example/rss', status: 'failed' })],
    });
    const older = summary({
      id: 'yesterday',
      feeds: [buildFeedReport({ url: 'https://gone.example/rss', status: 'failed' })],
    });
    const problems = findProblems({ ...none, runs: [last, older] });
    expect(problems).toEqual([
      {
        kind: 'feed-failing',
        message: 'FEED_HTTP_STATUS: answered 401',
        where: 'https://****:****@feeds.example/rss?token=****',
        since: '2026-11-25T06:00:00.000Z',
      },
      {
        kind: 'feed-failing',
        message: 'FEED_FAILED: failed',
        where: 'https://quiet.example/rss',
        since: '2026-11-25T06:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/hunter2|abc123/);
  });

  it('lists failed deliveries', () => {
    expect(findProblems({ ...none, failedDeliveries: ['delivery r1.email.x failed after 5 attempt(s): 550'] })).toEqual(
      [{ kind: 'notification-failed', message: 'delivery r1.email.x failed after 5 attempt(s): 550' }],
    );
  });

  it('names each subscriber whose webhook a 410 disabled, since when, and what turns it back on', () => {
    const sub: Subscription = {
      id: 'sub-0123456789abcdef',
      name: 'Ann',
      topics: ['Crypto'],
      ownTopics: [],
      webhookUrl: 'https://hooks.example/ann',
      feedKey: 'a'.repeat(32),
      webhookDisabled: { at: '2026-11-25T06:01:00.000Z', reason: 'the webhook answered 410 Gone' },
      createdAt: '2026-11-20T06:00:00.000Z',
      updatedAt: '2026-11-25T06:01:00.000Z',
    };
    expect(findProblems({ ...none, disabledWebhooks: [sub] })).toEqual([
      {
        kind: 'webhook-disabled',
        message: 'the webhook answered 410 Gone: nothing more is sent to it until its URL is changed',
        where: 'the webhook of subscription sub-0123456789abcdef (Ann)',
        since: '2026-11-25T06:01:00.000Z',
      },
    ]);
  });

  it('names a queue with work waiting and no worker of its kind connected', () => {
    const problems = findProblems({
      ...none,
      queues: {
        feeds: { waiting: 1, delayed: 1, prioritized: 1, active: 9 },
        classify: { waiting: 40 },
        aggregate: { 'waiting-children': 2 },
      },
      workers: [{ kind: 'classifier', host: 'host-a' }],
    });
    expect(problems).toEqual([
      { kind: 'no-loader', message: '3 job(s) wait in "feeds" and no loader is connected' },
      { kind: 'no-aggregator', message: '2 job(s) wait in "aggregate" and no aggregator is connected' },
    ]);
  });

  it('does not call active or finished jobs waiting work', () => {
    const queues = { feeds: { active: 1, completed: 5, failed: 2 }, aggregate: { active: 1 } };
    expect(findProblems({ ...none, queues })).toEqual([]);
  });
});
