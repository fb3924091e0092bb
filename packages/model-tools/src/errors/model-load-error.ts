import { EXIT_UNAVAILABLE } from '@tidings/runtime';
import { TidingsError } from '@tidings/shared';

export const MODEL_FIX_HINT =
  'set MODEL_DIR to a folder with config.json, tokenizer.json and onnx/model.onnx (onnx/model_quantized.onnx for MODEL_DTYPE=q8), ' +
  "or run 'pnpm tidings models fetch' where HF_ENDPOINT (the Hugging Face hub) is reachable and copy MODEL_CACHE_DIR here";

/** The model could not be had; the message says what was tried and how to fix it. */
export class ModelLoadError extends TidingsError {
  static readonly code = 'TIDINGS_MODEL_UNAVAILABLE';
  static readonly meaning =
    'The classifier could not load the NLI model: MODEL_DIR does not hold it, it is not cached, and it could not be downloaded (the message says what was tried). The classifier stays down; the rest of the stack runs.';
  static readonly fix = MODEL_FIX_HINT;

  constructor(tried: string, cause: string, options?: { cause?: unknown }) {
    super(ModelLoadError.code, `cannot load the NLI model: tried ${tried}: ${cause}`, {
      fix: `Fix: ${MODEL_FIX_HINT}`,
      cause: options?.cause,
      exitCode: EXIT_UNAVAILABLE,
    });
  }
}
