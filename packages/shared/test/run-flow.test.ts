import { describe, expect, it } from 'vitest';
import {
  articleIdOfChild,
  buildRunFlow,
  ClassifyJobSchema,
  childOfKey,
  classifyChildren,
  classifyJobId,
  newRequestedRunId,
  ReadFeedJobSchema,
  RUN_ID_PATTERN,
  type RunManifest,
  runIdForJob,
} from '../src/index.js';

describe('run ids', () => {
  it('derive from the loader job, so a retried job names the same run', () => {
    expect(runIdForJob('repeat:daily-digest:1795586400000')).toBe('daily-2026-11-25T060000Z');
    expect(runIdForJob('manual-2026-11-25T060000Z-abc123')).toBe('manual-2026-11-25T060000Z-abc123');
  });

  it('always match the one run id pattern, so they are safe as keys and file names', () => {
    expect(newRequestedRunId()).toMatch(RUN_ID_PATTERN);
    expect(runIdForJob('repeat:daily-digest:1795586400000')).toMatch(RUN_ID_PATTERN);
    expect(runIdForJob('../../etc/x:y')).toMatch(RUN_ID_PATTERN);
  });
});

describe('run flow', () => {
  it('is one parent named after the run with one read-feed child per feed, whose ids parse back', () => {
    const manifest: RunManifest = {
      runId: 'run-1',
      trigger: 'manual',
      startedAt: '2026-11-25T06:00:00.000Z',
      feeds: ['https://a.example/rss', 'https://b.example/rss'],
    };
    const reads = manifest.feeds.map((feed, index) => ({ runId: 'run-1', index, feed, reclassify: false }));
    const flow = buildRunFlow(manifest, reads);
    expect(flow.opts?.jobId).toBe('run-1');
    expect(flow.children?.map((c) => [c.queueName, c.opts?.jobId])).toEqual([
      ['read-feed', 'run-1.feed-0'],
      ['read-feed', 'run-1.feed-1'],
    ]);
    for (const child of flow.children ?? []) expect(ReadFeedJobSchema.safeParse(child.data).success).toBe(true);
    expect(childOfKey('tidings:read-feed:run-1.feed-1')).toEqual({ queue: 'read-feed', jobId: 'run-1.feed-1' });
  });

  it('has read-feed jobs add classify children to the run by id, which parse back to their articles', () => {
    const children = classifyChildren('run-1', ['abc123', 'f00'], 'tidings:aggregate');
    expect(children.map((c) => [c.opts.jobId, c.opts.parent])).toEqual([
      ['run-1.abc123', { id: 'run-1', queue: 'tidings:aggregate' }],
      ['run-1.f00', { id: 'run-1', queue: 'tidings:aggregate' }],
    ]);
    // Ids only: the article itself stays in the run's article hash.
    expect(children.map((c) => ClassifyJobSchema.parse(c.data))).toEqual([
      { runId: 'run-1', articleId: 'abc123' },
      { runId: 'run-1', articleId: 'f00' },
    ]);
    expect(articleIdOfChild(`tidings:classify:${classifyJobId('run-1', 'abc123')}`, 'run-1')).toBe('abc123');
    expect(articleIdOfChild('p:classify:daily-2026-11-25T060000Z.f00', 'daily-2026-11-25T060000Z')).toBe('f00');
    expect(childOfKey('p:classify:run-1.f00')).toEqual({ queue: 'classify', jobId: 'run-1.f00' });
  });
});
