import { TidingsError } from '@tidings/shared';

/** The word embedding of an int8 model could not be quantized; the model still loads, with it in fp32. */
export class ModelQuantizeError extends TidingsError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super('TIDINGS_MODEL_QUANTIZE_FAILED', `cannot quantize the word embedding of ${file}: it ${detail}`, {
      cause: options?.cause,
    });
  }
}
