import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usesExternalData } from '@tidings/model-tools';
import { ROOT, runProcess, startHubMirror, TINY_MODEL_DIR } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const ENTRY = path.join(ROOT, 'services/classifier/dist/prepare-model-main.js');
const MODEL_ID = 'tidings/tiny-nli';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-prepare-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The init container's command, as the image runs it: compiled, on plain node. */
const prepareModel = (env: Record<string, string>) => runProcess([process.execPath, ENTRY], env);

describe('the classifier image’s model step (Kubernetes init container)', () => {
  it('downloads and prepares the model, exits 0, and leaves it ready: a second run fetches nothing', async () => {
    const cache = path.join(work, 'cache');
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR });
    const env = { MODEL_ID, HF_ENDPOINT: mirror.endpoint, MODEL_CACHE_DIR: cache, LOG_LEVEL: 'info' };
    try {
      const first = await prepareModel(env);
      expect(first.code, first.stderr).toBe(0);
      const ready = first.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'model ready');
      expect(ready).toMatchObject({ dir: path.join(cache, MODEL_ID), downloaded: 4, externalData: true });
      expect(usesExternalData(path.join(cache, MODEL_ID))).toBe(true);
      const requests = mirror.requests();

      const second = await prepareModel(env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('"downloaded":0');
      expect(mirror.requests()).toEqual(requests);
    } finally {
      await mirror.close();
    }
  });

  it('names what is missing and exits non-zero when it may not download', async () => {
    const result = await prepareModel({
      MODEL_ID,
      MODEL_CACHE_DIR: path.join(work, 'empty'),
      ALLOW_REMOTE_MODELS: 'false',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('tidings classifier-model:');
    expect(result.stderr).toContain('ALLOW_REMOTE_MODELS=false forbids downloading it');
  });

  it('refuses a bad setting with the variable named, before any download', async () => {
    const result = await prepareModel({ MODEL_ID, MODEL_DTYPE: 'int4', MODEL_CACHE_DIR: path.join(work, 'bad') });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('MODEL_DTYPE');
    expect(fs.existsSync(path.join(work, 'bad'))).toBe(false);
  });
});
