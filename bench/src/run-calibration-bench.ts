/**
 * `pnpm bench:calibration`: what learning from feedback costs. A vote: the Redis commands
 * one FeedbackStore.record sends (seen by MONITOR on a redis-server of its own; the commands
 * its script runs inside Redis are not round trips and are not counted), and a calibration: `calibrate` (5-fold cross-validation, then the final fit) on
 * 10 000 verdicts made from the shipped labelled set's scores, on the tiny test model. No
 * model pass is timed: calibration reads the stored scores only. Prints JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifyLabelled, loadNliModel, modelSource, TINY_MODEL_DIR } from '@tidings/classifier';
import { calibrate, calibrateOptions, FeedbackStore, importedExample, readLabelledFile } from '@tidings/feedback';
import { startRedisServer } from '@tidings/runtime';
import { feedbackReaderId, loadConfig } from '@tidings/shared';
import { FIXTURES } from '@tidings/testing';
import { Redis } from 'ioredis';

const EXAMPLES = 10_000;

async function main() {
  const config = loadConfig({ MODEL_DIR: TINY_MODEL_DIR, CLASSIFIER_THREADS: '1' });
  const model = await loadNliModel(modelSource(config.classifier), { threads: 1 });
  const text = fs.readFileSync(path.join(FIXTURES, 'eval/feedback-half.jsonl'), 'utf8');
  const scored = await classifyLabelled(model, readLabelledFile(text, config.zeroShot.labels).lines, config.zeroShot);
  await model.dispose();
  // Many readers, so the per-reader cap leaves every verdict its weight, as on a busy deployment.
  const examples = Array.from({ length: EXAMPLES }, (_, i) => {
    const line = scored[i % scored.length];
    if (!line) throw new Error('no scored line');
    const reader = feedbackReaderId('feed-key', `reader-${i % 200}`);
    return importedExample({ ...line, item: { ...line.item, title: `${line.item.title} #${i}` } }, reader, new Date());
  });
  const started = performance.now();
  const outcome = calibrate(examples, calibrateOptions(config));
  const calibrateMs = Math.round(performance.now() - started);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-calibration-'));
  const server = await startRedisServer({ dir });
  const redis = new Redis(server.url);
  try {
    const store = new FeedbackStore(redis, 'bench', { perReader: 1000, total: 50_000 });
    await store.record(examples[0] as (typeof examples)[0]); // loads the script once
    const monitor = await redis.monitor();
    let sent = 0;
    monitor.on('monitor', (_time: string, _args: string[], source: string) => {
      if (!source.includes('lua')) sent++;
    });
    for (const e of examples.slice(1, 101)) await store.record(e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    monitor.disconnect();
    const perVote = sent / 100;
    process.stdout.write(
      `${JSON.stringify(
        {
          examples: EXAMPLES,
          calibrateMs,
          folds: config.feedback.folds,
          adopted: outcome.adopt,
          heldOut: outcome.calibration.report.labels,
          redisCommandsPerVote: perVote,
          machine: { cpus: os.cpus()[0]?.model, node: process.version },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    redis.disconnect();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
