import os from 'node:os';
import { redisKeys } from '@tidings/shared';
import { buildHeartbeat, buildProblem, testPrefix, testRedis, waitFor } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { clearProblem, Heartbeat, liveWorkers, recordedProblems, recordProblem } from '../src/index.js';

/** What `tidings status`, the page and /metrics count as live workers and open problems. */
const redis = testRedis();
afterAll(() => redis.quit());

const model = { name: 'tiny-nli', dtype: 'fp32', loadMs: 120 };

describe('heartbeats', () => {
  it('count a running worker as live, with its model and the jobs it has done', async () => {
    const prefix = testPrefix();
    const beat = new Heartbeat(redis, prefix, model, { intervalMs: 50, ttlMs: 5_000 });
    await beat.start();
    const [live] = await liveWorkers(redis, prefix);
    expect(live).toMatchObject({ id: beat.id, pid: process.pid, host: os.hostname(), model: 'tiny-nli', loadMs: 120 });
    expect(live?.jobsDone).toBe(0);
    beat.jobDone();
    beat.jobDone();
    await waitFor(async () => (await liveWorkers(redis, prefix))[0]?.jobsDone === 2, { what: 'the next beat' });
    await beat.close();
  });

  it('stop counting a worker that stops beating once its heartbeat expires, and drop it from the index', async () => {
    const prefix = testPrefix();
    // A worker that died without closing: one beat, then nothing (as after SIGKILL).
    const dead = new Heartbeat(redis, prefix, model, { intervalMs: 3_600_000, ttlMs: 300 });
    await dead.start();
    const alive = new Heartbeat(redis, prefix, model, { intervalMs: 50, ttlMs: 2_000 });
    await alive.start();
    expect((await liveWorkers(redis, prefix)).map((w) => w.id).sort()).toEqual([alive.id, dead.id].sort());
    await waitFor(async () => (await liveWorkers(redis, prefix)).length === 1, {
      what: 'the dead worker to expire',
    });
    expect((await liveWorkers(redis, prefix)).map((w) => w.id)).toEqual([alive.id]);
    expect(await redis.smembers(redisKeys(prefix).workerIndex)).toEqual([alive.id]);
    // The live one keeps beating past the dead one's expiry: its record never lapses.
    expect(await redis.pttl(redisKeys(prefix).workerHeartbeat(alive.id))).toBeGreaterThan(0);
    await alive.close();
    await dead.close();
  });

  it('are removed at once by close(), not left to expire', async () => {
    const prefix = testPrefix();
    const beat = new Heartbeat(redis, prefix, model, { ttlMs: 60_000 });
    await beat.start();
    await beat.close();
    expect(await liveWorkers(redis, prefix)).toEqual([]);
    expect(await redis.exists(redisKeys(prefix).workerHeartbeat(beat.id))).toBe(0);
  });

  it('skip a record that is not a heartbeat, without hiding the others', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const good = buildHeartbeat();
    await redis.set(keys.workerHeartbeat(good.id), JSON.stringify(good), 'PX', 60_000);
    await redis.set(keys.workerHeartbeat('garbled'), '{not json', 'PX', 60_000);
    await redis.set(keys.workerHeartbeat('wrong'), JSON.stringify({ id: 'wrong', pid: 'x' }), 'PX', 60_000);
    await redis.sadd(keys.workerIndex, good.id, 'garbled', 'wrong');
    expect(await liveWorkers(redis, prefix)).toEqual([good]);
  });
});

describe('recorded problems', () => {
  it('are listed until cleared, one record per id however often recorded', async () => {
    const prefix = testPrefix();
    const modelDown = buildProblem({ kind: 'model-unavailable', message: 'no model in the cache', where: 'host-a' });
    await recordProblem(redis, prefix, 'model-unavailable:host-a', modelDown);
    await recordProblem(redis, prefix, 'model-unavailable:host-a', { ...modelDown, message: 'still no model' });
    const feed = buildProblem();
    await recordProblem(redis, prefix, 'feed:1', feed);
    const listed = await recordedProblems(redis, prefix);
    expect(listed).toHaveLength(2);
    expect(listed).toEqual(expect.arrayContaining([feed, { ...modelDown, message: 'still no model' }]));
    await clearProblem(redis, prefix, 'model-unavailable:host-a');
    expect(await recordedProblems(redis, prefix)).toEqual([feed]);
  });

  it('expire when nothing records them again (the process that saw it is gone)', async () => {
    const prefix = testPrefix();
    await recordProblem(redis, prefix, 'p1', buildProblem(), { ttlMs: 200 });
    expect(await recordedProblems(redis, prefix)).toHaveLength(1);
    await waitFor(async () => (await recordedProblems(redis, prefix)).length === 0, { what: 'the problem to expire' });
    expect(await redis.scard(redisKeys(prefix).problemIndex)).toBe(0);
  });
});
