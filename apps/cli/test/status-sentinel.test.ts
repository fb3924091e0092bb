import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StackStatusSchema } from '@tidings/shared';
import { runTidings, type SentinelSetup, startSentinelSetup, testPrefix } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('tidings status on Redis behind Sentinel', () => {
  let setup: SentinelSetup;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-status-sentinel-'));
    setup = await startSentinelSetup(dir);
  });
  afterAll(async () => {
    await setup?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names Sentinel and the primary it reports, and the promoted replica after a failover', async () => {
    const env = { ...setup.env, TIDINGS_PREFIX: testPrefix(), DATA_DIR: dir };
    const text = await runTidings(['status'], env);
    expect(text.stdout).toContain(`Redis: Sentinel primary 'tidings-primary' via ${setup.env.REDIS_SENTINELS}`);
    expect(text.stdout).toContain(`  Sentinel, primary 127.0.0.1:${setup.primary.port}\n`);
    expect(text.stderr).toContain('(REDIS_SENTINELS)');
    expect(text.stdout + text.stderr).not.toContain(setup.env.REDIS_PASSWORD);

    await setup.killPrimary();
    const after = StackStatusSchema.parse(JSON.parse((await runTidings(['status', '--json'], env)).stdout));
    expect(after.redisKind).toBe('sentinel');
    expect(after.redisPrimaries).toEqual([`127.0.0.1:${setup.replica.port}`]);
  });
});
