import { describe, expect, it } from 'vitest';
import {
  articleIdOfChild,
  buildRunFlow,
  ClassifyJobSchema,
  classifyJobId,
  newRequestedRunId,
  RUN_ID_PATTERN,
  type RunManifest,
  runIdForJob,
} from '../src/index.js';

const article = (id: string) => ({
  id,
  feed: 'https://x.example/feed',
  title: `T ${id}`,
  summary: '',
  link: `https://x.example/${id}`,
  published: '2026-11-25T05:00:00.000Z',
  publishedEstimated: false,
  fetchedAt: '2026-11-25T06:00:00.000Z',
});

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
  it('is one parent named after the run with one classify child per article, whose ids parse back', () => {
    const manifest: RunManifest = {
      runId: 'run-1',
      trigger: 'manual',
      startedAt: '2026-11-25T06:00:00.000Z',
      feeds: [],
      articles: [article('abc123'), article('f00')],
    };
    const flow = buildRunFlow(manifest);
    expect(flow.opts?.jobId).toBe('run-1');
    expect(flow.children?.map((c) => c.opts?.jobId)).toEqual(['run-1.abc123', 'run-1.f00']);
    for (const child of flow.children ?? []) expect(ClassifyJobSchema.safeParse(child.data).success).toBe(true);
    expect(articleIdOfChild(`tidings:classify:${classifyJobId('run-1', 'abc123')}`, 'run-1')).toBe('abc123');
    expect(articleIdOfChild('p:classify:daily-2026-11-25T060000Z.f00', 'daily-2026-11-25T060000Z')).toBe('f00');
  });
});
