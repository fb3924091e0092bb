import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LABELS, loadConfig } from '@tidings/shared';

/**
 * What every benchmark shares. "The seed" is what tidings grew out of: an Airflow DAG that
 * classified the CNBC Finance feed with PyTorch and valhalla/distilbart-mnli-12-1, one
 * premise/hypothesis pair per forward pass; seed_pytorch.py reproduces its way of running.
 */
export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Made by make-bench-model.py: distilbart-mnli-12-1's shapes with random weights. */
export const MODEL_DIR = path.join(BENCH_DIR, 'models/distilbart-shaped');
export const QUICK = process.argv.includes('--quick');
export const REPEATS = QUICK ? 3 : 7;
/** Articles each process layout classifies through the real queue. */
export const QUEUE_ARTICLES = QUICK ? 16 : 48;
export const CORES = os.availableParallelism();
export const LABELS = DEFAULT_LABELS.split(',');
export const TEMPLATE = 'This example is {}.';
export const OPTIONS = loadConfig({ LABELS: DEFAULT_LABELS, HYPOTHESIS_TEMPLATE: TEMPLATE }).zeroShot;
