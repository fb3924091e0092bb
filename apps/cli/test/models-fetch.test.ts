import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { liveWorkers } from '@tidings/runtime';
import {
  ROOT,
  runProcess,
  spawnService,
  startHubMirror,
  TINY_MODEL_DIR,
  testPrefix,
  testRedis,
  testRedisUrl,
  waitFor,
} from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');
const MODEL_ID = 'tidings/tiny-nli';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-models-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * The real CLI as a process; asynchronous, because the mirror answering it lives in this one.
 * With `tty`, it runs under script(1), on a real pseudo-terminal.
 */
function tidings(args: string[], env: Record<string, string>, tty = false) {
  const command = [process.execPath, CLI, ...args];
  return runProcess(tty ? ['script', '-qec', command.join(' '), '/dev/null'] : command, { LOG_LEVEL: 'warn', ...env });
}

/** Every file below a folder, by its path inside it. */
function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('tidings models fetch from a mirror (HF_ENDPOINT)', () => {
  it('survives a transfer cut mid-file, then fetches, converts and verifies the model; the classifier uses it offline', async () => {
    const cache = path.join(work, 'cache');
    const modelDir = path.join(cache, MODEL_ID);
    const mirror = await startHubMirror(
      { [MODEL_ID]: TINY_MODEL_DIR },
      { cutOnce: 'onnx/model.onnx', pieces: 20, pieceDelayMs: 20 },
    );
    const env = { MODEL_ID, HF_ENDPOINT: mirror.endpoint, MODEL_CACHE_DIR: cache, CLASSIFIER_THREADS: '1' };
    try {
      const cut = await tidings(['models', 'fetch'], env);
      expect(cut.code).toBe(1);
      expect(cut.stderr).toContain(`${mirror.endpoint}/${MODEL_ID}/resolve/main/onnx/model.onnx`);
      expect(cut.stderr).toMatch(/the transfer broke after \d+ of 6142 bytes/);
      // The files that arrived whole are kept; nothing of the cut one, under any name, nor the lock.
      expect(filesIn(modelDir)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
      expect(filesIn(cache).filter((f) => f.endsWith('.lock'))).toEqual([]);

      const fetched = await tidings(['models', 'fetch'], env);
      expect(fetched.code, fetched.stderr).toBe(0);
      // Not a terminal: a line per tenth of each file, from the first bytes to all of them.
      expect(fetched.stderr).toContain('onnx/model.onnx: 6142 B of 6142 B (100%)');
      const modelLines = fetched.stderr.split('\n').filter((l) => l.startsWith('onnx/model.onnx:'));
      expect(modelLines.length).toBeGreaterThanOrEqual(5);
      expect(modelLines.length).toBeLessThanOrEqual(11);
      expect(fetched.stdout).toContain(`downloaded 1 file(s), 6142 bytes, of ${MODEL_ID} from ${mirror.endpoint}`);
      expect(fetched.stdout).toMatch(/moved 1 weight tensors \(4760 bytes\) into external data/);
      expect(fetched.stdout).toContain(`verified: ${modelDir} loads and classifies`);
      expect(filesIn(modelDir)).toEqual([
        'config.json',
        'onnx/model.onnx',
        'onnx/model.onnx_data',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      expect(mirror.requests()).toEqual({
        [`${MODEL_ID}/config.json`]: 1,
        [`${MODEL_ID}/tokenizer.json`]: 1,
        [`${MODEL_ID}/tokenizer_config.json`]: 1,
        [`${MODEL_ID}/onnx/model.onnx`]: 2,
      });
    } finally {
      await mirror.close();
    }

    // The mirror is gone and downloads are off: the fetched folder is all the classifier has.
    const text = 'Bitcoin and ether rally as crypto markets recover';
    const offline = await tidings(['classify', text], { ...env, ALLOW_REMOTE_MODELS: 'false' });
    expect(offline.code, offline.stderr).toBe(0);
    const reference = await tidings(['classify', text], { MODEL_DIR: TINY_MODEL_DIR, CLASSIFIER_THREADS: '1' });
    const [got, want] = [JSON.parse(offline.stdout), JSON.parse(reference.stdout)];
    expect(got.model).toBe(MODEL_ID);
    expect(got.label).toBe(want.label);
    for (const [label, score] of Object.entries(want.scores as Record<string, number>)) {
      expect(Math.abs(got.scores[label] - score)).toBeLessThan(1e-6);
    }

    // And the classifier service: it loads the folder, classifies its warm-up sentence, and connects.
    const redis = testRedis();
    const prefix = testPrefix();
    const service = spawnService('classifier', {
      ...env,
      ALLOW_REMOTE_MODELS: 'false',
      REDIS_URL: testRedisUrl(),
      TIDINGS_PREFIX: prefix,
      DATA_DIR: path.join(work, 'data'),
    });
    try {
      const worker = await waitFor(async () => (await liveWorkers(redis, prefix))[0], {
        what: 'the offline classifier to connect',
        timeoutMs: 120_000,
      });
      expect(worker.model).toBe(MODEL_ID);
      expect(mirror.requests()[`${MODEL_ID}/onnx/model.onnx`]).toBe(2);
    } finally {
      await service.stop('SIGKILL');
      redis.disconnect();
    }
  });

  it('on a terminal, shows the progress in place on one line', async () => {
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR }, { pieces: 20, pieceDelayMs: 20 });
    try {
      const cache = path.join(work, 'tty');
      const result = await tidings(
        ['models', 'fetch'],
        { MODEL_ID, HF_ENDPOINT: mirror.endpoint, MODEL_CACHE_DIR: cache, CLASSIFIER_THREADS: '1' },
        true,
      );
      expect(result.code, result.stdout).toBe(0);
      const rewrites = result.stdout.split('\r\x1b[2K').filter((l) => l.startsWith('onnx/model.onnx: '));
      // Every chunk rewrites the line: more updates than the 11 tenths a log would get, none on a line of its own.
      expect(rewrites.length).toBeGreaterThan(11);
      expect(rewrites.slice(0, -1).every((l) => !l.includes('\n'))).toBe(true);
      expect(result.stdout).toContain('onnx/model.onnx: 6142 B of 6142 B (100%)');
    } finally {
      await mirror.close();
    }
  }, 120_000);

  it('fails clearly, naming the folder, when the model is not cached and ALLOW_REMOTE_MODELS=false', async () => {
    const cache = path.join(work, 'empty');
    const result = await tidings(['models', 'fetch'], {
      MODEL_ID,
      MODEL_CACHE_DIR: cache,
      ALLOW_REMOTE_MODELS: 'false',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `MODEL_ID=${MODEL_ID} (fp32) in ${path.join(cache, MODEL_ID)}: it lacks config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx and ALLOW_REMOTE_MODELS=false forbids downloading it`,
    );
  }, 120_000);
});
