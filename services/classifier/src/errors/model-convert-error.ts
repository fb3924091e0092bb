import { TidingsError } from '@tidings/shared';

/** An ONNX file could not be converted to the external-data layout; the model still loads as it is. */
export class ModelConvertError extends TidingsError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super('TIDINGS_MODEL_CONVERT_FAILED', `cannot move the weights of ${file} into external data: it ${detail}`, {
      cause: options?.cause,
    });
  }
}
