import { fileURLToPath } from 'node:url';

/**
 * The tiny keyword NLI model made by scripts/make-tiny-model.py: a BART MNLI model's
 * interface for tests and the offline demo, with no real understanding (its config says so).
 */
export const TINY_MODEL_DIR = fileURLToPath(new URL('../models/tiny-nli', import.meta.url));
/** The same answers plus about 200 ms of matrix products per forward pass, so a worker can be killed mid-job. */
export const SLOW_TINY_MODEL_DIR = fileURLToPath(new URL('../models/tiny-nli-slow', import.meta.url));
