import { QUEUE, readRunProgress, requestRun } from '@tidings/contracts';
import { startLoader } from '@tidings/loader';
import { createLogger } from '@tidings/runtime';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { CNBC_FIXTURE, testConfig, testRedis, waitForJobState } from '../../../test/harness.js';
import { formatLogLine } from '../src/format-log-line.js';
import { formatProgress, ProgressDisplay } from '../src/progress-display.js';

const redis = testRedis();
afterAll(() => redis.quit());

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('run progress', () => {
  it('reads classified/total and per-topic counts of a real run', async () => {
    const config = testConfig({ FEED_URLS: CNBC_FIXTURE });
    const loader = await startLoader({ config, logger: createLogger('t', { level: 'silent' }), schedule: false });
    const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
    const runId = await requestRun(loader.feedsQueue);
    await waitForJobState(loader.feedsQueue, runId, 'completed');
    expect(await readRunProgress(aggregate, runId)).toEqual({
      runId,
      state: 'waiting-children',
      classified: 0,
      failed: 0,
      total: 12,
    });
    expect(await readRunProgress(aggregate, 'no-such-run')).toBeNull();
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
        perTopic: { Stock: 2, Crypto: 3 },
      }),
    ).toBe('run r: classified 5/12, failed 1 | Crypto 3, Stock 2');
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
