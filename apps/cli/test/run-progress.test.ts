import { startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { readRunProgress, requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { QUEUE } from '@tidings/shared';
import { CNBC_FIXTURE, testConfig, testRedis, waitFor } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLogLine } from '../src/format-log-line.js';
import { formatProgress, ProgressDisplay } from '../src/progress-display.js';

const redis = testRedis();
afterAll(() => redis.quit());

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('run progress', () => {
  it('counts articles, not the feeds read, as a real run goes from read to classified', async () => {
    const config = testConfig({ FEED_URLS: CNBC_FIXTURE });
    const loader = await startLoader({ config, logger: createLogger('t', { level: 'silent' }), schedule: false });
    const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
    const runId = await requestRun(loader.feedsQueue);
    // The feed is read (a finished child of the run) and nothing is classified yet.
    expect(
      await waitFor(async () => {
        const p = await readRunProgress(aggregate, redis, runId);
        return p?.feedsRead === 1 ? p : undefined;
      }),
    ).toEqual({ runId, state: 'waiting-children', classified: 0, failed: 0, total: 12, feeds: 1, feedsRead: 1 });
    const classifier = await startClassifier({ config, logger: createLogger('t', { level: 'silent' }) });
    const done = await waitFor(async () => {
      const p = await readRunProgress(aggregate, redis, runId, { perTopic: true });
      return p?.classified === 12 ? p : undefined;
    });
    expect(done).toMatchObject({ failed: 0, total: 12, feedsRead: 1 });
    expect(Object.values(done.perTopic ?? {}).reduce((a, b) => a + b, 0)).toBe(12);
    expect(await readRunProgress(aggregate, redis, 'no-such-run')).toBeNull();
    await classifier.close();
    await aggregate.close();
    await loader.close();
  });

  it('formats a progress line', () => {
    expect(
      formatProgress({
        runId: 'r',
        state: 'waiting-children',
        classified: 5,
        failed: 1,
        total: 12,
        feeds: 2,
        feedsRead: 2,
        perTopic: { Stock: 2, Crypto: 3 },
      }),
    ).toBe('run r: classified 5/12, failed 1 | Crypto 3, Stock 2');
    expect(
      formatProgress({
        runId: 'r',
        state: 'waiting-children',
        classified: 0,
        failed: 0,
        total: 40,
        feeds: 9,
        feedsRead: 4,
      }),
    ).toBe('run r: feeds read 4/9, classified 0/40');
  });

  it('rewrites one line on a terminal and prints plain lines elsewhere', () => {
    const tty = fakeStream(true);
    const terminal = new ProgressDisplay(tty.stream);
    terminal.update('a');
    terminal.update('a');
    terminal.update('b');
    terminal.done();
    expect(tty.writes).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kb', '\n']);
    const pipe = fakeStream(false);
    const plain = new ProgressDisplay(pipe.stream);
    plain.update('a');
    plain.update('b');
    plain.done();
    expect(pipe.writes).toEqual(['a\n', 'b\n']);
  });
});

describe('supervisor log lines', () => {
  const line = JSON.stringify({
    level: 30,
    time: '2026-11-25T06:00:01.000Z',
    service: 'loader',
    pid: 1,
    msg: 'run enqueued',
    runId: 'r1',
    articles: 12,
  });
  it('are readable on a terminal', () => {
    expect(formatLogLine(line, 'loader', true)).toBe('06:00:01 [loader] info  run enqueued  runId=r1 articles=12');
  });
  it('stay one JSON object per line elsewhere, and prefix what is not JSON', () => {
    expect(formatLogLine(line, 'loader', false)).toBe(line);
    expect(formatLogLine('plain text', 'classifier-2', false)).toBe('[classifier-2] plain text');
  });
});
