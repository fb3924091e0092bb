import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, recordedProblems } from '@tidings/runtime';
import { ROOT, testPrefix, testRedis, testRedisUrl, waitFor } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { Supervisor } from '../src/supervisor.js';

describe('the supervisor', () => {
  it('leaves a classifier whose model will not load down, keeps the rest up, and the problem is recorded', async () => {
    const prefix = testPrefix();
    const output = new PassThrough();
    let log = '';
    output.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const supervisor = new Supervisor(
      [
        { name: 'classifier', service: 'classifier' },
        { name: 'aggregator', service: 'aggregator' },
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          REDIS_URL: testRedisUrl(),
          TIDINGS_PREFIX: prefix,
          MODEL_DIR: path.join(ROOT, 'no-such-model'),
          LOG_LEVEL: 'info',
        },
        logger: createLogger('supervisor-test', { level: 'silent' }),
        output,
        restartDelayMs: 100,
      },
    );
    const redis = testRedis();
    try {
      supervisor.start();
      await waitFor(() => log.includes('cannot load the NLI model'), {
        timeoutMs: 60_000,
        what: 'the classifier to give up',
      });
      await waitFor(() => log.includes('aggregator ready'), { timeoutMs: 60_000, what: 'the aggregator' });
      // Restarts would come every 100 ms here; a few seconds show there are none.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(log.match(/cannot load the NLI model/g)?.length).toBe(1);
      expect(supervisor.running()).toEqual(['aggregator']);
      const problems = await recordedProblems(redis, prefix);
      expect(problems.map((p) => p.kind)).toEqual(['model-unavailable']);
    } finally {
      await supervisor.stop();
      await redis.quit();
    }
  }, 120_000);
});
