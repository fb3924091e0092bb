import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Run } from '@tidings/shared';
import { describe, expect, it } from 'vitest';
import { writeSnapshot } from '../src/snapshot.js';

function run(id: string, startedAt: string): Run {
  return {
    id,
    trigger: 'manual',
    feeds: [],
    startedAt,
    finishedAt: startedAt,
    durationMs: 0,
    counts: { fetched: 0, new: 0, classified: 0, failed: 0 },
    failures: [],
    finalisedBy: 'aggregator',
    topics: [],
  };
}

describe('snapshots', () => {
  it('write runs/<id>.json, and latest.json only for the newest run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-snap-'));
    const digest = {
      generatedAt: '2026-11-25T00:00:00.000Z',
      windowHours: 24,
      from: null,
      to: null,
      runId: 'r2',
      topics: [],
    };
    await writeSnapshot(dir, { run: run('r2', '2026-11-25T06:00:00.000Z'), digest }, { latest: true });
    const late = await writeSnapshot(dir, { run: run('r1', '2026-11-24T06:00:00.000Z'), digest }, { latest: false });
    expect(late.latestFile).toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')).run.id).toBe('r2');
    expect(fs.readdirSync(path.join(dir, 'runs')).sort()).toEqual(['r1.json', 'r2.json']);
  });
});
