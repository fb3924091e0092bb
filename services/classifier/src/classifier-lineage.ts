import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { announcedDataFiles, type ModelSource, onnxFileFor } from '@tidings/model-tools';
import type { RedisConnection } from '@tidings/runtime';
import {
  type ClassifierVersion,
  type Config,
  classifierVersion,
  type KeySpaceSource,
  redisKeys,
} from '@tidings/shared';

/** The folder a model is loaded from: MODEL_DIR, or the hub id under MODEL_CACHE_DIR. */
function modelFolder(source: ModelSource): string {
  return source.dir ?? path.join(source.cacheDir, source.id);
}

/**
 * "sha256:<hex>" over the files that decide the model's answers (config, tokenizer, the
 * dtype's ONNX file and its external data), read as streams: a 1.2 GB model is hashed in a
 * few seconds at start, never held in memory. A file that is not there is hashed as its
 * absence, so a hub model cached without one still gets a stable fingerprint.
 */
export async function weightsFingerprint(source: ModelSource): Promise<string> {
  const dir = modelFolder(source);
  const onnx = onnxFileFor(source.dtype);
  let data: string[] = [];
  try {
    data = announcedDataFiles(dir, onnx);
  } catch {
    // No readable config.json: the fingerprint says so through its absence below.
  }
  const hash = createHash('sha256');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnx, ...data]) {
    hash.update(`${file}\0`);
    try {
      for await (const chunk of fs.createReadStream(path.join(dir, file))) hash.update(chunk as Buffer);
    } catch {
      hash.update('(absent)');
    }
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The version a classifier runs: its model and weights, dtype, zero-shot options and calibration. */
export async function versionOfClassifier(
  source: ModelSource,
  zeroShot: Config['zeroShot'],
  calibration: string | null = null,
): Promise<ClassifierVersion> {
  return classifierVersion({
    // The hub id or the folder's name, not its path: one model mounted at two paths is one version.
    model: source.name,
    weights: await weightsFingerprint(source),
    dtype: source.dtype,
    labels: zeroShot.labels,
    hypothesisTemplate: zeroShot.hypothesisTemplate,
    multiLabel: zeroShot.multiLabel,
    calibration,
  });
}

/**
 * Records a version where the CLI, the API and the page look it up by id, and marks it the
 * current one: the version the most recently started classifier runs.
 */
export async function registerClassifierVersion(
  redis: RedisConnection,
  space: KeySpaceSource,
  version: ClassifierVersion,
): Promise<void> {
  const keys = redisKeys(space);
  await redis.hset(keys.classifierVersions, version.id, JSON.stringify(version));
  await redis.set(keys.currentClassifierVersion, version.id);
}
