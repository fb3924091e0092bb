import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, liveWorkers } from '@tidings/runtime';
import { loadConfig } from '@tidings/shared';
import {
  spawnService,
  startHubMirror,
  TINY_MODEL_DIR,
  testPrefix,
  testRedis,
  testRedisUrl,
  waitFor,
} from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureModel } from '../src/ensure-model.js';
import { downloadFile } from '../src/hub-download.js';

const MODEL_ID = 'tidings/tiny-nli';
const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-download-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const onceEach = () => Object.fromEntries(MODEL_FILES.map((f) => [`${MODEL_ID}/${f}`, 1]));

describe('getting MODEL_ID into an empty cache', () => {
  it('two classifier processes started together download it once: one waits on the lock, then both load it and connect', async () => {
    // Slow files (about 3 s each), so the second process starts while the first still downloads.
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR }, { pieces: 15, pieceDelayMs: 200 });
    const redis = testRedis();
    const prefix = testPrefix();
    const env = {
      REDIS_URL: testRedisUrl(),
      TIDINGS_PREFIX: prefix,
      DATA_DIR: path.join(work, 'data'),
      MODEL_ID,
      HF_ENDPOINT: mirror.endpoint,
      MODEL_CACHE_DIR: path.join(work, 'shared-cache'),
      CLASSIFIER_THREADS: '1',
    };
    const procs = [spawnService('classifier', env), spawnService('classifier', env)];
    try {
      await waitFor(async () => (await liveWorkers(redis, prefix)).length === 2 || undefined, {
        what: 'both classifiers to load the model and connect',
        timeoutMs: 240_000,
      });
      expect(mirror.requests()).toEqual(onceEach());
      const outputs = procs.map((p) => p.output());
      expect(outputs.filter((o) => o.includes('waiting for pid')).length, outputs.join('\n')).toBe(1);
      expect(outputs.filter((o) => o.includes('moved the weights of onnx/model.onnx')).length).toBe(1);
    } finally {
      await Promise.all(procs.map((p) => p.stop('SIGKILL')));
      redis.disconnect();
      await mirror.close();
    }
  }, 300_000);

  it('waits while a live process holds the lock, and takes it over once that process is gone', async () => {
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR });
    const config = loadConfig({ MODEL_ID, HF_ENDPOINT: mirror.endpoint, MODEL_CACHE_DIR: path.join(work, 'locked') });
    const lock = path.join(config.classifier.cacheDir, `${MODEL_ID}.lock`);
    const holder = spawn('sleep', ['600']);
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, JSON.stringify({ pid: holder.pid, host: os.hostname() }));
    try {
      let settled = false;
      const ensured = ensureModel(config.classifier, { logger: createLogger('test', { level: 'silent' }) }).finally(
        () => (settled = true),
      );
      await new Promise((r) => setTimeout(r, 1_500));
      expect(settled).toBe(false);
      expect(mirror.requests()).toEqual({});
      holder.kill('SIGKILL');
      const model = await ensured;
      expect(model.downloaded.map((f) => f.file)).toEqual(MODEL_FILES);
      expect(model.converted?.tensors).toBe(1);
      expect(mirror.requests()).toEqual(onceEach());
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
      await mirror.close();
    }
  });

  it('takes over the lock of a process that died mid-download, says whose it was, and clears its half file', async () => {
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR });
    const config = loadConfig({ MODEL_ID, HF_ENDPOINT: mirror.endpoint, MODEL_CACHE_DIR: path.join(work, 'stale') });
    const lock = path.join(config.classifier.cacheDir, `${MODEL_ID}.lock`);
    const dead = spawnSync('true').pid;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, JSON.stringify({ pid: dead, host: os.hostname() }));
    const half = path.join(config.classifier.cacheDir, MODEL_ID, `onnx/model.onnx.part-${dead}`);
    fs.mkdirSync(path.dirname(half), { recursive: true });
    fs.writeFileSync(half, Buffer.alloc(100));
    const lines: string[] = [];
    const logger = createLogger('test', { level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    try {
      const model = await ensureModel(config.classifier, { logger });
      expect(model.downloaded).toHaveLength(4);
      expect(lines.join('')).toContain(`taking over the lock of pid ${dead} on ${os.hostname()}, which is gone`);
      expect(fs.existsSync(half)).toBe(false);
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      await mirror.close();
    }
  });

  it('takes over a lock from another host (a container sharing the cache) once its holder stopped refreshing it', async () => {
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR });
    const config = loadConfig({ MODEL_ID, HF_ENDPOINT: mirror.endpoint, MODEL_CACHE_DIR: path.join(work, 'other') });
    const lock = path.join(config.classifier.cacheDir, `${MODEL_ID}.lock`);
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'another-container' }));
    const logger = createLogger('test', { level: 'silent' });
    try {
      // Fresh, it is waited for: its holder may be downloading.
      const ensured = ensureModel(config.classifier, { logger });
      const first = await Promise.race([ensured, new Promise((r) => setTimeout(() => r('waiting'), 1_000))]);
      expect(first).toBe('waiting');
      expect(mirror.requests()).toEqual({});
      // Untouched for 3 minutes: its holder is gone, and the waiting call takes over.
      const old = new Date(Date.now() - 180_000);
      fs.utimesSync(lock, old, old);
      const model = await ensured;
      expect(model.downloaded).toHaveLength(4);
      expect(mirror.requests()).toEqual(onceEach());
    } finally {
      await mirror.close();
    }
  });

  it('gives up on a connection that stays open but sends nothing, and leaves no half file', async () => {
    const mirror = await startHubMirror({ [MODEL_ID]: TINY_MODEL_DIR }, { stallOnce: 'onnx/model.onnx' });
    const dest = path.join(work, 'stalled', 'onnx/model.onnx');
    const url = `${mirror.endpoint}/${MODEL_ID}/resolve/main/onnx/model.onnx`;
    try {
      await expect(downloadFile(url, dest, 'onnx/model.onnx', () => {}, 500)).rejects.toThrow(
        `cannot download ${url}: no data for 0.5 s after 3071 of 6142 bytes`,
      );
      expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
      // The next request is answered whole.
      expect(await downloadFile(url, dest, 'onnx/model.onnx', () => {}, 500)).toBe(6142);
    } finally {
      await mirror.close();
    }
  });
});
