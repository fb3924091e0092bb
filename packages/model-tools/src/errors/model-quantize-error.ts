import { TidingsError } from '@tidings/shared';

/** The word embedding of an int8 model could not be quantized; the model still loads, with it in fp32. */
export class ModelQuantizeError extends TidingsError {
  static readonly code = 'TIDINGS_MODEL_QUANTIZE_FAILED';
  static readonly meaning =
    'The word embedding of an int8 (MODEL_DTYPE=q8) model could not be quantized; the model still loads, with that embedding in fp32.';
  static readonly fix =
    'Nothing is required; the message says what in the file was unexpected. MODEL_DTYPE=fp32 avoids the step.';

  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(ModelQuantizeError.code, `cannot quantize the word embedding of ${file}: it ${detail}`, {
      cause: options?.cause,
    });
  }
}
